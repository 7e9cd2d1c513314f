import JSON
import Testing
@testable import API

@Suite struct MetricRouteTests {
    /// A run with metric "m" at steps 0...4 (value = step * 10, timestamp = 100 + step).
    private func runWithHistory(_ h: APIHarness, name: String = "r") throws -> String {
        let runId = try h.createRun(name: name)
        for step in 0..<5 {
            let reply = h.post("/mlflow/runs/log-metric", """
                {"run_id":"\(runId)","key":"m","value":\(step * 10),"timestamp":\(100 + step),"step":\(step)}
                """)
            try #require(reply.status == 200)
        }
        return runId
    }

    private func steps(_ reply: Reply) -> [Int64] {
        reply.json?["metrics"]?.arrayValue?.compactMap { $0["step"]?.intValue } ?? []
    }

    @Test func historyAnswersEveryObservationInOrder() throws {
        let h = try APIHarness()
        let runId = try runWithHistory(h)
        let reply = h.get("/mlflow/metrics/get-history?run_id=\(runId)&metric_key=m")
        #expect(reply.status == 200)
        #expect(steps(reply) == [0, 1, 2, 3, 4])
        #expect(reply.json?["metrics"]?[1] == .object([("key", .string("m")), ("value", .double(10)),
                                                       ("timestamp", .integer(101)), ("step", .integer(1))]))
        #expect(reply.json?["next_page_token"] == nil)
        // The deprecated run_uuid works too, and the /ajax-api twin answers the same bytes.
        #expect(h.get("/mlflow/metrics/get-history?run_uuid=\(runId)&metric_key=m").body == reply.body)
        #expect(h.get("/mlflow/metrics/get-history?run_id=\(runId)&metric_key=m", prefix: "/ajax-api/2.0").body == reply.body)
    }

    @Test func historyPagesWithTokens() throws {
        let h = try APIHarness()
        let runId = try runWithHistory(h)
        var seen: [Int64] = []
        var token: String?
        var pages = 0
        repeat {
            let tokenPart = token.map { "&page_token=\($0)" } ?? ""
            let reply = h.get("/mlflow/metrics/get-history?run_id=\(runId)&metric_key=m&max_results=2" + tokenPart)
            #expect(reply.status == 200)
            seen += steps(reply)
            token = reply.json?["next_page_token"]?.stringValue
            pages += 1
        } while token != nil && pages < 10
        #expect(seen == [0, 1, 2, 3, 4])
        #expect(pages == 3)
    }

    @Test func historyErrors() throws {
        let h = try APIHarness()
        let runId = try runWithHistory(h)
        expectError(h.get("/mlflow/metrics/get-history?run_id=\(runId)&metric_key=m&max_results=0"), 400,
                    "INVALID_PARAMETER_VALUE",
                    "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer.")
        expectError(h.get("/mlflow/metrics/get-history?run_id=\(runId)"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'metric_key'." + apiDocs)
        expectError(h.get("/mlflow/metrics/get-history?metric_key=m"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'run_id'." + apiDocs)
        expectError(h.get("/mlflow/metrics/get-history?run_id=\(runId)&metric_key=m&max_results=abc"), 400,
                    "INVALID_PARAMETER_VALUE",
                    #"Invalid value "abc" for parameter 'max_results' supplied:  Hint: Value was of type 'str'."# + apiDocs)
        // An unknown run or key simply has no history.
        let unknown = h.get("/mlflow/metrics/get-history?run_id=nope&metric_key=m")
        #expect(unknown.status == 200)
        #expect(unknown.text == "{}")
    }

    @Test func bulkIntervalSamplesEachRun() throws {
        let h = try APIHarness()
        let a = try runWithHistory(h, name: "a")
        let b = try runWithHistory(h, name: "b")
        let all = h.get("/mlflow/metrics/get-history-bulk-interval?run_ids=\(a)&run_ids=\(b)&metric_key=m")
        #expect(all.status == 200)
        let metrics = try #require(all.json?["metrics"]?.arrayValue)
        #expect(metrics.count == 10)
        #expect(metrics.prefix(5).allSatisfy { $0["run_id"] == .string(a) })
        #expect(metrics.suffix(5).allSatisfy { $0["run_id"] == .string(b) })
        #expect(metrics[4] == .object([("key", .string("m")), ("value", .double(40)), ("timestamp", .integer(104)),
                                       ("step", .integer(4)), ("run_id", .string(a))]))

        let window = h.get("/mlflow/metrics/get-history-bulk-interval?run_ids=\(a)&metric_key=m&start_step=1&end_step=3")
        #expect(steps(window) == [1, 2, 3])
        // Two samples out of five: the first, and the last is always kept.
        let sampled = h.get("/mlflow/metrics/get-history-bulk-interval?run_ids=\(a)&metric_key=m&max_results=2")
        #expect(steps(sampled) == [0, 4])
        let empty = h.get("/mlflow/metrics/get-history-bulk-interval?run_ids=\(a)&metric_key=other")
        #expect(empty.text == "{}")
    }

    @Test func bulkIntervalErrors() throws {
        let h = try APIHarness()
        let base = "/mlflow/metrics/get-history-bulk-interval?"
        expectError(h.get(base + "metric_key=m"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'run_ids'." + apiDocs)
        expectError(h.get(base + "run_ids=a"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'metric_key'." + apiDocs)
        expectError(h.get(base + "run_ids=a&metric_key=m&max_results=2501"), 400, "INVALID_PARAMETER_VALUE",
                    "max_results must be between 1 and 2500." + apiDocs)
        expectError(h.get(base + "run_ids=a&metric_key=m&start_step=1"), 400, "INVALID_PARAMETER_VALUE",
                    "If either start step or end step are specified, both must be specified.")
        expectError(h.get(base + "run_ids=a&metric_key=m&start_step=5&end_step=1"), 400, "INVALID_PARAMETER_VALUE",
                    "end_step must be greater than start_step. Found start_step=5 and end_step=1.")
        let many = (0...100).map { "run_ids=r\($0)" }.joined(separator: "&")
        expectError(h.get(base + many + "&metric_key=m"), 400, "INVALID_PARAMETER_VALUE",
                    "GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 101 run_ids."
                        + apiDocs)
    }

    @Test func bulkHistoryJoinsRunsInIdOrder() throws {
        let h = try APIHarness()
        let a = try runWithHistory(h, name: "a")
        let b = try runWithHistory(h, name: "b")
        let reply = h.get("/mlflow/metrics/get-history-bulk?run_id=\(a)&run_id=\(b)&metric_key=m")
        #expect(reply.status == 200)
        let metrics = try #require(reply.json?["metrics"]?.arrayValue)
        #expect(metrics.count == 10)
        let expectedOrder = [a, b].sorted()
        #expect(metrics.compactMap { $0["run_id"]?.stringValue } == Array(repeating: expectedOrder[0], count: 5)
                + Array(repeating: expectedOrder[1], count: 5))
        let limited = h.get("/mlflow/metrics/get-history-bulk?run_id=\(a)&metric_key=m&max_results=3")
        #expect(steps(limited) == [0, 1, 2])
        expectError(h.get("/mlflow/metrics/get-history-bulk?metric_key=m"), 400, "INVALID_PARAMETER_VALUE",
                    "GetMetricHistoryBulk request must specify at least one run_id.")
        expectError(h.get("/mlflow/metrics/get-history-bulk?run_id=\(a)"), 400, "INVALID_PARAMETER_VALUE",
                    "GetMetricHistoryBulk request must specify a metric_key.")
    }
}
