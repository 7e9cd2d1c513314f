import Foundation
import JSON
import OTLP
import TrackingCore

/// The spans of an OTLP request as MLflow's server keeps them (`Span.from_otel_proto`, then
/// `to_dict` for the stored content, then `log_spans`' reading of the root span), grouped by trace.
enum OTLPSpanRecords {
    /// The attribute MLflow gives every span: its trace's MLflow id, derived from the OTLP trace id
    /// (a client-sent value is replaced, so a span cannot claim another trace).
    static let requestIdKey = "mlflow.traceRequestId"
    static let spanTypeKey = "mlflow.spanType"
    static let inputsKey = "mlflow.spanInputs"
    static let outputsKey = "mlflow.spanOutputs"
    static let traceTagPrefix = "mlflow.traceTag."
    static let userKey = "user.id"

    /// One batch per trace, in the order the traces first appear.
    static func batches(_ request: OTLPExportRequest) -> [TraceSpanBatch] {
        var order: [String] = []
        var byTrace: [String: TraceSpanBatch] = [:]
        for resourceSpans in request.resourceSpans {
            let resourceTags = self.resourceTags(resourceSpans.resource.attributes)
            for scopeSpans in resourceSpans.scopeSpans {
                for span in scopeSpans.spans {
                    let traceId = "tr-" + span.traceID.hex
                    let attributes = self.attributes(span, traceId: traceId)
                    if byTrace[traceId] == nil {
                        order.append(traceId)
                        byTrace[traceId] = TraceSpanBatch(traceId: traceId, spans: [])
                    }
                    byTrace[traceId]?.spans.append(record(span, traceId: traceId, attributes: attributes))
                    if byTrace[traceId]?.resourceTags.isEmpty == true { byTrace[traceId]?.resourceTags = resourceTags }
                    if byTrace[traceId]?.user == nil, let user = attributes.first(where: { $0.0 == userKey })?.1 {
                        byTrace[traceId]?.user = plainText(user)
                    }
                    if span.parentSpanID == nil { byTrace[traceId]?.root = rootFacts(span, attributes: attributes) }
                }
            }
        }
        return order.compactMap { byTrace[$0] }
    }

    /// The span's attributes as MLflow stores them: each value as JSON text, the trace's request id set.
    static func attributes(_ span: OTLPSpan, traceId: String) -> [(String, String)] {
        KeyedPairs.lastValues(span.attributes.map { ($0.key, attributeText($0.value.decoded)) }
                                + [(requestIdKey, PythonFormatting.jsonDumps(.string(traceId), ensureASCII: false))])
    }

    /// A value as JSON text, except a string that is itself the JSON of a string, object or array:
    /// that text as it is (MLflow's `sanitize_attributes`: producers that serialize their values
    /// themselves, MLflow's client among them for some attributes, would otherwise be encoded twice).
    static func attributeText(_ value: JSONValue) -> String {
        if case .string(let text) = value, let inner = try? JSONParser.parse(Array(text.utf8)) {
            switch inner {
            case .string, .object, .array: return text
            default: break
            }
        }
        return PythonFormatting.jsonDumps(value, ensureASCII: false)
    }

