import JSON
import Storage
import TrackingCore

/// `experiments/search-datasets`: the datasets the runs of some experiments used, for the UI's
/// dataset filter (MLflow serves it under `/ajax-api/2.0` only, as here).
struct DatasetSummaryRoutes {
    static let path = "/ajax-api/2.0/mlflow/experiments/search-datasets"
    static let maxExperimentIds = 20
    static let maxSummaries = 1000

    let store: any TrackingStore
    let visibility: (any SearchVisibility)?

    var routes: [Route] { [Route("POST", Self.path, access: .filteredSearch, search)] }

    func search(_ request: RouteRequest) throws -> HTTPResponse {
        var experimentIds = try request.fields().stringList("experiment_ids")
        if experimentIds.isEmpty {
            throw MLflowError.invalidParameter("SearchDatasets request must specify at least one experiment_id.")
        }
        if experimentIds.count > Self.maxExperimentIds {
            throw MLflowError.invalidParameter("SearchDatasets request cannot specify more than \(Self.maxExperimentIds)"
                                               + " experiment_ids. Received \(experimentIds.count) experiment_ids.")
        }
        if let visibility {
            experimentIds = try visibility.readableExperiments(request).readable(experimentIds: experimentIds)
        }
        let summaries = try store.searchDatasetSummaries(experimentIds: experimentIds, limit: Self.maxSummaries)
        guard !summaries.isEmpty else { return jsonResponse(.object([])) }
        return jsonResponse(.object([("dataset_summaries", .array(summaries.map { summary in
            var members: [(String, JSONValue)] = [("experiment_id", .string(summary.experimentId)),
                                                  ("name", .string(summary.name)), ("digest", .string(summary.digest))]
            if let context = summary.context { members.append(("context", .string(context))) }
            return .object(members)
        }))]))
    }
}
