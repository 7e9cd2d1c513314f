/// Walks stored entries in sequence order and names the first one that breaks the chain:
/// a missing sequence number (deleted), a link that does not follow the previous hash
/// (reordered, deleted or inserted), fields that no longer give the stored hash (edited), a
/// record that is not the one a checkpoint recorded (rewritten), or a chain that ends before a
/// checkpoint (cut from the end).
public struct AuditChainVerifier: Sendable {
    private let chain: AuditChain
    private var previous = AuditChainHead.genesis
    /// Checkpoints by sequence number; each must match the record of its number.
    private let checkpoints: [Int64: [AuditCheckpointClaim]]
    /// Entries checked so far.
    public private(set) var count = 0
    /// Checkpoints whose record was found with the hash they name.
    public private(set) var checkpointsMatched = 0

    /// `checkpoints` must already be trusted (`AuditCheckpoint.refusal(for:)` is nil).
    public init(chain: AuditChain, checkpoints: [AuditCheckpointClaim] = []) {
        self.chain = chain
        self.checkpoints = Dictionary(grouping: checkpoints.filter { $0.checkpoint.sequence > 0 },
                                      by: \.checkpoint.sequence)
    }

    /// Checks the next entry; the first problem found, or nil.
    public mutating func check(_ entry: AuditEntry) -> AuditChainProblem? {
        let expected = previous.sequence + 1
        if entry.sequence != expected {
            return AuditChainProblem(sequence: expected, reason: entry.sequence > expected
                ? "record \(expected) is missing (the next record is \(entry.sequence)): deleted"
                : "record \(entry.sequence) appears out of order")
        }
        guard let mode = entry.mode else {
            return AuditChainProblem(sequence: entry.sequence, reason: "record \(entry.sequence) names an unknown chain mode: edited")
        }
        if mode != chain.mode {
            return AuditChainProblem(sequence: entry.sequence, reason: mode == .hmacSHA256
                ? "record \(entry.sequence) is keyed (hmac-sha256): pass the --audit-key-file it was written with"
                : "record \(entry.sequence) is not keyed (sha256) although a key was given: rewritten without the key?")
        }
        if entry.previousHash != previous.hash {
            return AuditChainProblem(sequence: entry.sequence, reason: "record \(entry.sequence) does not follow "
                + (expected == 1 ? "the genesis value" : "record \(previous.sequence)")
                + ": its prev_hash is not the previous record's hash (a record was changed, reordered or replaced)")
        }
        if chain.expectedHash(of: entry) != entry.hash {
            return AuditChainProblem(sequence: entry.sequence,
                                     reason: "record \(entry.sequence) was edited: its fields do not give its hash")
        }
        for claim in checkpoints[entry.sequence] ?? [] {
            guard claim.checkpoint.hash == entry.hash else {
                return AuditChainProblem(sequence: entry.sequence, reason: "record \(entry.sequence) is not the record "
                    + "\(claim.describe) names (its hash is \(entry.hash), the checkpoint says \(claim.checkpoint.hash)): "
                    + "the chain was rewritten at or before record \(entry.sequence)")
            }
            checkpointsMatched += 1
        }
        previous = AuditChainHead(sequence: entry.sequence, hash: entry.hash)
        count += 1
        return nil
    }

    /// After the last entry: a checkpoint past it means records were cut from the end; then
    /// the head the database recorded must name the last entry (records deleted from, or
    /// appended to, the end) and, on a keyed chain, carry its seal (a head moved back by
    /// someone without the key) unless `ignoringSeal` (`audit reseal`, which replaces it).
    public func finish(head stored: AuditStoredHead, ignoringSeal: Bool = false) -> AuditChainProblem? {
        if let latest = checkpoints.values.joined().max(by: { $0.checkpoint.sequence < $1.checkpoint.sequence }),
           latest.checkpoint.sequence > previous.sequence {
            return AuditChainProblem(sequence: previous.sequence + 1, reason: "truncated: the log ends at record "
                + "\(previous.sequence) but \(latest.describe) says record \(latest.checkpoint.sequence) was written: "
                + "records \(previous.sequence + 1)...\(latest.checkpoint.sequence) were cut from the end")
        }
        let head = stored.head
        if head.sequence > previous.sequence {
            return AuditChainProblem(sequence: previous.sequence + 1, reason: "records \(previous.sequence + 1)"
                + "...\(head.sequence) are missing: the chain head records \(head.sequence) records")
        }
        if head.sequence < previous.sequence {
            return AuditChainProblem(sequence: head.sequence + 1, reason: "records after \(head.sequence) are past "
                + "the chain head: appended behind the server's back")
        }
        if head.hash != previous.hash {
            return AuditChainProblem(sequence: previous.sequence, reason: "the chain head's hash is not record "
                + "\(previous.sequence)'s hash")
        }
        if !ignoringSeal, let problem = chain.sealProblem(stored) {
            return AuditChainProblem(sequence: head.sequence, reason: problem)
        }
        return nil
    }
}

/// A trusted checkpoint and where it came from (its file), for the messages.
public struct AuditCheckpointClaim: Sendable {
    public let source: String
    public let checkpoint: AuditCheckpoint

    public init(source: String, checkpoint: AuditCheckpoint) {
        self.source = source
        self.checkpoint = checkpoint
    }

    var describe: String {
        "checkpoint \(source) (made \(AuditCheckpoint.isoTime(checkpoint.timeMillis)))"
    }
}

/// The first place a chain is broken, and what is wrong there.
public struct AuditChainProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let sequence: Int64
    public let reason: String

    public var description: String { reason }
}
