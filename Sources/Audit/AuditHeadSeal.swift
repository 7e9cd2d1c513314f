import Crypto

/// The head as stored: the last link and, on a keyed chain, its seal (`audit_chain_head.head_mac`).
public struct AuditStoredHead: Sendable, Equatable {
    public var head: AuditChainHead
    /// HMAC of the head under the audit key; nil on a plain chain (and on a keyed head written
    /// before the seal existed).
    public var seal: String?

    public init(head: AuditChainHead, seal: String?) {
        self.head = head
        self.seal = seal
    }
}

extension AuditChain {
    /// The head's seal: HMAC-SHA256 under the key of its canonical form; nil without a key.
    ///
    /// A keyed record's hash is itself an HMAC, but it sits in `audit_records` for anyone to copy
    /// into the head; the seal is computed over a different text, so moving the head back to an
    /// earlier record needs the key (or a copy of the head row as it was then).
    public func seal(_ head: AuditChainHead) -> String? {
        var bytes = Array("swiftrack-audit-head-v1\n".utf8)
        bytes += Array("i\(head.sequence);".utf8)
        for text in [head.hash, mode.rawValue, keyId ?? ""] {
            bytes += Array("s\(text.utf8.count):".utf8) + Array(text.utf8)
        }
        return authenticationCode(bytes)
    }

    /// What is wrong with a stored head's seal, or nil: a keyed chain's head must carry the seal
    /// of exactly its sequence and hash (the empty chain's genesis head needs none).
    public func sealProblem(_ stored: AuditStoredHead) -> String? {
        guard let expected = seal(stored.head) else { return nil }
        guard let found = stored.seal else {
            return stored.head == .genesis ? nil
                : "the chain head (record \(stored.head.sequence)) carries no seal (head_mac): it was rewritten "
                + "without the key, or last written by a swiftrack without head seals"
        }
        guard ConstantTime.equal(Array(found.utf8), Array(expected.utf8)) else {
            return "the chain head (record \(stored.head.sequence)) does not carry its seal under this key: "
                + "it was moved or rewritten without the key (records cut from the end?)"
        }
        return nil
    }
}
