import HTTPTransport
import JSON
import Storage
import TrackingCore

/// metrics/*: a run's history of one metric, and the sampled multi-run history the UI charts.
struct MetricRoutes {
    let store: any TrackingStore

    static let maxRunsPerBulkRequest = 100
    static let maxResultsPerRun = 2500
    static let maxBulkHistoryResults = 25000

    var routes: [Route] {
        [
            Route("GET", "/mlflow/metrics/get-history", access: .run(.read), history),
            Route("GET", "/mlflow/metrics/get-history-bulk-interval", access: .runs(.read, field: "run_ids"), bulkInterval),
            Route("GET", "/mlflow/metrics/get-history-bulk", access: .runs(.read, field: "run_id"), bulk),
        ]
    }

    func history(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runId = try fields.runId()
        let key = try fields.requiredString("metric_key")
        let maxResults = try fields.int64("max_results").map { Int(clamping: $0) }
        if let maxResults, maxResults <= 0 {
            throw MLflowError.invalidParameter("Invalid value \(maxResults) for parameter 'max_results' supplied. "
                                               + "It must be a positive integer.")
        }
        let page = try store.getMetricHistory(runId: runId, key: key, maxResults: maxResults,
                                              pageToken: try fields.string("page_token").flatMap { $0.isEmpty ? nil : $0 })
        return .json(MetricListJSON.bytes(page.items, nextPageToken: page.nextPageToken))
    }

    func bulkInterval(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runIds = try fields.stringList("run_ids", required: true)
        if runIds.count > Self.maxRunsPerBulkRequest {
            throw MLflowError.invalidParameter("GetMetricHistoryBulkInterval request must specify at most "
                + "\(Self.maxRunsPerBulkRequest) run_ids. Received \(runIds.count) run_ids."
                + " See the API docs for more information about request parameters.")
        }
        let key = try fields.requiredString("metric_key")
        let startStep = try fields.int64("start_step")
        let endStep = try fields.int64("end_step")
        let maxResults = try fields.int64("max_results").map { Int(clamping: $0) } ?? Self.maxResultsPerRun
        if !(1...Self.maxResultsPerRun).contains(maxResults) {
            throw MLflowError.invalidParameter("max_results must be between 1 and \(Self.maxResultsPerRun)."
                + " See the API docs for more information about request parameters.")
        }
        switch (startStep, endStep) {
        case let (start?, end?) where start > end:
            throw MLflowError.invalidParameter("end_step must be greater than start_step. "
                + "Found start_step=\(start) and end_step=\(end).")
        case (nil, .some), (.some, nil):
            throw MLflowError.invalidParameter("If either start step or end step are specified, both must be specified.")
        default:
            break
        }
        let metrics = try store.getMetricHistoryBulkInterval(runIds: runIds, key: key, startStep: startStep,
                                                             endStep: endStep, maxResults: maxResults)
        return .json(MetricListJSON.bytes(metrics))
    }

    /// The older bulk endpoint (`run_id` repeated), still called by some UI builds.
    func bulk(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runIds = try fields.stringList("run_id")
        if runIds.isEmpty {
            throw MLflowError.invalidParameter("GetMetricHistoryBulk request must specify at least one run_id.")
        }
        if runIds.count > Self.maxRunsPerBulkRequest {
            throw MLflowError.invalidParameter("GetMetricHistoryBulk request cannot specify more than "
                + "\(Self.maxRunsPerBulkRequest) run_ids. Received \(runIds.count) run_ids.")
        }
        guard let key = try fields.string("metric_key") else {
            throw MLflowError.invalidParameter("GetMetricHistoryBulk request must specify a metric_key.")
        }
        let maxResults = min(try fields.int64("max_results").map { Int(clamping: $0) } ?? Self.maxBulkHistoryResults,
                             Self.maxBulkHistoryResults)
        var all: [Metric] = []
        for runId in runIds.sorted() {
            let history = try store.getMetricHistory(runId: runId, key: key, maxResults: max(1, maxResults), pageToken: nil)
            all += history.items
                .sorted { ($0.timestamp, $0.step, $0.value) < ($1.timestamp, $1.step, $1.value) }
                .map { metric in
                    var copy = metric
                    copy.runId = runId
                    return copy
                }
        }
        return jsonResponse(.object([("metrics", .array(all.prefix(max(0, maxResults)).map(\.json)))]))
    }
}
