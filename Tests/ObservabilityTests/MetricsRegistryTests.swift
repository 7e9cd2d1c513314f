import Foundation
import Synchronization
import Testing
@testable import Observability

@Suite struct MetricsRegistryTests {
    @Test func rendersCountersGaugesAndHistogramsInTheTextFormat() {
        let registry = MetricsRegistry()
        let counter = registry.counter("t_requests_total", help: "Requests.")
        counter.increment(MetricLabels([("route", "/a"), ("status", "200")]))
        counter.increment(MetricLabels([("route", "/a"), ("status", "200")]), by: 2)
        counter.increment(MetricLabels([("route", "/b\"\n"), ("status", "404")]))
        let gauge = registry.gauge("t_in_flight", help: "In flight.")
        gauge.add(3)
        gauge.add(-1)
        let histogram = registry.histogram("t_seconds", help: "Durations.", bounds: [0.1, 1])
        for value in [0.05, 0.1, 0.5, 7] { histogram.observe(value, MetricLabels([("route", "/a")])) }
        #expect(registry.exposition() == """
            # HELP t_requests_total Requests.
            # TYPE t_requests_total counter
            t_requests_total{route="/a",status="200"} 3
            t_requests_total{route="/b\\"\\n",status="404"} 1
            # HELP t_in_flight In flight.
            # TYPE t_in_flight gauge
            t_in_flight 2
            # HELP t_seconds Durations.
            # TYPE t_seconds histogram
            t_seconds_bucket{route="/a",le="0.1"} 2
            t_seconds_bucket{route="/a",le="1"} 3
            t_seconds_bucket{route="/a",le="+Inf"} 4
            t_seconds_sum{route="/a"} 7.65
            t_seconds_count{route="/a"} 4

            """)
    }

    @Test func countsFromManyThreadsWithoutLoss() {
        let registry = MetricsRegistry()
        let counter = registry.counter("t_total", help: "x")
        let histogram = registry.histogram("t_h", help: "x", bounds: [1])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<1000 {
                counter.increment()
                histogram.observe(0.5)
            }
        }
        #expect(counter.value() == 8000)
        #expect(histogram.count() == 8000)
    }

    @Test func serverMetricsExposeProcessAndBuildSeries() {
        let metrics = ServerMetrics(version: "9.9.9", mlflowVersion: "3.17.2")
        let text = metrics.registry.exposition()
        #expect(text.contains(#"swiftrack_build_info{version="9.9.9",mlflow_version="3.17.2"} 1"#))
        let rss = text.split(separator: "\n").first { $0.hasPrefix("process_resident_memory_bytes ") }
        #expect((rss?.split(separator: " ").last.flatMap { Double($0) } ?? 0) > 1_000_000)
        #expect(text.contains("process_open_fds "))
        #expect(text.contains("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total "))
    }

    @Test func databasePoolSeriesAreReadAtEachScrape() {
        let metrics = ServerMetrics(version: "9.9.9", mlflowVersion: "3.17.2")
        let inUse = Mutex(3)
        metrics.observeDatabasePool {
            DatabasePoolReading(size: 20, open: 5, inUse: inUse.withLock { $0 }, waitSecondsTotal: 1.5, timeoutsTotal: 2)
        }
        let text = metrics.registry.exposition()
        for line in ["swiftrack_db_pool_size 20", "swiftrack_db_pool_open_connections 5", "swiftrack_db_pool_in_use 3",
                     "swiftrack_db_pool_wait_seconds_total 1.5", "swiftrack_db_pool_timeouts_total 2"] {
            #expect(text.contains("\n" + line + "\n"), "missing \(line)")
        }
        #expect(text.contains("# TYPE swiftrack_db_pool_wait_seconds_total counter\n"))
        #expect(text.contains("# TYPE swiftrack_db_pool_timeouts_total counter\n"))
        inUse.withLock { $0 = 7 }
        #expect(metrics.registry.exposition().contains("\nswiftrack_db_pool_in_use 7\n"))
    }
}

@Suite struct RequestLogTests {
    private func entry() -> RequestLog.Entry {
        RequestLog.Entry(time: Date(timeIntervalSince1970: 1_700_000_000.25), method: "POST",
                         route: "/api/2.0/mlflow/runs/create", path: "/api/2.0/mlflow/runs/create", status: 200,
                         durationSeconds: 0.0012345, user: "alice \"a\"", requestId: "req-1")
    }

    @Test func writesOneJSONObjectPerLine() throws {
        let lines = Mutex<[String]>([])
        let log = RequestLog(format: .json) { line in lines.withLock { $0.append(line) } }
        log.record(entry())
        let line = try #require(lines.withLock { $0.first })
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["method"] as? String == "POST")
        #expect(object["route"] as? String == "/api/2.0/mlflow/runs/create")
        #expect(object["status"] as? Int == 200)
        #expect(object["duration_ms"] as? Double == 1.235)
        #expect(object["user"] as? String == "alice \"a\"")
        #expect(object["request_id"] as? String == "req-1")
        #expect((object["time"] as? String)?.hasPrefix("2023-11-14T22:13:20.25") == true)
    }

    @Test func writesReadableTextLines() {
        #expect(RequestLog.text(entry()) == "2023-11-14T22:13:20Z POST /api/2.0/mlflow/runs/create 200 1.2 ms id=req-1 user=alice \"a\"\n")
    }

    @Test func aTextLineCannotBeSplitOrForgedByWhatTheClientSent() {
        var forged = entry()
        // `GET /x%0A2023-11-14T22:13:21Z%20POST%20/admin%20200` arrives decoded.
        forged.path = "/x\n2023-11-14T22:13:21Z POST /admin 200 100%\u{2028}\r\u{85}"
        forged.method = "GE\u{1B}[2JT"
        forged.user = "bob\nid=x \\u{A}"
        forged.requestId = "r\t1"
        let line = RequestLog.text(forged)
        #expect(line == "2023-11-14T22:13:20Z GE\\u{1B}[2JT /x%0A2023-11-14T22:13:21Z%20POST%20/admin%20200%20100%25%E2%80%A8%0D%C2%85 "
                + "200 1.2 ms id=r\\t1 user=bob\\nid=x \\\\u{A}\n")
        #expect(line.filter { $0 == "\n" || $0 == "\r" || $0 == "\u{2028}" || $0 == "\u{85}" }.count == 1)
    }

    /// Break-in review 2: a bidi override (U+202E) or another format character made a line read
    /// otherwise than it was written; they are escaped like controls.
    @Test func formatCharactersAreEscapedToo() {
        var forged = entry()
        forged.path = "/x\u{202E}nimda/\u{600}"
        forged.user = "eve\u{202E}nimda\u{200B}"
        let line = RequestLog.text(forged)
        #expect(line.contains("/x%E2%80%AEnimda/%D8%80 "), "\(line)")
        #expect(line.contains("user=eve\\u{202E}nimda\\u{200B}"), "\(line)")
        #expect(!line.unicodeScalars.contains { $0.properties.generalCategory == .format })
    }
}
