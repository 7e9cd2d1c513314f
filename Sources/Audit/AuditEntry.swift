public import Observability

/// A record as stored: its place in the chain, the previous record's hash and its own.
public struct AuditEntry: Sendable, Equatable {
    public var sequence: Int64
    public var record: AuditRecord
    /// nil when the stored mode is not one this binary knows (which verification reports).
    public var mode: AuditChainMode?
    public var previousHash: String
    public var hash: String

    public init(sequence: Int64, record: AuditRecord, mode: AuditChainMode?, previousHash: String, hash: String) {
        self.sequence = sequence
        self.record = record
        self.mode = mode
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// How a record's hash is computed: plain SHA-256, or HMAC-SHA256 under the operator's key
/// (`--audit-key-file`), which someone with write access to the database cannot recompute.
public enum AuditChainMode: String, Sendable, Equatable {
    case sha256 = "sha256"
    case hmacSHA256 = "hmac-sha256"
}

/// The last link of the chain as the database records it (sequence 0 and the genesis hash when empty).
public struct AuditChainHead: Sendable, Equatable {
    public var sequence: Int64
    public var hash: String

    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    public static let genesis = AuditChainHead(sequence: 0, hash: String(repeating: "0", count: 64))
}
