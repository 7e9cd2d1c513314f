import TrackingCore

/// The model registry on SQLite, with MLflow's `SqlAlchemyStore` semantics and messages. It shares the
/// `SQLiteDatabase` (and so the writer, readers and migrations) with the tracking store.
public final class SQLiteRegistryStore: RegistryStore {
    let database: SQLiteDatabase

    /// Migrates the database (a no-op when the tracking store already did).
    public init(database: SQLiteDatabase) throws {
        self.database = database
        try database.migrate()
    }

    /// A store on a database that is already migrated (handed out by the tracking store).
    init(migrated database: SQLiteDatabase) {
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
    static func requireModel(_ connection: SQLiteConnection, _ name: String) throws {
        try Validation.validateModelName(name)
        let found = try connection.queryFirst("SELECT 1 FROM registered_models WHERE name = ?", [.text(name)]) { _ in true }
        guard found == true else { throw modelNotFound(name) }
    }

    /// MLflow's `_get_sql_model_version`: name and version are checked; returns the version's current stage.
    @discardableResult
    static func requireVersion(_ connection: SQLiteConnection, _ name: String, _ version: Int64) throws -> ModelStage {
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

    static func touchModel(_ connection: SQLiteConnection, _ name: String, _ now: Int64) throws {
        try connection.execute("UPDATE registered_models SET last_updated_time = ? WHERE name = ?",
                               [.integer(now), .text(name)])
    }

    /// The version with its tags and aliases, or 404.
    static func loadVersion(_ connection: SQLiteConnection, _ name: String, _ version: Int64) throws -> ModelVersion {
        guard let loaded = try SQLiteRegistryLoader.modelVersions([(name, version)], connection, withAliases: true).first
        else { throw versionNotFound(name, version) }
        return loaded
    }

    static func loadModel(_ connection: SQLiteConnection, _ name: String) throws -> RegisteredModel {
        guard let model = try SQLiteRegistryLoader.registeredModels([name], connection).first else {
            throw modelNotFound(name)
        }
        return model
    }
}

extension SQLiteTrackingStore: RegistryStoreProviding {
    /// The registry on the same database (migrated by this store's initialiser).
    public var registryStore: any RegistryStore { SQLiteRegistryStore(migrated: database) }
}
