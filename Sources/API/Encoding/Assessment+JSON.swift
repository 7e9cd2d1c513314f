import JSON
import TrackingCore

extension Assessment {
    /// `mlflow.assessments.Assessment` as MLflow's server writes it (protobuf JSON; empty fields left out).
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("assessment_id", .string(assessmentId)), ("assessment_name", .string(name)), ("trace_id", .string(traceId)),
        ]
        if let spanId, !spanId.isEmpty { members.append(("span_id", .string(spanId))) }
        var source: [(String, JSONValue)] = [("source_type", .string(sourceType))]
        if let sourceId { source.append(("source_id", .string(sourceId))) }
        members.append(("source", .object(source)))
        members.append(("create_time", .string(ProtoTime.timestamp(millis: createTime))))
        members.append(("last_update_time", .string(ProtoTime.timestamp(millis: lastUpdateTime))))
        switch kind {
        case .feedback:
            var feedback: [(String, JSONValue)] = [("value", value)]
            if let error { feedback.append(("error", error.json)) }
            members.append(("feedback", .object(feedback)))
        case .expectation:
            // Lists and objects go serialized, as MLflow's `ExpectationValue.to_proto` sends them.
            switch value {
            case .array, .object:
                members.append(("expectation", .object([("serialized_value", .object([
                    ("serialization_format", .string("JSON_FORMAT")), ("value", .string(JSONWriter.string(value))),
                ]))])))
            default:
                members.append(("expectation", .object([("value", value)])))
            }
        }
        if let rationale, !rationale.isEmpty { members.append(("rationale", .string(rationale))) }
        if !metadata.isEmpty { members.append(("metadata", .object(metadata.map { ($0.key, .string($0.value)) }))) }
        if let overrides, !overrides.isEmpty { members.append(("overrides", .string(overrides))) }
        // `valid` has presence on the wire (proto3 `optional`): the client reads an absent one as valid.
        members.append(("valid", .bool(valid)))
        return .object(members)
    }
}

extension AssessmentError {
    var json: JSONValue {
        var members: [(String, JSONValue)] = []
        if let errorCode { members.append(("error_code", .string(errorCode))) }
        if let errorMessage { members.append(("error_message", .string(errorMessage))) }
        if let stackTrace { members.append(("stack_trace", .string(stackTrace))) }
        return .object(members)
    }
}
