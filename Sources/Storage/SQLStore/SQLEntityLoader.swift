import SQL
import TrackingCore

/// Loads whole experiments and runs for a list of ids with a fixed number of queries per chunk
/// (`WHERE id IN (...)` per table, see `SQLKeyList`), never one query per entity. Results keep the ids' order.
enum SQLEntityLoader {
    /// Ids per IN list: far below SQLite's variable limit, and the statement text stays cacheable.
    static let chunkSize = 500

    // MARK: Experiments

    static func experiments(_ keys: [Int64], _ connection: any SQLConnection) throws -> [Experiment] {
        var byKey: [Int64: Experiment] = [:]
        for start in stride(from: 0, to: keys.count, by: chunkSize) {
            let chunk = Array(keys[start..<min(start + chunkSize, keys.count)])
            let list = SQLKeyList(chunk, dialect: connection.dialect)
            for experiment in try connection.query(
                """
                SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time
                FROM experiments WHERE \(list.contains("experiment_id"))
                """, list.bindings, { row in
                    Experiment(experimentId: String(row.int64(0)), name: row.string(1),
                               artifactLocation: row.string(2),
                               lifecycleStage: LifecycleStage(rawValue: row.string(3)) ?? .active,
                               creationTime: row.optionalInt64(4), lastUpdateTime: row.optionalInt64(5))
                }) {
                byKey[Int64(experiment.experimentId) ?? 0] = experiment
            }
            let tags = try connection.query(
                "SELECT experiment_id, key, value FROM experiment_tags WHERE \(list.contains("experiment_id")) ORDER BY experiment_id, key",
                list.bindings) { row in (row.int64(0), Tag(key: row.string(1), value: row.string(2))) }
            for (key, tag) in tags { byKey[key]?.tags.append(tag) }
        }
        return keys.compactMap { byKey[$0] }
    }

    // MARK: Runs

    /// Whole runs: info, latest metrics, params, tags, dataset inputs, model outputs and,
    /// when asked (get-run does, search doesn't, like MLflow), model inputs.
    static func runs(_ ids: [String], _ connection: any SQLConnection, includeModelInputs: Bool = true) throws -> [Run] {
        var byId: [String: Run] = [:]
        for start in stride(from: 0, to: ids.count, by: chunkSize) {
            let chunk = Array(ids[start..<min(start + chunkSize, ids.count)])
            try loadChunk(chunk, connection, includeModelInputs: includeModelInputs, into: &byId)
        }
        return ids.compactMap { byId[$0] }
    }

    private static func loadChunk(_ ids: [String], _ connection: any SQLConnection, includeModelInputs: Bool,
                                  into byId: inout [String: Run]) throws {
        let keys = SQLKeyList(ids, dialect: connection.dialect)
        let infos = try connection.query(
            """
            SELECT run_uuid, name, experiment_id, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage
            FROM runs WHERE \(keys.contains("run_uuid"))
            """, keys.bindings) { row in
                RunInfo(runId: row.string(0), runName: row.string(1), experimentId: String(row.int64(2)),
                        userId: row.string(3), status: RunStatus(rawValue: row.string(4)) ?? .running,
                        startTime: row.optionalInt64(5), endTime: row.optionalInt64(6),
                        artifactUri: row.string(7),
                        lifecycleStage: LifecycleStage(rawValue: row.string(8)) ?? .active)
            }
        for info in infos { byId[info.runId] = Run(info: info) }
        if infos.isEmpty { return }

        for (runId, metric) in try connection.query(
            "SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics WHERE \(keys.contains("run_uuid")) ORDER BY run_uuid, key",
            keys.bindings, { row in (row.string(0), metricFromRow(row, keyColumn: 1)) }) {
            byId[runId]?.metrics.append(metric)
        }
        for (runId, param) in try connection.query(
            "SELECT run_uuid, key, value FROM params WHERE \(keys.contains("run_uuid")) ORDER BY run_uuid, key",
            keys.bindings, { row in (row.string(0), Param(key: row.string(1), value: row.string(2))) }) {
            byId[runId]?.params.append(param)
        }
        for (runId, tag) in try connection.query(
            "SELECT run_uuid, key, value FROM tags WHERE \(keys.contains("run_uuid")) ORDER BY run_uuid, key",
            keys.bindings, { row in (row.string(0), Tag(key: row.string(1), value: row.string(2))) }) {
            byId[runId]?.tags.append(tag)
            // MLflow falls back to the tag when the name column is empty.
            if tag.key == SQLTrackingStore.runNameTagKey, byId[runId]?.info.runName.isEmpty == true {
                byId[runId]?.info.runName = tag.value
            }
        }
        try loadDatasetInputs(keys, connection, into: &byId)
        try loadModelIO(keys, connection, includeModelInputs: includeModelInputs, into: &byId)
    }

    private static func loadDatasetInputs(_ keys: SQLKeyList, _ connection: any SQLConnection,
                                          into byId: inout [String: Run]) throws {
        let rows = try connection.query(
            """
            SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source,
                   d.dataset_schema, d.dataset_profile, t.name, t.value
            FROM inputs i
            JOIN datasets d ON d.dataset_uuid = i.source_id
            LEFT JOIN input_tags t ON t.input_uuid = i.input_uuid
            WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' AND \(keys.contains("i.destination_id"))
            ORDER BY i.destination_id, i.rowid, t.rowid
            """, keys.bindings) { row in
                (runId: row.string(0), inputId: row.string(1),
                 dataset: Dataset(name: row.string(2), digest: row.string(3), sourceType: row.string(4),
                                  source: row.string(5), schema: row.optionalString(6), profile: row.optionalString(7)),
                 tag: row.isNull(8) ? nil : Tag(key: row.string(8), value: row.string(9)))
            }
        var lastInputId: String?
        for row in rows {
            if row.inputId != lastInputId {
                byId[row.runId]?.datasetInputs.append(DatasetInput(dataset: row.dataset))
                lastInputId = row.inputId
            }
            if let tag = row.tag, var inputs = byId[row.runId]?.datasetInputs, !inputs.isEmpty {
                inputs[inputs.count - 1].tags.append(tag)
                byId[row.runId]?.datasetInputs = inputs
            }
        }
    }

    private static func loadModelIO(_ keys: SQLKeyList, _ connection: any SQLConnection,
                                    includeModelInputs: Bool, into byId: inout [String: Run]) throws {
        let rows = try connection.query(
            """
            SELECT source_id, source_type, destination_id, step FROM inputs
            WHERE source_type IN ('RUN_INPUT', 'RUN_OUTPUT') AND \(keys.contains("source_id"))
            ORDER BY rowid
            """, keys.bindings) { row in (row.string(0), row.string(1), row.string(2), row.int64(3)) }
        for (runId, sourceType, modelId, step) in rows {
            if sourceType == "RUN_OUTPUT" {
                byId[runId]?.modelOutputs.append(ModelOutput(modelId: modelId, step: step))
            } else if includeModelInputs {
                byId[runId]?.modelInputs.append(modelId)
            }
        }
    }

    /// A metric from columns key, value, timestamp, step, is_nan starting at `keyColumn`.
    static func metricFromRow(_ row: any SQLRow, keyColumn: Int32) -> Metric {
        let isNaN = row.int64(keyColumn + 4) != 0
        return Metric(key: row.string(keyColumn), value: isNaN ? .nan : row.double(keyColumn + 1),
                      timestamp: row.int64(keyColumn + 2), step: row.int64(keyColumn + 3))
    }
}
