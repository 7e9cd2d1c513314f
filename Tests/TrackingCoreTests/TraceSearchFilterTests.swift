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

    @Test(arguments: [
        ("span.name = 'x'", "not supported by this server yet"),
        ("feedback.quality = 'good'", "not supported by this server yet"),
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
