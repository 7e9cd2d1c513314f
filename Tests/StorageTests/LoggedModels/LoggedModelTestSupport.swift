@testable import Storage
import TrackingCore

/// Creates a logged model in `experimentId` (the Default experiment unless given).
@discardableResult
func makeLoggedModel(_ store: SQLTrackingStore, experimentId: String = "0", name: String? = nil,
                     modelType: String? = nil, params: [Param] = [], tags: [TrackingCore.Tag] = []) throws -> LoggedModel {
    try store.createLoggedModel(CreateLoggedModelRequest(experimentId: experimentId, name: name, modelType: modelType,
                                                         params: params, tags: tags))
}

/// Names of the models a search returns, in order.
func searchNames(_ store: SQLTrackingStore, _ experimentIds: [String], filter: String? = nil,
                 datasets: [LoggedModelDatasetFilter] = [], orderBy: [LoggedModelOrderBy] = []) throws -> [String] {
    try store.searchLoggedModels(LoggedModelSearchQuery(experimentIds: experimentIds, filter: filter, datasets: datasets,
                                                        orderBy: orderBy)).items.map(\.name)
}

/// Logs one metric to `runId` with a model id (and dataset) as log-metric does.
func logModelMetric(_ store: SQLTrackingStore, runId: String, modelId: String, key: String, value: Double,
                    timestamp: Int64, step: Int64 = 0, dataset: (String, String)? = nil) throws {
    try store.logBatch(runId: runId, metrics: [Metric(key: key, value: value, timestamp: timestamp, step: step,
                                                      modelId: modelId, datasetName: dataset?.0,
                                                      datasetDigest: dataset?.1)],
                       params: [], tags: [])
}
