public import SQL
public import TrackingCore

/// `GarbageCollectionStore` on any `SQLDatabase`: one SQL for the three engines. It shares the
/// tracking store's database (the registry's pointers are read from the same tables).
public final class SQLGarbageCollectionStore: GarbageCollectionStore {
    let database: any SQLDatabase

    /// `database` must be at the current schema (open it through `SQLTrackingStore` first).
    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func garbageCollectionInventory(runIds: [String], experimentIds: [String],
                                           loggedModelIds: [String]) throws -> GarbageCollectionInventory {
        // Named experiment ids that are not integers name no experiment (the plan answers 404).
        let experimentKeys = experimentIds.compactMap { Int64($0) }
        return try database.read { connection in
            let deletedExperiments = "SELECT experiment_id FROM experiments WHERE lifecycle_stage = 'deleted'"
            let experiments = try connection.query(
                """
                SELECT experiment_id, lifecycle_stage, last_update_time, artifact_location FROM experiments
                WHERE lifecycle_stage = 'deleted'\(Self.orIn("experiment_id", experimentKeys.count))
                ORDER BY experiment_id
                """, experimentKeys.map(SQLValue.integer)) { row in
                GarbageCollectionInventory.Experiment(
                    experimentId: String(row.int64(0)), lifecycleStage: Self.stage(row.string(1)),
                    lastUpdateTime: row.optionalInt64(2), artifactLocation: row.optionalString(3))
            }
            let runs = try connection.query(
                """
                SELECT run_uuid, experiment_id, lifecycle_stage, deleted_time, artifact_uri FROM runs
                WHERE lifecycle_stage = 'deleted' OR experiment_id IN (\(deletedExperiments))\(Self.orIn("run_uuid", runIds.count))
                ORDER BY deleted_time, run_uuid
                """, runIds.map(SQLValue.text)) { row in
                GarbageCollectionInventory.Run(
                    runId: row.string(0), experimentId: String(row.int64(1)), lifecycleStage: Self.stage(row.string(2)),
                    deletedTime: row.optionalInt64(3), artifactURI: row.optionalString(4) ?? "")
            }
            let models = try connection.query(
                """
                SELECT model_id, experiment_id, lifecycle_stage, last_updated_timestamp_ms, artifact_location
                FROM logged_models
                WHERE lifecycle_stage = 'deleted' OR experiment_id IN (\(deletedExperiments))\(Self.orIn("model_id", loggedModelIds.count))
                ORDER BY last_updated_timestamp_ms, model_id
                """, loggedModelIds.map(SQLValue.text)) { row in
                GarbageCollectionInventory.LoggedModel(
                    modelId: row.string(0), experimentId: String(row.int64(1)), lifecycleStage: Self.stage(row.string(2)),
                    lastUpdatedTime: row.int64(3), artifactLocation: row.string(4))
            }
            let versions = try connection.query(
                "SELECT name, version, run_id, model_id, source, storage_location FROM model_versions ORDER BY name, version",
                []) { row in
                GarbageCollectionInventory.VersionReference(
                    name: row.string(0), version: row.int64(1), runId: row.optionalString(2), modelId: row.optionalString(3),
                    source: row.optionalString(4), storageLocation: row.optionalString(5))
            }
            return GarbageCollectionInventory(runs: runs, experiments: experiments, loggedModels: models, versions: versions)
        }
    }

    /// ` OR column IN (?, ?, ...)`, or nothing for no values.
    static func orIn(_ column: String, _ count: Int) -> String {
        count == 0 ? "" : " OR \(column) IN (\(Array(repeating: "?", count: count).joined(separator: ", ")))"
    }

    static func stage(_ text: String) -> LifecycleStage {
        LifecycleStage(rawValue: text) ?? .active
    }
}
