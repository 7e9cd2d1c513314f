import JSON
import SQL
public import TrackingCore

extension SQLTrackingStore: AssessmentStore {
    public func createAssessment(_ request: Assessment) throws -> Assessment {
        var assessment = try Validation.validatedAssessment(request)
        if assessment.assessmentId.isEmpty { assessment.assessmentId = "a-" + Self.newUUIDHex() }
        let now = currentTimeMillis()
        if assessment.createTime <= 0 { assessment.createTime = now }
        if assessment.lastUpdateTime <= 0 { assessment.lastUpdateTime = assessment.createTime }
        assessment.valid = true
        return try database.write { connection in
            try Self.requireTrace(connection, assessment.traceId)
            if let overridden = assessment.overrides, !overridden.isEmpty {
                let marked = try connection.execute(
                    "UPDATE assessments SET valid = 0 WHERE trace_id = ? AND assessment_id = ?",
                    [.text(assessment.traceId), .text(overridden)])
                guard marked > 0 else {
                    throw MLflowError.notFound(
                        "Assessment with ID '\(overridden)' not found for trace '\(assessment.traceId)'")
                }
            }
            if try connection.queryFirst("SELECT 1 FROM assessments WHERE assessment_id = ?",
                                         [.text(assessment.assessmentId)], { $0.int64(0) }) != nil {
                throw MLflowError(.resourceAlreadyExists,
                                  "Assessment with ID '\(assessment.assessmentId)' already exists.")
            }
            try connection.execute(
                """
                INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, error, created_timestamp,
                                         last_updated_timestamp, source_type, source_id, run_id, span_id, rationale,
                                         overrides, valid, assessment_metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                """, SQLAssessmentRows.bindings(assessment))
            return assessment
        }
    }

    public func getAssessment(traceId: String, assessmentId: String) throws -> Assessment {
        try database.read { connection in try Self.loadAssessment(connection, traceId, assessmentId) }
    }

    public func updateAssessment(traceId: String, assessmentId: String, _ update: AssessmentUpdate) throws -> Assessment {
        let checked = try Validation.validatedAssessmentUpdate(update)
        return try database.write { connection in
            var assessment = try Self.loadAssessment(connection, traceId, assessmentId)
            if checked.feedback != nil && checked.expectation != nil {
                throw MLflowError.invalidParameter("Cannot specify both `expectation` and `feedback` parameters.")
            }
            if checked.expectation != nil && assessment.kind != .expectation {
                throw MLflowError.invalidParameter("Cannot update expectation value on a Feedback assessment.")
            }
            if checked.feedback != nil && assessment.kind != .feedback {
                throw MLflowError.invalidParameter("Cannot update feedback value on an Expectation assessment.")
            }
            if let name = checked.name { assessment.name = name }
            if let feedback = checked.feedback { (assessment.value, assessment.error) = (feedback.value, feedback.error) }
            if let expectation = checked.expectation { assessment.value = expectation }
            if assessment.kind == .feedback, let rationale = checked.rationale { assessment.rationale = rationale }
            if let metadata = checked.metadata {
                assessment.metadata = KeyedPairs.lastValues(assessment.metadata + metadata).map { Tag(key: $0.0, value: $0.1) }
            }
            assessment.lastUpdateTime = max(currentTimeMillis(), assessment.createTime)
            try connection.execute(
                """
                UPDATE assessments SET name = ?, value = ?, error = ?, last_updated_timestamp = ?, rationale = ?,
                                       assessment_metadata = ?
                WHERE trace_id = ? AND assessment_id = ?
                """,
                [.text(assessment.name), .text(JSONWriter.string(assessment.value)),
                 SQLAssessmentRows.errorText(assessment.error), .integer(assessment.lastUpdateTime),
                 assessment.rationale.map(SQLValue.text) ?? .null, SQLAssessmentRows.metadataText(assessment.metadata),
                 .text(traceId), .text(assessmentId)])
            return assessment
        }
    }