    static func record(_ span: OTLPSpan, traceId: String, attributes: [(String, String)]) -> TraceSpan {
        // OpenTelemetry keeps a status message only for errors.
        let message = span.status.code == .error ? span.status.message : ""
        let end = span.endTimeUnixNano == 0 ? nil : Int64(clamping: span.endTimeUnixNano)
        let content: JSONValue = .object([
            ("trace_id", .string(Data(span.traceID.bytes).base64EncodedString())),
            ("span_id", .string(Data(span.spanID.bytes).base64EncodedString())),
            ("parent_span_id", span.parentSpanID.map { .string(Data($0.bytes).base64EncodedString()) } ?? .null),
            ("name", .string(span.name)),
            ("start_time_unix_nano", .integer(Int64(clamping: span.startTimeUnixNano))),
            ("end_time_unix_nano", end.map(JSONValue.integer) ?? .null),
            ("events", .array(span.events.map { event in
                .object([("name", .string(event.name)), ("time_unix_nano", .integer(Int64(clamping: event.timeUnixNano))),
                         ("attributes", .object(KeyedPairs.lastValues(event.attributes.map { ($0.key, $0.value.decoded) })))])
            })),
            ("status", .object([("code", .string(statusName(span.status.code))), ("message", .string(message))])),
            ("attributes", .object(attributes.map { ($0.0, .string($0.1)) })),
            ("links", .array(span.links.map { link in
                let linked = KeyedPairs.lastValues(link.attributes.map { ($0.key, $0.value.decoded) })
                return .object([("trace_id", .string("tr-" + link.traceID.hex)), ("span_id", .string(link.spanID.hex)),
                                ("attributes", linked.isEmpty ? .null : .object(linked))])
            })),
        ])
        let spanType = attributes.first { $0.0 == spanTypeKey }.flatMap { plainText($0.1) }
        return TraceSpan(traceId: traceId, spanId: span.spanID.hex, parentSpanId: span.parentSpanID?.hex, name: span.name,
                         spanType: spanType, status: statusColumn(span.status.code), startTimeUnixNano: Int64(clamping: span.startTimeUnixNano),
                         endTimeUnixNano: end, content: JSONWriter.string(content))
    }

    /// `STATUS_CODE_OK` and so on; a number the proto does not name is unset, as OpenTelemetry reads it.
    static func statusName(_ code: OTLPStatusCode) -> String {
        code == .ok || code == .error ? code.name ?? "STATUS_CODE_UNSET" : "STATUS_CODE_UNSET"
    }

    /// MLflow's `SpanStatusCode` value, its `spans.status` column.
    static func statusColumn(_ code: OTLPStatusCode) -> String {
        code == .ok ? "OK" : code == .error ? "ERROR" : "UNSET"
    }

    static func rootFacts(_ span: OTLPSpan, attributes: [(String, String)]) -> RootSpanFacts {
        var tags: [Tag] = []
        for (key, value) in attributes where key.hasPrefix(traceTagPrefix) && key.count > traceTagPrefix.count {
            tags.append(Tag(key: String(key.dropFirst(traceTagPrefix.count)), value: plainText(value) ?? value))
        }
        let value = { (key: String) in attributes.first { $0.0 == key }?.1 }
        return RootSpanFacts(state: span.status.code == .error ? .error : .ok,
                             requestPreview: value(inputsKey).map(preview), responsePreview: value(outputsKey).map(preview),
                             tags: tags)
    }

    /// MLflow's preview of a trace's inputs or outputs: the JSON text, cut to 1,000 characters with "...".
    static func preview(_ text: String) -> String {
        let limit = Validation.maxTracePreviewLength
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 3)) + "..."
    }

    /// The text a JSON attribute value holds when it is a string (MLflow's `_try_parse_json_string`).
    static func plainText(_ json: String) -> String? {
        guard case .string(let text)? = try? JSONParser.parse(Array(json.utf8)) else { return nil }
        return text
    }

    /// The resource's attributes as trace tags, as MLflow keeps them: not OpenTelemetry's own
    /// `telemetry.sdk.*` nor the reserved `mlflow.*` (a client may not set bookkeeping tags this
    /// way); a string as is, anything else as JSON.
    static func resourceTags(_ attributes: [OTLPKeyValue]) -> [Tag] {
        KeyedPairs.lastValues(attributes.map { ($0.key, $0.value.decoded) }).compactMap { key, value in
            if key.hasPrefix("telemetry.sdk.") || key.hasPrefix("mlflow.") { return nil }
            if case .string(let text) = value { return Tag(key: key, value: text) }
            return Tag(key: key, value: PythonFormatting.jsonDumps(value, ensureASCII: false))
        }
    }
}
