/// Walks stored entries in sequence order and names the first one that breaks the chain:
/// a missing sequence number (deleted), a link that does not follow the previous hash
/// (reordered, deleted or inserted), or fields that no longer give the stored hash (edited).
public struct AuditChainVerifier: Sendable {
    private let chain: AuditChain
    private var previous = AuditChainHead.genesis
    /// Entries checked so far.
    public private(set) var count = 0

    public init(chain: AuditChain) { self.chain = chain }

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
        previous = AuditChainHead(sequence: entry.sequence, hash: entry.hash)
        count += 1
        return nil
    }

    /// Compares the last entry with the head the database recorded, which catches records
    /// deleted from, or appended to, the end of the chain (unless the head was rewritten too).
    public func finish(head: AuditChainHead) -> AuditChainProblem? {
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
        return nil
    }
}

/// The first place a chain is broken, and what is wrong there.
public struct AuditChainProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let sequence: Int64
    public let reason: String

    public var description: String { reason }
}
