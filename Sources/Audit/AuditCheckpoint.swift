import Crypto
import Foundation
import JSON
import Observability
import TrackingCore

/// A small signed statement, kept outside the audit database: "record `sequence` of this chain
/// had hash `hash` at `timeMillis`". `swiftrack audit verify --checkpoint` checks the chain still
/// holds that record with that hash, which catches records cut from the end even when the head
/// row was moved back with them (docs/AUDIT.md).
public struct AuditCheckpoint: Sendable, Equatable {
    public static let format = "swiftrack-audit-checkpoint-v1"

    public var sequence: Int64
    public var hash: String
    public var mode: AuditChainMode
    public var keyId: String?
    /// When the checkpoint was made (ms since the epoch).
    public var timeMillis: Int64
    /// HMAC-SHA256 under the audit key over `signedBytes`; nil for a plain chain's checkpoint,
    /// which is only as trustworthy as the place it is kept.
    public var mac: String?

    public init(sequence: Int64, hash: String, mode: AuditChainMode, keyId: String?, timeMillis: Int64, mac: String?) {
        self.sequence = sequence
        self.hash = hash
        self.mode = mode
        self.keyId = keyId
        self.timeMillis = timeMillis
        self.mac = mac
    }

    /// A checkpoint of `head`, signed when `chain` has a key.
    public static func make(_ head: AuditChainHead, chain: AuditChain, timeMillis: Int64) -> AuditCheckpoint {
        var checkpoint = AuditCheckpoint(sequence: head.sequence, hash: head.hash, mode: chain.mode, keyId: chain.keyId,
                                         timeMillis: timeMillis, mac: nil)
        checkpoint.mac = chain.authenticationCode(checkpoint.signedBytes)
        return checkpoint
    }

    /// What the MAC covers, in the chain's self-delimiting form under a header of its own.
    var signedBytes: [UInt8] {
        var bytes = Array("\(Self.format)\n".utf8)
        func text(_ value: String?) {
            guard let value else { bytes.append(UInt8(ascii: "n")); return }
            bytes += Array("s\(value.utf8.count):".utf8) + Array(value.utf8)
        }
        bytes += Array("i\(sequence);".utf8)
        text(hash)
        text(mode.rawValue)
        text(keyId)
        bytes += Array("i\(timeMillis);".utf8)
        return bytes
    }

    /// Why `chain` (the one being verified, with the key given or not) cannot trust this
    /// checkpoint, or nil when it can.
    public func refusal(for chain: AuditChain) -> String? {
        switch (mode, chain.mode) {
        case (.hmacSHA256, .sha256):
            return "it is signed (hmac-sha256): pass the --audit-key-file it was written with"
        case (.sha256, .hmacSHA256):
            return "it is not signed although the chain is keyed: forged or edited"
        case (.sha256, .sha256):
            return mac == nil ? nil : "it carries a MAC but names a plain chain: edited"
        case (.hmacSHA256, .hmacSHA256):
            if keyId != chain.keyId { return "it was signed under another key (key id \(keyId ?? "none"))" }
            guard let mac, let expected = chain.authenticationCode(signedBytes),
                  ConstantTime.equal(Array(mac.utf8), Array(expected.utf8)) else {
                return "its MAC does not match: forged or edited"
            }
            return nil
        }
    }

    /// The checkpoint file's text: one JSON object and a newline.
    public var json: String {
        JSONLine.object([
            ("format", JSONLine.quoted(Self.format)),
            ("seq", String(sequence)),
            ("hash", JSONLine.quoted(hash)),
            ("chain", JSONLine.quoted(mode.rawValue)),
            ("key_id", keyId.map(JSONLine.quoted) ?? "null"),
            ("time_ms", String(timeMillis)),
            ("time", JSONLine.quoted(Self.isoTime(timeMillis))),
            ("mac", mac.map(JSONLine.quoted) ?? "null"),
        ])
    }

    /// `millis` as ISO 8601 in UTC with milliseconds (what `audit export` and checkpoints show).
    static func isoTime(_ millis: Int64) -> String {
        // Half a millisecond up, so the formatter's truncation lands on the stored millisecond.
        let time = Date(timeIntervalSince1970: (Double(millis) + 0.5) / 1000)
        return time.ISO8601Format(.iso8601.time(includingFractionalSeconds: true)
            .year().month().day().dateSeparator(.dash).timeSeparator(.colon))
    }

    /// Reads a checkpoint file's text; `time` is informative only (`time_ms` is signed).
    public static func parse(_ text: String) throws -> AuditCheckpoint {
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch { throw invalid("is not JSON (\(error))") }
        guard case .string(format)? = value["format"] else { throw invalid("is not a \(format) file") }
        guard case .integer(let sequence)? = value["seq"], sequence >= 0 else { throw invalid("has no integer seq") }
        guard case .string(let hash)? = value["hash"] else { throw invalid("has no hash") }
        guard case .string(let modeText)? = value["chain"], let mode = AuditChainMode(rawValue: modeText) else {
            throw invalid("names no known chain mode")
        }
        guard case .integer(let timeMillis)? = value["time_ms"] else { throw invalid("has no integer time_ms") }
        return AuditCheckpoint(sequence: sequence, hash: hash, mode: mode, keyId: try optionalText(value, "key_id"),
                               timeMillis: timeMillis, mac: try optionalText(value, "mac"))
    }

    private static func optionalText(_ value: JSONValue, _ name: String) throws -> String? {
        switch value[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw invalid("has a \(name) that is not text")
        }
    }

    private static func invalid(_ what: String) -> MLflowError {
        MLflowError(.invalidParameterValue, "The audit checkpoint \(what)")
    }
}
