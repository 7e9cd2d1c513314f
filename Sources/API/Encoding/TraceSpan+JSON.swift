import JSON
import TrackingCore

extension TraceSpan {
    /// The span as an OpenTelemetry `Span` message in protobuf JSON, as MLflow's `traces/get` writes
    /// it (`Span.to_otel_proto`): ids base64, every attribute's stored JSON text read back into a typed
    /// `AnyValue`, times as int64 strings. Built from the stored content; a content that does not
    /// parse (never written by this server) gives the span's columns alone.
    var otelJSON: JSONValue {
        let stored = (try? JSONParser.parse(Array(content.utf8))) ?? .object([])
        var members: [(String, JSONValue)] = [
            ("trace_id", stored["trace_id"] ?? .string("")),
            ("span_id", stored["span_id"] ?? .string("")),
        ]
        if case .string(let parent)? = stored["parent_span_id"] { members.append(("parent_span_id", .string(parent))) }
        members.append(("name", .string(name)))
        members.append(("start_time_unix_nano", .string(String(startTimeUnixNano))))
        if let endTimeUnixNano { members.append(("end_time_unix_nano", .string(String(endTimeUnixNano)))) }
        if case .object(let attributes)? = stored["attributes"] {
            members.append(("attributes", .array(attributes.map { key, value in
                // Stored as JSON text; a value that is not JSON goes as the text it is.
                let typed: JSONValue
                if case .string(let text) = value, let parsed = try? JSONParser.parse(Array(text.utf8)) {
                    typed = parsed
                } else {
                    typed = value
                }
                return .object([("key", .string(key)), ("value", Self.anyValue(typed))])
            })))
        }
        if case .array(let events)? = stored["events"], !events.isEmpty {
            members.append(("events", .array(events.map { event in
                var fields: [(String, JSONValue)] = [("time_unix_nano", .string(Self.integerText(event["time_unix_nano"]))),
                                                     ("name", event["name"] ?? .string(""))]
                if case .object(let attributes)? = event["attributes"], !attributes.isEmpty {
                    fields.append(("attributes", .array(attributes.map {
                        .object([("key", .string($0.0)), ("value", Self.anyValue($0.1))])
                    })))
                }
                return .object(fields)
            })))
        }
        var status: [(String, JSONValue)] = [("code", stored["status"]?["code"] ?? .string("STATUS_CODE_UNSET"))]
        if case .string(let message)? = stored["status"]?["message"], !message.isEmpty {
            status.append(("message", .string(message)))
        }
        members.append(("status", .object(status)))
        return .object(members)
    }

    /// A decoded value as OTLP's `AnyValue` (MLflow's `_set_otel_proto_anyvalue`): null is the empty value.
    static func anyValue(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null: return .object([])
        case .bool(let flag): return .object([("bool_value", .bool(flag))])
        case .integer(let number): return .object([("int_value", .string(String(number)))])
        case .double(let number): return .object([("double_value", .double(number))])
        case .string(let text): return .object([("string_value", .string(text))])
        case .array(let values): return .object([("array_value", .object([("values", .array(values.map(anyValue)))]))])
        case .object(let members):
            return .object([("kvlist_value", .object([("values", .array(members.map {
                .object([("key", .string($0.0)), ("value", anyValue($0.1))])
            }))]))])
        }
    }

    private static func integerText(_ value: JSONValue?) -> String {
        if case .integer(let number)? = value { return String(number) }
        return "0"
    }
}

extension TraceInfo {
    /// A `Trace` message with its spans (`traces/get`, `traces/batchGet`).
    func traceJSON(spans: [TraceSpan]) -> JSONValue {
        .object([("trace_info", json), ("spans", .array(spans.map(\.otelJSON)))])
    }
}
