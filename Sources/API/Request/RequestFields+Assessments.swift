import JSON
import TrackingCore

/// The `assessment` message of create-assessment and update-assessment bodies.
extension RequestFields {
    /// The assessment to create on `traceId` (the path's trace: a different body `trace_id` is refused).
    func newAssessment(traceId: String) throws(MLflowError) -> Assessment {
        guard let message = try message("assessment") else { throw Self.missing("assessment") }
        if let bodyTraceId = try message.string("trace_id"), !bodyTraceId.isEmpty, bodyTraceId != traceId {
            throw .invalidParameter("The assessment's trace_id '\(bodyTraceId)' is not the trace '\(traceId)' of the path.")
        }
        let source = try message.message("source")
        let feedback = try message.message("feedback")
        let expectation = try message.message("expectation")
        let kind: Assessment.Kind
        let value: JSONValue
        var error: AssessmentError?
        switch (feedback, expectation) {
        case (let feedback?, nil):
            kind = .feedback
            value = feedback.raw("value") ?? .null
            error = try feedback.message("error").map { fields throws(MLflowError) in try fields.assessmentError() }
        case (nil, let expectation?):
            kind = .expectation
            value = try expectation.expectationValue()
        case (nil, nil):
            throw .invalidParameter("Assessment must have either feedback, expectation, or issue value")
        case (.some, .some):
            throw .invalidParameter("An assessment is either feedback or an expectation, not both.")
        }
        return Assessment(
            assessmentId: try message.string("assessment_id") ?? "", traceId: traceId,
            name: try message.string("assessment_name") ?? "", kind: kind, value: value, error: error,
            sourceType: try source?.string("source_type") ?? "SOURCE_TYPE_UNSPECIFIED",
            sourceId: try source?.string("source_id"), runId: try message.string("run_id"),
            spanId: try message.string("span_id").flatMap { $0.isEmpty ? nil : $0 },
            rationale: try message.string("rationale"), overrides: try message.string("overrides").flatMap { $0.isEmpty ? nil : $0 },
            metadata: try message.stringMap("metadata"),
            createTime: try message.timestamp("create_time") ?? 0, lastUpdateTime: try message.timestamp("last_update_time") ?? 0)
    }

    /// update-assessment: the fields its `update_mask` names (protobuf JSON writes a FieldMask as one
    /// comma-separated string of lowerCamelCase paths; the snake_case spelling is read too).
    func assessmentUpdate() throws(MLflowError) -> AssessmentUpdate {
        guard let message = try message("assessment") else { throw Self.missing("assessment") }
        guard let maskValue = raw("update_mask"), maskValue != .null else { throw Self.missing("update_mask") }
        var paths: [String] = []
        switch maskValue {
        case .string(let text): paths = text.split(separator: ",").map { String($0) }
        case .object:
            paths = try self.message("update_mask")?.stringList("paths") ?? []
        default: throw Self.typeError("update_mask", maskValue)
        }
        var update = AssessmentUpdate()
        for path in paths {
            switch path[...].trimmingWhitespace() {
            case "assessment_name", "assessmentName": update.name = try message.string("assessment_name") ?? ""
            case "feedback":
                guard let feedback = try message.message("feedback") else { throw Self.missing("assessment.feedback") }
                update.feedback = (feedback.raw("value") ?? .null,
                                   try feedback.message("error").map { fields throws(MLflowError) in try fields.assessmentError() })
            case "expectation":
                guard let expectation = try message.message("expectation") else { throw Self.missing("assessment.expectation") }
                update.expectation = try expectation.expectationValue()
            case "rationale": update.rationale = try message.string("rationale") ?? ""
            case "metadata": update.metadata = try message.stringMap("metadata")
            case "valid": continue
            case let other: throw .invalidParameter("Invalid update_mask path '\(other)'.")
            }
        }
        return update
    }

    private func assessmentError() throws(MLflowError) -> AssessmentError {
        AssessmentError(errorCode: try string("error_code"), errorMessage: try string("error_message"),
                        stackTrace: try string("stack_trace"))
    }

    /// An expectation's `value`, or the JSON its `serialized_value` holds (the client sends lists and
    /// objects serialized, in MLflow's only format, JSON_FORMAT).
    private func expectationValue() throws(MLflowError) -> JSONValue {
        if let serialized = try message("serialized_value") {
            let format = try serialized.string("serialization_format") ?? ""
            guard format == "JSON_FORMAT" else {
                throw .invalidParameter("Unknown serialization format: \(format). Only JSON_FORMAT is supported.")
            }
            guard let parsed = try? JSONParser.parse(try serialized.string("value") ?? "") else {
                throw .invalidParameter("An expectation's serialized_value is not JSON.")
            }
            return parsed
        }
        return raw("value") ?? .null
    }

    /// A Timestamp field as epoch milliseconds; nil when absent.
    private func timestamp(_ name: String) throws(MLflowError) -> Int64? {
        guard let text = try string(name) else { return nil }
        guard let millis = ProtoTime.millis(timestamp: text) else {
            throw .invalidParameter("Invalid value for '\(name)': expected an RFC 3339 timestamp.")
        }
        return millis
    }
}