    public func deleteAssessment(traceId: String, assessmentId: String) throws {
        try database.write { connection in
            try Self.requireTrace(connection, traceId)
            guard let overrides = try connection.queryFirst(
                "SELECT overrides FROM assessments WHERE trace_id = ? AND assessment_id = ?",
                [.text(traceId), .text(assessmentId)], { $0.optionalString(0) }) else { return }
            if let overrides, !overrides.isEmpty {
                // The assessment it had replaced counts again (MLflow restores it by id alone).
                try connection.execute("UPDATE assessments SET valid = 1 WHERE trace_id = ? AND assessment_id = ?",
                                       [.text(traceId), .text(overrides)])
            }
            try connection.execute("DELETE FROM assessments WHERE trace_id = ? AND assessment_id = ?",
                                   [.text(traceId), .text(assessmentId)])
        }
    }

    static func loadAssessment(_ connection: any SQLConnection, _ traceId: String, _ assessmentId: String) throws
        -> Assessment {
        try requireTrace(connection, traceId)
        let found = try connection.query(
            "SELECT \(SQLAssessmentRows.columns) FROM assessments WHERE trace_id = ? AND assessment_id = ?",
            [.text(traceId), .text(assessmentId)], SQLAssessmentRows.assessment)
        guard let assessment = found.first else {
            throw MLflowError.notFound("Assessment with ID '\(assessmentId)' not found for trace '\(traceId)'")
        }
        return assessment
    }
}

/// How an assessment is kept in its row: value, error and metadata as JSON text.
enum SQLAssessmentRows {
    static let columns = """
        assessment_id, trace_id, name, assessment_type, value, error, created_timestamp, last_updated_timestamp,
        source_type, source_id, run_id, span_id, rationale, overrides, valid, assessment_metadata
        """

    /// The INSERT's values after `assessment_id` ... `overrides`, then the metadata (valid is 1).
    static func bindings(_ assessment: Assessment) -> [SQLValue] {
        [.text(assessment.assessmentId), .text(assessment.traceId), .text(assessment.name),
         .text(assessment.kind.rawValue), .text(JSONWriter.string(assessment.value)), errorText(assessment.error),
         .integer(assessment.createTime), .integer(assessment.lastUpdateTime), .text(assessment.sourceType),
         optional(assessment.sourceId), optional(assessment.runId), optional(assessment.spanId),
         optional(assessment.rationale), optional(assessment.overrides), metadataText(assessment.metadata)]
    }

    static func assessment(_ row: any SQLRow) throws -> Assessment {
        guard let kind = Assessment.Kind(rawValue: row.string(3)) else {
            throw MLflowError.internalError("Unknown assessment type '\(row.string(3))' of assessment \(row.string(0)).")
        }
        return Assessment(
            assessmentId: row.string(0), traceId: row.string(1), name: row.string(2), kind: kind,
            value: (try? JSONParser.parse(row.string(4))) ?? .null, error: row.optionalString(5).flatMap(error),
            sourceType: row.string(8), sourceId: row.optionalString(9), runId: row.optionalString(10),
            spanId: row.optionalString(11), rationale: row.optionalString(12), overrides: row.optionalString(13),
            valid: row.int64(14) != 0, metadata: row.optionalString(15).map(metadata) ?? [],
            createTime: row.int64(6), lastUpdateTime: row.int64(7))
    }

    static func errorText(_ error: AssessmentError?) -> SQLValue {
        guard let error else { return .null }
        var members: [(String, JSONValue)] = []
        if let code = error.errorCode { members.append(("error_code", .string(code))) }
        if let message = error.errorMessage { members.append(("error_message", .string(message))) }
        if let trace = error.stackTrace { members.append(("stack_trace", .string(trace))) }
        return .text(JSONWriter.string(.object(members)))
    }

    static func metadataText(_ metadata: [Tag]) -> SQLValue {
        metadata.isEmpty ? .null : .text(JSONWriter.string(.object(metadata.map { ($0.key, .string($0.value)) })))
    }

    private static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }

    private static func error(_ text: String) -> AssessmentError? {
        guard case .object(let members)? = try? JSONParser.parse(text) else { return nil }
        func field(_ name: String) -> String? {
            if case .string(let value)? = members.last(where: { $0.0 == name })?.1 { return value }
            return nil
        }
        return AssessmentError(errorCode: field("error_code"), errorMessage: field("error_message"),
                               stackTrace: field("stack_trace"))
    }

    private static func metadata(_ text: String) -> [Tag] {
        guard case .object(let members)? = try? JSONParser.parse(text) else { return [] }
        return members.compactMap { key, value in
            if case .string(let text) = value { return Tag(key: key, value: text) }
            return Tag(key: key, value: JSONWriter.string(value))
        }
    }
}
