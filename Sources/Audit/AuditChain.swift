import Crypto
public import Observability

/// Links records into the hash chain: each hash covers the record's canonical bytes (with its
/// sequence number and mode) followed by the previous record's hash; the first record follows
/// `AuditChainHead.genesis`.
public struct AuditChain: Sendable {
    private let key: [UInt8]?

    /// `key` set: HMAC-SHA256 under it; nil: SHA-256.
    public init(key: [UInt8]?) { self.key = key }

    public var mode: AuditChainMode { key == nil ? .sha256 : .hmacSHA256 }

    /// A short, public name of the key (an HMAC of a fixed text), so a wrong key is told apart
    /// from an edited record; nil without a key.
    public var keyId: String? {
        key.map { String(Hex.encode(HMACSHA256.authenticationCode(key: $0, message: "swiftrack-audit-key-id")).prefix(16)) }
    }

    /// The entry `record` becomes after `previous`.
    public func link(_ record: AuditRecord, after previous: AuditChainHead) -> AuditEntry {
        let sequence = previous.sequence + 1
        let bytes = Self.canonicalBytes(sequence: sequence, record: record, mode: mode, previousHash: previous.hash)
        return AuditEntry(sequence: sequence, record: record, mode: mode, previousHash: previous.hash,
                          hash: digest(bytes))
    }

    /// The hash `entry` should carry, or nil when its mode needs a key this chain lacks (or the reverse).
    public func expectedHash(of entry: AuditEntry) -> String? {
        guard entry.mode == mode else { return nil }
        return digest(Self.canonicalBytes(sequence: entry.sequence, record: entry.record, mode: mode,
                                          previousHash: entry.previousHash))
    }

    private func digest(_ bytes: [UInt8]) -> String {
        authenticationCode(bytes) ?? SHA256.hex(bytes)
    }

    /// HMAC-SHA256 of `bytes` under the key in lower-case hex; nil without a key. Used for the
    /// records, the sealed head and checkpoints, each with its own header so one never passes
    /// for another.
    func authenticationCode(_ bytes: [UInt8]) -> String? {
        key.map { Hex.encode(HMACSHA256.authenticationCode(key: $0, message: bytes)) }
    }

    /// Version 1 of the canonical form (docs/AUDIT.md): a header, then every field in a fixed
    /// order, each self-delimiting: `i<decimal>;` for integers, `s<utf8 length>:<bytes>` for text,
    /// `n` for absent values, `l<count>:` before a list's items. A seal digest, when the record has
    /// one, follows the logged model id as `x` and its text: records without one (every record
    /// written before it existed) keep their bytes, and no other field starts with `x`.
    public static func canonicalBytes(sequence: Int64, record: AuditRecord, mode: AuditChainMode,
                                      previousHash: String) -> [UInt8] {
        var out = Array("swiftrack-audit-v1\n".utf8)
        func integer(_ value: Int64) { out += Array("i\(value);".utf8) }
        func text(_ value: String?) {
            guard let value else { out.append(UInt8(ascii: "n")); return }
            let bytes = Array(value.utf8)
            out += Array("s\(bytes.count):".utf8)
            out += bytes
        }
        integer(sequence)
        integer(record.timeMillis)
        text(record.requestId)
        text(record.user)
        out += Array("l\(record.roles.count):".utf8)
        record.roles.forEach { text($0) }
        text(record.authMethod.rawValue)
        text(record.method)
        text(record.route)
        text(record.resources.experimentId)
        text(record.resources.runId)
        text(record.resources.registeredModelName)
        text(record.resources.modelVersion)
        text(record.resources.loggedModelId)
        if let seal = record.resources.sealDigest {
            out.append(UInt8(ascii: "x"))
            text(seal)
        }
        text(record.clientAddress)
        integer(Int64(record.status))
        text(record.errorCode)
        integer(record.durationMicros)
        text(mode.rawValue)
        text(previousHash)
        return out
    }
}
