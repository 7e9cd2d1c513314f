import Foundation
@testable import OTLP

/// Shared helpers: fixture bytes, id literals, attribute shorthand.
enum OTLPTestSupport {
    static func base64(_ text: String) -> [UInt8] {
        guard let data = Data(base64Encoded: text) else { fatalError("bad fixture base64") }
        return [UInt8](data)
    }

    static var mlflowBody: [UInt8] { base64(OTLPFixtures.mlflowProtobufBase64) }
    static var singleSpanBody: [UInt8] { base64(OTLPFixtures.singleSpanProtobufBase64) }

    static func traceID(_ hex: String) -> OTLPTraceID {
        OTLPTraceID(high: UInt64(hex.prefix(16), radix: 16) ?? 0, low: UInt64(hex.suffix(16), radix: 16) ?? 0)
    }

    static func spanID(_ hex: String) -> OTLPSpanID { OTLPSpanID(UInt64(hex, radix: 16) ?? 0) }

    static func kv(_ key: String, _ value: OTLPAnyValue) -> OTLPKeyValue { OTLPKeyValue(key: key, value: value) }

    /// The error a decode threw, or nil if it succeeded.
    static func protobufError(_ body: [UInt8]) -> OTLPDecodingError? {
        do {
            _ = try OTLPTraceRequestDecoder.decodeProtobuf(body)
            return nil
        } catch {
            return error
        }
    }

    static func jsonError(_ text: String) -> OTLPDecodingError? {
        do {
            _ = try OTLPTraceRequestDecoder.decodeJSON(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }
}
