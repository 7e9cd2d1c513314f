public import SQL
import TrackingCore

/// The model registry on any `SQLDatabase`, with MLflow's `SqlAlchemyStore` semantics and messages.
/// It shares the database (and so its connections and migrations) with the tracking store.
public final class SQLRegistryStore: RegistryStore {
    let database: any SQLDatabase

    /// Creates the schema in a new database; refuses an out-of-date one (as the tracking store does).
    public init(database: any SQLDatabase) throws {
        self.database = database
        try database.prepareSchema()
    }

    /// A store on a database that is already migrated (handed out by the tracking store).
    init(migrated database: any SQLDatabase) {
        self.database = database
    }

    // MARK: - Shared checks (MLflow's wording)

    static func modelNotFound(_ name: String) -> MLflowError {
        .notFound("Registered Model with name=\(name) not found")
    }

    static func versionNotFound(_ name: String, _ version: Int64) -> MLflowError {
        .notFound("Model Version (name=\(name), version=\(version)) not found")
    }

    /// MLflow's `_get_registered_model`: the name is checked, then the model must exist.
    /// In a write, `lock` holds the model's row until commit (PostgreSQL, MySQL): every change to a
    /// model, its versions, aliases and history queues there, so version numbers, stage moves and
    /// history move ids are decided one writer at a time, as SQLite's single writer does.
    static func requireModel(_ connection: any SQLConnection, _ name: String, lock: Bool = true) throws {
        try Validation.validateModelName(name)
        let found = try connection.queryFirst(
            "SELECT 1 FROM registered_models WHERE name = ?" + (lock ? connection.forUpdate : ""),
            [.text(name)]) { _ in true }
        guard found == true else { throw modelNotFound(name) }
    }

    /// MLflow's `_get_sql_model_version`: name and version are checked; returns the version's current stage.
    @discardableResult
    /// The version's creator (nil when not recorded), read after locking its model as `requireVersion`
    /// does: what a move's approval judges, in the transaction that makes the move.
    static func lockedVersionCreator(_ connection: any SQLConnection, _ name: String, _ version: Int64) throws -> String? {
        try requireVersion(connection, name, version)
        return try connection.queryFirst("SELECT user_id FROM model_versions WHERE name = ? AND version = ?",
                                         [.text(name), .integer(version)]) { $0.optionalString(0) } ?? nil
    }

    @discardableResult
    static func requireVersion(_ connection: any SQLConnection, _ name: String, _ version: Int64) throws -> ModelStage {
        if connection.dialect != .sqlite {
            _ = try connection.queryFirst("SELECT 1 FROM registered_models WHERE name = ?" + connection.forUpdate,
                                          [.text(name)]) { _ in true }
        }
        let stage = try connection.queryFirst(
            "SELECT current_stage FROM model_versions WHERE name = ? AND version = ?",
            [.text(name), .integer(version)]) { $0.string(0) }
        guard let stage else { throw versionNotFound(name, version) }
        return ModelStage(rawValue: stage) ?? .none
    }

    /// Validates the name and parses the version, in MLflow's order.
    static func checkedKey(_ name: String, _ version: String) throws -> Int64 {
        try Validation.validateModelName(name)
        return try Validation.modelVersionNumber(version)
    }

    static func touchModel(_ connection: any SQLConnection, _ name: String, _ now: Int64) throws {
        try connection.execute("UPDATE registered_models SET last_updated_time = ? WHERE name = ?",
                               [.integer(now), .text(name)])
    }

    /// The version with its tags and aliases, or 404.
    static func loadVersion(_ connection: any SQLConnection, _ name: String, _ version: Int64) throws -> ModelVersion {
        guard let loaded = try SQLRegistryLoader.modelVersions([(name, version)], connection, withAliases: true).first
        else { throw versionNotFound(name, version) }
        return loaded
    }

    static func loadModel(_ connection: any SQLConnection, _ name: String) throws -> RegisteredModel {
        guard let model = try SQLRegistryLoader.registeredModels([name], connection).first else {
            throw modelNotFound(name)
        }
        return model
    }
}

extension SQLTrackingStore {
    /// The registry on the same database (migrated by this store's initialiser): registered models,
    /// versions, transition requests and webhooks.
    public var registryStore: SQLRegistryStore { SQLRegistryStore(migrated: database) }
}
