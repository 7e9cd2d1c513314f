import SQL
import TrackingCore

/// Loads whole logged models (info, tags, params, metrics) for a list of ids with a fixed number
/// of queries per chunk; results keep the ids' order. Tags, params and metrics come in the order
/// they were first written, as MLflow's relationships load them.
enum SQLLoggedModelLoader {
    static func models(_ ids: [String], _ connection: any SQLConnection) throws -> [LoggedModel] {
        var byId: [String: LoggedModel] = [:]
        let chunkSize = SQLEntityLoader.chunkSize
        for start in stride(from: 0, to: ids.count, by: chunkSize) {
            let chunk = Array(ids[start..<min(start + chunkSize, ids.count)])
            try loadChunk(chunk, connection, into: &byId)
        }
        return ids.compactMap { byId[$0] }
    }

    private static func loadChunk(_ ids: [String], _ connection: any SQLConnection,
                                  into byId: inout [String: LoggedModel]) throws {
        let keys = SQLKeyList(ids, dialect: connection.dialect)
        let models = try connection.query(
            """
            SELECT model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms,
                   status, status_message, model_type, source_run_id, lifecycle_stage
            FROM logged_models WHERE \(keys.contains("model_id"))
            """, keys.bindings) { row in
                LoggedModel(modelId: row.string(0), experimentId: String(row.int64(1)), name: row.string(2),
                            artifactLocation: row.string(3), creationTimestamp: row.int64(4),
                            lastUpdatedTimestamp: row.int64(5),
                            status: LoggedModelStatus(number: Int(truncatingIfNeeded: row.int64(6))) ?? .unspecified,
                            statusMessage: row.optionalString(7), modelType: row.optionalString(8),
                            sourceRunId: row.optionalString(9),
                            lifecycleStage: LifecycleStage(rawValue: row.string(10)) ?? .active)
            }
        for model in models { byId[model.modelId] = model }
        if models.isEmpty { return }
        for (modelId, tag) in try connection.query(
            "SELECT model_id, tag_key, tag_value FROM logged_model_tags WHERE \(keys.contains("model_id")) ORDER BY rowid",
            keys.bindings, { row in (row.string(0), Tag(key: row.string(1), value: row.string(2))) }) {
            byId[modelId]?.tags.append(tag)
        }
        for (modelId, param) in try connection.query(
            "SELECT model_id, param_key, param_value FROM logged_model_params WHERE \(keys.contains("model_id")) ORDER BY rowid",
            keys.bindings, { row in (row.string(0), Param(key: row.string(1), value: row.string(2))) }) {
            byId[modelId]?.params.append(param)
        }
        for metric in try connection.query(
            """
            SELECT model_id, metric_name, metric_value, metric_timestamp_ms, metric_step, run_id, dataset_name, dataset_digest
            FROM logged_model_metrics WHERE \(keys.contains("model_id")) ORDER BY rowid
            """, keys.bindings, { row in
                Metric(key: row.string(1), value: row.isNull(2) ? .nan : row.double(2), timestamp: row.int64(3),
                       step: row.int64(4), runId: row.string(5), modelId: row.string(0),
                       datasetName: row.optionalString(6), datasetDigest: row.optionalString(7))
            }) {
            if let modelId = metric.modelId { byId[modelId]?.metrics.append(metric) }
        }
    }
}
