import Foundation
import HTTPTransport
import Observability
import SQLiteEngine
import Storage
import Synchronization
import Testing
@testable import API

@Suite struct MetricsRouteTests {
    @Test func requestsAreCountedByRouteTemplateAndLogged() throws {
        let metrics = ServerMetrics(version: "t", mlflowVersion: "3.17.2")
        let lines = Mutex<[String]>([])
        let log = RequestLog(format: .json) { line in lines.withLock { $0.append(line) } }
        let store = try SQLTrackingStore(database: try SQLiteDatabase.temporary(readerCount: 1), defaultArtifactRoot: "/tmp/x")
        let api = MLflowAPI(APIParts(stores: APIStores(store), version: "3.17.2", observability: APIObservability(metrics: metrics, log: log)))
        let json = [(name: "Content-Type", value: "application/json")]
        let created = api.handle(HTTPRequest(method: "POST", target: "/api/2.0/mlflow/runs/create", headers: json,
                                             body: Array(#"{"experiment_id":"0"}"#.utf8)))
        #expect(created.status == 200)
        let object = try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any]
        let info = (object?["run"] as? [String: Any])?["info"] as? [String: Any]
        let runId = try #require(info?["run_id"] as? String)
        let batch = #"{"run_id":"\#(runId)","metrics":[{"key":"a","value":1,"timestamp":1},{"key":"b","value":2,"timestamp":1}]}"#
        #expect(api.handle(HTTPRequest(method: "POST", target: "/api/2.0/mlflow/runs/log-batch", headers: json,
                                       body: Array(batch.utf8))).status == 200)
        let spans = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01010101010101010101010101010101","#
            + #""spanId":"0202020202020202","name":"a"},{"traceId":"01010101010101010101010101010101","#
            + #""spanId":"0303030303030303","parentSpanId":"0202020202020202","name":"b"}]}]}]}"#
        #expect(api.handle(HTTPRequest(method: "POST", target: "/v1/traces",
                                       headers: json + [(name: "x-mlflow-experiment-id", value: "0")],
                                       body: Array(spans.utf8))).status == 200)
        _ = api.handle(HTTPRequest(method: "GET", target: "/api/2.0/mlflow/runs/get?run_id=nope"))
        _ = api.handle(HTTPRequest(method: "GET", target: "/nothing/here"))

        let scrape = api.handle(HTTPRequest(method: "GET", target: "/metrics"))
        #expect(scrape.status == 200)
        #expect(scrape.headers.contains { $0.name == "Content-Type" && $0.value == MetricsRegistry.contentType })
        let text = String(decoding: scrape.body, as: UTF8.self)
        #expect(text.contains(#"swiftrack_http_requests_total{route="/api/2.0/mlflow/runs/create",method="POST",status="200"} 1"#))
        #expect(text.contains(#"swiftrack_http_requests_total{route="/api/2.0/mlflow/runs/get",method="GET",status="404"} 1"#))
        #expect(text.contains(#"swiftrack_http_requests_total{route="unmatched",method="GET",status="404"} 1"#))
        #expect(text.contains("swiftrack_runs_created_total 1"))
        #expect(text.contains("swiftrack_metrics_logged_total 2"))
        #expect(text.contains("swiftrack_spans_ingested_total 2"))
        #expect(text.contains(#"swiftrack_http_request_duration_seconds_count{route="/api/2.0/mlflow/runs/log-batch",method="POST"} 1"#))
        #expect(metrics.inFlight.value() == 0)
        let logged = lines.withLock { $0 }
        #expect(logged.count == 6)  // the scrape itself is logged too
        #expect(logged.first?.contains(#""route":"/api/2.0/mlflow/runs/create","path":"/api/2.0/mlflow/runs/create","status":200"#) == true)
    }
}
