import Foundation
import HTTPTransport
import Observability
import SQLiteEngine
import Storage
import Testing
@testable import API

/// `--metrics-port`: the series move to a handler of their own and leave the API's port.
@Suite struct MetricsEndpointTests {
    @Test func metricsLeaveTheAPIPortForTheirOwn() throws {
        let metrics = ServerMetrics(version: "t", mlflowVersion: "3.17.2")
        let store = try SQLTrackingStore(database: try SQLiteDatabase.temporary(readerCount: 1), defaultArtifactRoot: "/tmp/x")
        let api = MLflowAPI(APIParts(stores: APIStores(store), version: "3.17.2",
                            observability: APIObservability(metrics: metrics, log: nil, servesMetricsRoute: false)))
        #expect(api.handle(HTTPRequest(method: "GET", target: "/health")).status == 200)
        #expect(api.handle(HTTPRequest(method: "GET", target: "/metrics")).status == 404)

        let endpoint = MetricsEndpoint(metrics: metrics)
        let scrape = endpoint.handle(HTTPRequest(method: "GET", target: "/metrics"))
        #expect(scrape.status == 200)
        #expect(scrape.headers.contains { $0.name == "Content-Type" && $0.value == MetricsRegistry.contentType })
        // The API's requests are counted on the series the endpoint shows.
        #expect(String(decoding: scrape.body, as: UTF8.self)
            .contains(#"swiftrack_http_requests_total{route="unmatched",method="GET",status="404"} 1"#))
        #expect(endpoint.handle(HTTPRequest(method: "GET", target: "/health")).status == 200)
        #expect(endpoint.handle(HTTPRequest(method: "GET", target: "/api/2.0/mlflow/experiments/search")).status == 404)
        #expect(endpoint.handle(HTTPRequest(method: "POST", target: "/metrics")).status == 405)
    }
}
