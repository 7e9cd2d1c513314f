import Foundation
public import SQL
import TrackingCore

/// The tracking store on any `SQLDatabase` (SQLite, PostgreSQL, MySQL/MariaDB), with MLflow's
/// `SqlAlchemyStore` semantics and messages. What differs between engines is kept in the
/// dialect (`SQLDialect+Upsert`, the search compilers, `latestMetricUpsert`) and the schema.
public final class SQLTrackingStore: TrackingStore {
    let database: any SQLDatabase
    public let defaultArtifactRoot: String

    /// The run tag that mirrors a run's name.
    static let runNameTagKey = "mlflow.runName"

    /// Creates the schema in a new database (as `mlflow server` does) and makes sure the Default
    /// experiment ("0") exists. An existing database at an older schema is refused
    /// (`SchemaOutOfDate`): upgrading is `swiftrack db upgrade`, an operator's deliberate step.
    public init(database: any SQLDatabase, defaultArtifactRoot: String) throws {
        self.database = database
        self.defaultArtifactRoot = defaultArtifactRoot
        try database.prepareSchema()
        try createDefaultExperimentIfAbsent()
    }

    /// Replicas starting together on one new database all try this: the insert that loses on
    /// experiment 0 is skipped by the conflict clause, but one that loses on the unique name (PostgreSQL
    /// checks that index before the arbiter's) is a constraint violation, and means the same thing.
    private func createDefaultExperimentIfAbsent() throws {
        let now = currentTimeMillis()
        do {
            try insertDefaultExperiment(now: now)
        } catch is SQLConstraintViolation {
            // Another replica created it meanwhile (or an experiment holds the name): nothing to do.
        }
    }

    private func insertDefaultExperiment(now: Int64) throws {
        try database.write { connection in
            try connection.execute(
                connection.dialect.insertUnlessPresent(
                    into: "experiments",
                    columns: ["experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time",
                              "last_update_time"],
                    conflict: ["experiment_id"]),
                [.integer(0), .text(Experiment.defaultName), .text(ArtifactURI.appending(defaultArtifactRoot, "0")),
                 .text("active"), .integer(now), .integer(now)])
        }
    }

    // MARK: - Shared checks (MLflow's wording)

    /// An experiment id as MLflow parses it: "" means the Default experiment.
    static func experimentKey(_ id: String) throws -> Int64 {
        if id.isEmpty { return 0 }
        guard let key = Int64(id) else {
            throw MLflowError.invalidParameter(
                "Invalid experiment ID '\(id)'. Experiment ID must be a valid integer.")
        }
        return key
    }

    static func experimentNotFound(_ key: Int64) -> MLflowError {
        .notFound("No Experiment with id=\(key) exists")
    }

    static func experimentNotActive(_ id: String, _ stage: String) -> MLflowError {
        .invalidParameter("The experiment \(id) must be in the 'active' state. Current state is \(stage).")
    }

    /// The lifecycle stage of an experiment, or 404.
    static func experimentStage(_ connection: any SQLConnection, _ key: Int64) throws -> String {
        let stage = try connection.queryFirst(
            "SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?", [.integer(key)]) { $0.string(0) }
        guard let stage else { throw experimentNotFound(key) }
        return stage
    }

    /// The artifact location of the experiment new runs and logged models go into: it must exist (404) and be active.
    static func activeExperimentArtifactLocation(_ connection: any SQLConnection, _ key: Int64) throws -> String {
        let row = try connection.queryFirst(
            "SELECT artifact_location, lifecycle_stage FROM experiments WHERE experiment_id = ?", [.integer(key)]) {
                (location: $0.string(0), stage: $0.string(1))
            }
        guard let row else { throw experimentNotFound(key) }
        guard row.stage == LifecycleStage.active.rawValue else {
            throw experimentNotActive(String(key), row.stage)
        }
        return row.location
    }

    /// The run's experiment id and lifecycle stage, or MLflow's 404. Called by writes only: the
    /// run's row stays locked until commit (PostgreSQL, MySQL), so writers to one run queue here
    /// (params checked then inserted, latest metrics) instead of deadlocking further on.
    @discardableResult
    static func runState(_ connection: any SQLConnection, _ runId: String) throws -> (experimentId: Int64, stage: String) {
        let state = try connection.queryFirst(
            "SELECT experiment_id, lifecycle_stage FROM runs WHERE run_uuid = ?" + connection.forUpdate, [.text(runId)]) {
                (experimentId: $0.int64(0), stage: $0.string(1))
            }
        guard let state else { throw MLflowError.notFound("Run with id=\(runId) not found") }
        return state
    }

    /// Like `runState`, and the run must be active (MLflow's `_check_run_is_active`).
    @discardableResult
    static func activeRunState(_ connection: any SQLConnection, _ runId: String) throws -> (experimentId: Int64, stage: String) {
        let state = try runState(connection, runId)
        guard state.stage == LifecycleStage.active.rawValue else {
            throw MLflowError.invalidParameter(
                "The run \(runId) must be in the 'active' state. Current state is \(state.stage).")
        }
        return state
    }

    /// Inserts or replaces a run tag.
    static func upsertRunTag(_ connection: any SQLConnection, runId: String, key: String, value: String) throws {
        try upsertRunTags(connection, runId: runId, tags: [Tag(key: key, value: value)])
    }

    /// Inserts or replaces run tags, the last of a repeated key winning, in multi-row statements
    /// (one round trip for a typical batch; a row may be touched once per statement).
    static func upsertRunTags(_ connection: any SQLConnection, runId: String, tags: [Tag]) throws {
        var position: [String: Int] = [:]
        var unique: [Tag] = []
        for tag in tags {
            if let index = position[tag.key] {
                unique[index] = tag
            } else {
                position[tag.key] = unique.count
                unique.append(tag)
            }
        }
        for start in stride(from: 0, to: unique.count, by: 50) {
            let chunk = unique[start..<min(start + 50, unique.count)]
            try connection.execute(
                connection.dialect.upsert(into: "tags", columns: ["run_uuid", "key", "value"], conflict: ["run_uuid", "key"],
                                          update: ["value"], rows: chunk.count),
                chunk.flatMap { [SQLValue.text(runId), .text($0.key), .text($0.value)] })
        }
    }

    /// A new id in MLflow's form: uuid4 as 32 lowercase hex characters.
    static func newUUIDHex() -> String {
        RandomID.uuid4Hex()
    }
}
