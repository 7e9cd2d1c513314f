import Foundation
import JSON
import OTLP
import TrackingCore

extension OTLPAnyValue {
    /// The value as MLflow's `_decode_otel_proto_anyvalue` reads it into Python: a key-value list is
    /// a dict (a repeated key keeps its first place and its last value), an empty value is `None`,
    /// bytes are base64 text (JSON has no bytes; MLflow does the same for link attributes).
    var decoded: JSONValue {
        switch self {
        case .empty: return .null
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .integer(number)
        case .double(let number): return .double(number)
        case .bytes(let bytes): return .string(Data(bytes).base64EncodedString())
        case .array(let values): return .array(values.map(\.decoded))
        case .keyValueList(let pairs): return .object(KeyedPairs.lastValues(pairs.map { ($0.key, $0.value.decoded) }))
        }
    }
}
