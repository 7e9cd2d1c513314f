@testable import SQL
import Testing
@testable import Storage
import TrackingCore

/// A tracking store, the registry and the gc store on one fresh database of `engine`, and a way
/// to count rows.
struct GarbageCollectionFixture {
    let tracking: SQLTrackingStore
    let registry: SQLRegistryStore
    let gc: SQLGarbageCollectionStore

    init(_ engine: TestEngine) throws {
        tracking = try engine.makeStore(artifactRoot: "/tmp/artifacts")
        registry = try SQLRegistryStore(database: tracking.database)
        gc = SQLGarbageCollectionStore(database: tracking.database)
    }

    var database: any SQLDatabase { tracking.database }

    /// Every table a run's, logged model's or experiment's rows live in.
    static let tables = ["experiments", "experiment_tags", "runs", "params", "tags", "metrics", "latest_metrics",
                         "datasets", "inputs", "input_tags", "logged_models", "logged_model_tags",
                         "logged_model_params", "logged_model_metrics", "model_versions"]

    /// Rows per table.
    func counts() throws -> [String: Int64] {
        try database.read { connection in
            var counts: [String: Int64] = [:]
            for table in Self.tables {
                counts[table] = try connection.queryFirst("SELECT COUNT(*) FROM \(table)", []) { $0.int64(0) } ?? -1
            }
            return counts
        }
    }

    /// Rows that mention the run, per table that has a column for it.
    func rows(ofRun runId: String) throws -> [String: Int64] {
        let queries: [(String, String)] = [
            ("runs", "SELECT COUNT(*) FROM runs WHERE run_uuid = ?"),
            ("params", "SELECT COUNT(*) FROM params WHERE run_uuid = ?"),
            ("tags", "SELECT COUNT(*) FROM tags WHERE run_uuid = ?"),
            ("metrics", "SELECT COUNT(*) FROM metrics WHERE run_uuid = ?"),
            ("latest_metrics", "SELECT COUNT(*) FROM latest_metrics WHERE run_uuid = ?"),
            ("inputs", "SELECT COUNT(*) FROM inputs WHERE destination_id = ? OR source_id = ?"),
            ("logged_model_metrics", "SELECT COUNT(*) FROM logged_model_metrics WHERE run_id = ?"),
        ]
        return try database.read { connection in
            var counts: [String: Int64] = [:]
            for (table, sql) in queries {
                let bindings = Array(repeating: SQLValue.text(runId), count: sql.filter { $0 == "?" }.count)
                counts[table] = try connection.queryFirst(sql, bindings) { $0.int64(0) } ?? -1
            }
            return counts
        }
    }

    /// A run with a param, a tag, a metric history of three, a dataset input and a logged model output.
    func populatedRun(experimentId: String, name: String) throws -> Run {
        let run = try tracking.createRun(CreateRunRequest(experimentId: experimentId, userId: "alice", runName: name,
                                                          startTime: 1_000, tags: [Tag(key: "owner", value: name)]))
        let id = run.info.runId
        try tracking.logBatch(runId: id, metrics: (0..<3).map { Metric(key: "loss", value: Double($0), timestamp: 10, step: Int64($0)) },
                              params: [Param(key: "lr", value: "0.1")], tags: [Tag(key: "kind", value: "gc")])
        try tracking.logInputs(runId: id, datasets: [DatasetInput(
            dataset: Dataset(name: "data-\(name)", digest: "d1", sourceType: "local", source: "{}"),
            tags: [Tag(key: "mlflow.data.context", value: "training")])], modelIds: [])
        let model = try tracking.createLoggedModel(CreateLoggedModelRequest(experimentId: experimentId, name: "m-\(name)",
                                                                            sourceRunId: id))
        try tracking.logOutputs(runId: id, models: [ModelOutput(modelId: model.modelId, step: 0)])
        try tracking.logBatch(runId: id, metrics: [Metric(key: "acc", value: 0.9, timestamp: 11, step: 0,
                                                          modelId: model.modelId)], params: [], tags: [])
        return try tracking.getRun(id: id)
    }

    /// Sets a deletion time, as if the run had been deleted then.
    func setDeletedTime(run runId: String, _ time: Int64) throws {
        try database.write { connection in
            _ = try connection.execute("UPDATE runs SET deleted_time = ? WHERE run_uuid = ?", [.integer(time), .text(runId)])
        }
    }

    func setLastUpdate(experiment id: String, _ time: Int64) throws {
        try database.write { connection in
            _ = try connection.execute("UPDATE experiments SET last_update_time = ? WHERE experiment_id = ?",
                                       [.integer(time), .integer(Int64(id) ?? -1)])
        }
    }

    func setLastUpdate(loggedModel id: String, _ time: Int64) throws {
        try database.write { connection in
            _ = try connection.execute("UPDATE logged_models SET last_updated_timestamp_ms = ? WHERE model_id = ?",
                                       [.integer(time), .text(id)])
        }
    }

    /// The plan for `request` over the store's current inventory.
    func plan(_ request: GarbageCollectionRequest) throws -> GarbageCollectionPlan {
        let inventory = try gc.garbageCollectionInventory(runIds: request.runIds ?? [], experimentIds: request.experimentIds ?? [],
                                                          loggedModelIds: request.loggedModelIds ?? [])
        return try GarbageCollectionPlan.make(inventory, request)
    }

    /// Carries a plan out on the rows (the artifacts are the command's part).
    func execute(_ plan: GarbageCollectionPlan) throws {
        for run in plan.runs { try gc.hardDeleteRun(id: run.runId) }
        for model in plan.loggedModels { try gc.hardDeleteLoggedModel(id: model.modelId) }
        for experiment in plan.experiments { try gc.hardDeleteExperiment(id: experiment.experimentId) }
    }
}

/// Epoch milliseconds now.
func nowMillis() -> Int64 { currentTimeMillis() }
