import Testing
import TrackingCore

@Suite struct TraceSearchFilterTests {
    @Test func keysResolveAsMLflowAliasesThem() throws {
        let filter = try TraceSearchFilter.parse(
            "trace.status = 'OK' AND timestamp > 5 AND attributes.execution_time_ms <= 10.0 AND name = 'chat' "
                + "AND run_id = 'r1' AND tags.team LIKE 'r%' AND metadata.`mlflow.user` IS NOT NULL "
                + "AND request_metadata.x != 'y' AND status IN ('OK', 'ERROR')")
        #expect(filter.comparisons.map(\.key) == [
            .attribute("status"), .attribute("timestamp_ms"), .attribute("execution_time_ms"),
            .tag("mlflow.traceName"), .metadata("mlflow.sourceRun"), .tag("team"), .metadata("mlflow.user"),
            .metadata("x"), .attribute("status"),
        ])
        #expect(filter.comparisons[2].value == .integer(10))
        #expect(filter.comparisons[8].value == .list(["OK", "ERROR"]))
        let order = try TraceSearchFilter.parseOrder(["timestamp DESC", "tags.team", "name ASC"])
        #expect(order.map(\.key) == [.attribute("timestamp_ms"), .tag("team"), .tag("mlflow.traceName")])
        #expect(order.map(\.ascending) == [false, true, true])
    }

    @Test func spanAndAssessmentKeys() throws {
        let filter = try TraceSearchFilter.parse(
            "span.name = 'llm' AND span.type IN ('LLM', 'CHAT_MODEL') AND span.attributes.model LIKE '%gpt%' "
                + "AND text ILIKE '%paris%' AND feedback.correct = 'yes' AND expectation.answer IS NULL "
                + "AND feedback.score = 5 AND prompt = 'qa/1'")
        #expect(filter.comparisons.map(\.key) == [
            .span("name"), .span("type"), .span("attributes.model"), .span("content"),
            .assessment(kind: "feedback", name: "correct"), .assessment(kind: "expectation", name: "answer"),
            .assessment(kind: "feedback", name: "score"), .tag(TraceKeys.linkedPrompts),
        ])
        #expect(filter.comparisons[1].value == .list(["LLM", "CHAT_MODEL"]))
        #expect(filter.comparisons[6].value == .integer(5))
        #expect(throws: MLflowError.self) { try TraceSearchFilter.parseOrder(["span.name"]) }
        #expect(throws: MLflowError.self) { try TraceSearchFilter.parseOrder(["feedback.correct"]) }
    }

    @Test(arguments: [
        ("span.bogus = 'x'", "Invalid span attribute 'bogus'. Supported attributes: name, status, type"),
        ("span.content = 'x'", "span.content comparator '=' not one of"),
        ("span.attributes.model = 'x'", "span.attributes.model comparator '=' not one of"),
        ("span.name > 'x'", "span.name comparator '>' not one of"),
        ("feedback.quality > 'good'", "feedback.quality > needs a numeric value"),
        ("feedback.quality = x", "Parameter value is either not quoted"),
        ("issue.id = 'x'", "not supported by this server yet"),
        ("bogus.x = 'y'", "Invalid entity type 'bogus'"),
        ("trace.nope = 'y'", "Invalid attribute key 'nope' specified."),
        ("timestamp_ms = 'x'", "Expected numeric value type for numeric attribute: timestamp_ms"),
        ("timestamp_ms > 1.5", "Expected numeric value type for numeric attribute: timestamp_ms."),
        ("status > 'OK'", "Invalid comparator '>'"),
        ("tags.a IN ('b')", "Invalid comparator 'IN'"),
        ("request_id = 5", "Expected a quoted string value for attributes"),
    ])
    func badFiltersAreRefused(filter: String, message: String) {
        let error = #expect(throws: MLflowError.self) { try TraceSearchFilter.parse(filter) }
        #expect(error?.code == .invalidParameterValue)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }
}
