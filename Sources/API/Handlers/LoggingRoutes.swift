import Foundation
import HTTPTransport
import JSON
import Storage
import TrackingCore

/// Logging to a run: log-metric, log-parameter, set-tag, delete-tag, log-batch, log-inputs.
struct LoggingRoutes {
    let store: any TrackingStore
    var events = APIEvents()

    var routes: [Route] {
        [
            Route("POST", "/mlflow/runs/log-metric", access: .all([.run(.update), .loggedModelsNamed(.update, .field("model_id"))]), logMetric),
            Route("POST", "/mlflow/runs/log-parameter", access: .run(.update), logParam),
            Route("POST", "/mlflow/runs/set-tag", access: .run(.update), setTag),
            Route("POST", "/mlflow/runs/delete-tag", access: .run(.update), deleteTag),
            Route("POST", "/mlflow/runs/log-model", access: .run(.update), logModel),
            Route("POST", "/mlflow/runs/log-batch", access: .all([.run(.update), .loggedModelsNamed(.update, .inMessages("metrics"))]), logBatch),
            Route("POST", "/mlflow/runs/log-inputs", access: .all([.run(.update), .loggedModelsNamed(.update, .inMessages("models"))]), logInputs),
        ]
    }

    func logMetric(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runId = try fields.runId()
        let metric = try fields.metric(path: "")
        try Validation.validateMetric(metric)
        try store.logBatch(runId: runId, metrics: [metric], params: [], tags: [])
        events.metricsLogged(1)
        return emptyJSONResponse
    }

    func logParam(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runId = try fields.runId()
        let param = try Validation.validatedParam(Param(key: try fields.requiredString("key"),
                                                        value: try fields.string("value") ?? ""))
        try store.logParam(runId: runId, param: param)
        return emptyJSONResponse
    }

    func setTag(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runId = try fields.runId()
        let tag = try Validation.validatedTag(Tag(key: try fields.requiredString("key"), value: try fields.string("value") ?? ""))
        try store.logBatch(runId: runId, metrics: [], params: [], tags: [tag])
        return emptyJSONResponse
    }

    func deleteTag(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        try store.deleteTag(runId: try fields.requiredString("run_id"), key: try fields.requiredString("key"))
        return emptyJSONResponse
    }

    /// MLflow's `_log_model`: both fields required, the model JSON checked, then appended to the run's
    /// `mlflow.log-model.history` tag (`LogModelHistory`) in one transaction.
    func logModel(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runId = try fields.requiredString("run_id")
        let entry = try LogModelHistory.entry(modelJSON: try fields.requiredString("model_json"),
                                              nowMicroseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down)))
        try store.updateRunTag(runId: runId, key: LogModelHistory.tagKey) { existing in
            try LogModelHistory.appending(entry, to: existing)
        }
        return emptyJSONResponse
    }

    func logBatch(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runId = try fields.requiredString("run_id")
        let metricFields = try fields.messages("metrics")
        let paramFields = try fields.messages("params")
        let tagFields = try fields.messages("tags")
        // Required sub-fields first, as MLflow's schema checks do, then its store's checks.
        for (index, metric) in metricFields.enumerated() {
            for name in ["key", "value", "timestamp"] where metric.isMissing(name) {
                throw MLflowError.invalidParameter(Validation.missingValue("metrics[\(index)].\(name)")
                                                   + " See the API docs for more information about request parameters.")
            }
        }
        for (label, list) in [("params", paramFields), ("tags", tagFields)] {
            for (index, entry) in list.enumerated() where entry.isMissing("key") {
                throw MLflowError.invalidParameter(Validation.missingValue("\(label)[\(index)].key")
                                                   + " See the API docs for more information about request parameters.")
            }
        }
        try Validation.validateRunId(runId)
        var metrics: [Metric] = []
        metrics.reserveCapacity(metricFields.count)
        for (index, metricField) in metricFields.enumerated() {
            let metric = try metricField.metric(path: "metrics[\(index)]")
            try Validation.validateMetric(metric, path: "metrics[\(index)]")
            metrics.append(metric)
        }
        let params = try paramFields.enumerated().map { index, entry throws in
            try Validation.validatedParam(Param(key: try entry.requiredString("key"), value: try entry.string("value") ?? ""),
                                          path: "params[\(index)]")
        }
        let tags = try tagFields.enumerated().map { index, entry throws in
            try Validation.validatedTag(Tag(key: try entry.requiredString("key"), value: try entry.string("value") ?? ""),
                                        path: "tags[\(index)]")
        }
        try Validation.validateBatchLimits(metrics: metrics.count, params: params.count, tags: tags.count)
        try Validation.validateUniqueParamKeys(params)
        try store.logBatch(runId: runId, metrics: metrics, params: params, tags: tags)
        events.metricsLogged(metrics.count)
        return emptyJSONResponse
    }

    func logInputs(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runId = try fields.requiredString("run_id")
        var inputs: [DatasetInput] = []
        for entry in try fields.messages("datasets") {
            guard let datasetFields = try entry.message("dataset") else {
                throw MLflowError.invalidParameter("Dataset cannot be None")
            }
            let dataset = Dataset(
                name: try datasetFields.string("name") ?? "",
                digest: try datasetFields.string("digest") ?? "",
                sourceType: try datasetFields.string("source_type") ?? "",
                source: try datasetFields.string("source") ?? "",
                schema: try datasetFields.string("schema"),
                profile: try datasetFields.string("profile"))
            for (required, value) in [("name", dataset.name), ("digest", dataset.digest),
                                      ("source_type", dataset.sourceType), ("source", dataset.source)] where value.isEmpty {
                throw MLflowError.invalidParameter("Dataset \(required) cannot be None")
            }
            let input = DatasetInput(dataset: dataset, tags: try entry.tags())
            try Validation.validateDatasetInput(input)
            inputs.append(input)
        }
        let modelIds = try fields.messages("models").compactMap { try $0.string("model_id") }.filter { !$0.isEmpty }
        try store.logInputs(runId: runId, datasets: inputs, modelIds: modelIds)
        return emptyJSONResponse
    }
}

extension RequestFields {
    /// Absent, null or "" (MLflow's `_assert_required`).
    func isMissing(_ name: String) -> Bool {
        switch raw(name) {
        case nil, .null?: return true
        case .string(let text)?: return text.isEmpty
        default: return false
        }
    }

    /// A `Metric` message: key, value and timestamp required; step defaults to 0.
    func metric(path: String) throws(MLflowError) -> Metric {
        let prefix = path.isEmpty ? "" : path + "."
        guard let key = try string("key"), !key.isEmpty else { throw Self.missing(prefix + "key") }
        guard let value = try double("value") else { throw Self.missing(prefix + "value") }
        guard let timestamp = try int64("timestamp") else { throw Self.missing(prefix + "timestamp") }
        return Metric(key: key, value: value, timestamp: timestamp, step: try int64("step") ?? 0,
                      runId: try string("run_id"), modelId: try string("model_id"),
                      datasetName: try string("dataset_name"), datasetDigest: try string("dataset_digest"))
    }
}
