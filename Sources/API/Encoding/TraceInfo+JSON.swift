import JSON
import TrackingCore

extension TraceInfo {
    /// `TraceInfoV3` as MLflow's server writes it (protobuf JSON, field names as in the proto;
    /// Timestamp and Duration as strings; maps as objects; empty fields left out).
    var json: JSONValue {
        var members: [(String, JSONValue)] = [("trace_id", .string(traceId))]
        if let clientRequestId { members.append(("client_request_id", .string(clientRequestId))) }
        members.append(("trace_location", .object([
            ("type", .string("MLFLOW_EXPERIMENT")),
            ("mlflow_experiment", .object([("experiment_id", .string(experimentId))])),
        ])))
        if let requestPreview { members.append(("request_preview", .string(requestPreview))) }
        if let responsePreview { members.append(("response_preview", .string(responsePreview))) }
        members.append(("request_time", .string(ProtoTime.timestamp(millis: requestTime))))
        if let executionDuration { members.append(("execution_duration", .string(ProtoTime.duration(millis: executionDuration)))) }
        if state != .unspecified { members.append(("state", .string(state.rawValue))) }
        if !metadata.isEmpty { members.append(("trace_metadata", .object(metadata.map { ($0.key, .string($0.value)) }))) }
        if !assessments.isEmpty { members.append(("assessments", .array(assessments.map(\.json)))) }
        if !tags.isEmpty { members.append(("tags", .object(tags.map { ($0.key, .string($0.value)) }))) }
        return .object(members)
    }

    /// A `Trace` message holding only its info (the spans are in the trace's artifacts).
    var traceJSON: JSONValue { .object([("trace_info", json)]) }
}
