import SQL
import TrackingCore

extension SQLTrackingStore {
    /// Metrics logged to a run with a `model_id` also become the model's metrics (MLflow's
    /// `_log_model_metrics`): NaN is stored as 0 and ±inf clamped, as MLflow sanitises them; an
    /// observation already recorded (model, key, timestamp, step, run) is kept as it was.
    static func insertLoggedModelMetrics(_ connection: any SQLConnection, runId: String, experimentKey: Int64,
                                         metrics: [Metric]) throws {
        var knownModels = Set<String>()
        for metric in metrics {
            guard let modelId = metric.modelId, !modelId.isEmpty else { continue }
            if !knownModels.contains(modelId) {
                // MLflow fails on the foreign key (400, a raw IntegrityError); a 404 says what is wrong.
                try modelExperiment(connection, modelId)
                knownModels.insert(modelId)
            }
            let (_, value) = storedMetricValue(metric.value)
            try connection.execute(
                connection.dialect.insertUnlessPresent(
                    into: "logged_model_metrics",
                    columns: ["model_id", "metric_name", "metric_timestamp_ms", "metric_step", "metric_value",
                              "experiment_id", "run_id", "dataset_uuid", "dataset_name", "dataset_digest"],
                    conflict: ["model_id", "metric_name", "metric_timestamp_ms", "metric_step", "run_id"]),
                [.text(modelId), .text(metric.key), .integer(metric.timestamp), .integer(metric.step), .real(value),
                 .integer(experimentKey), .text(runId), .null, Self.nonEmpty(metric.datasetName),
                 Self.nonEmpty(metric.datasetDigest)])
        }
    }

    private static func nonEmpty(_ text: String?) -> SQLValue {
        guard let text, !text.isEmpty else { return .null }
        return .text(text)
    }
}
