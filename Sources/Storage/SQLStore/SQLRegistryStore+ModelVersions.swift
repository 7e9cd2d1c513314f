import SQL
public import TrackingCore

extension SQLRegistryStore {
    /// The number is the model's counter (one past the highest ever used), so numbers are never reused
    /// after a delete, and concurrent creates get consecutive numbers (writes are serialised).
    public func createModelVersion(_ request: CreateModelVersionRequest) throws -> ModelVersion {
        let now = currentTimeMillis()
        return try database.write { connection in
            let resolved = try Self.resolveSource(request, connection)
            try Validation.validateModelName(request.name)
            for tag in request.tags {
                try Validation.validateRegistryTag(tag)
                try ModelVersionSeal.refuseClientTag(tag.key)
            }
            let next = try connection.queryFirst(
                "SELECT next_version FROM registered_models WHERE name = ?" + connection.forUpdate,
                [.text(request.name)]) { $0.int64(0) }
            guard let version = next else { throw Self.modelNotFound(request.name) }
            try connection.execute(
                "UPDATE registered_models SET next_version = ?, last_updated_time = ? WHERE name = ?",
                [.integer(version + 1), .integer(now), .text(request.name)])
            try connection.execute(
                """
                INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id,
                    current_stage, source, storage_location, run_id, run_link, status, model_id)
                VALUES (?, ?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, 'READY', ?)
                """,
                [.text(request.name), .integer(version), .integer(now), .integer(now),
                 .text(request.description ?? ""), request.userId.map(SQLValue.text) ?? .null,
                 .text(resolved.source), .text(resolved.storageLocation), .text(resolved.runId),
                 .text(request.runLink ?? ""), resolved.modelId.map(SQLValue.text) ?? .null])
            for tag in request.tags { try Self.upsertVersionTag(connection, request.name, version, tag) }
            if let modelId = resolved.modelId, !modelId.isEmpty, !PromptVersionSource.isPromptRequest(request.tags) {
                try Self.linkLoggedModel(connection, modelId: modelId, name: request.name, version: version)
            }
            return try Self.loadVersion(connection, request.name, version)
        }
    }

    /// Adds the new version to its logged model's `mlflow.modelVersions` tag, as MLflow's server does
    /// after creating it, in the same transaction (the model's row locked first, so two versions made
    /// from one model at once both stay listed). A model that is not there has nothing to tag.
    static func linkLoggedModel(_ connection: any SQLConnection, modelId: String, name: String, version: Int64) throws {
        guard let experimentKey = try connection.queryFirst(
            "SELECT experiment_id FROM logged_models WHERE model_id = ?" + connection.forUpdate,
            [.text(modelId)], { $0.int64(0) }) else { return }
        let existing = try connection.queryFirst(
            "SELECT tag_value FROM logged_model_tags WHERE model_id = ? AND tag_key = ?",
            [.text(modelId), .text(LoggedModelVersionsTag.key)]) { $0.optionalString(0) } ?? nil
        let value = LoggedModelVersionsTag.appending(name: name, version: version, to: existing)
        try SQLTrackingStore.upsertModelTags(connection, modelId: modelId, experimentKey: experimentKey,
                                             tags: [Tag(key: LoggedModelVersionsTag.key, value: value)])
    }

    public func getModelVersion(name: String, version: String) throws -> ModelVersion {
        let number = try Self.checkedKey(name, version)
        return try database.read { connection in try Self.loadVersion(connection, name, number) }
    }

    public func updateModelVersion(name: String, version: String, description: String?) throws -> ModelVersion {
        let number = try Self.checkedKey(name, version)
        let now = currentTimeMillis()
        return try database.write { connection in
            try Self.requireVersion(connection, name, number)
            try connection.execute(
                "UPDATE model_versions SET description = ?, last_updated_time = ? WHERE name = ? AND version = ?",
                [description.map(SQLValue.text) ?? .null, .integer(now), .text(name), .integer(number)])
            return try Self.loadVersion(connection, name, number)
        }
    }

    /// Deletes the version, its tags and the aliases pointing at it (each alias removal is recorded).
    public func deleteModelVersion(name: String, version: String, userId: String?) throws {
        let number = try Validation.modelVersionNumber(version)
        try Validation.validateModelName(name)
        let now = currentTimeMillis()
        try database.write { connection in
            try Self.requireVersion(connection, name, number)
            try Self.refuseChangingSealed(connection, name, version: number)
            let aliases = try connection.query(
                "SELECT alias FROM registered_model_aliases WHERE name = ? AND version = ? ORDER BY alias",
                [.text(name), .integer(number)]) { $0.string(0) }
            let move = try Self.nextMoveId(connection)
            for alias in aliases {
                try Self.record(connection, RegistryHistoryEntry(
                    name: name, version: String(number), kind: .alias, alias: alias, from: String(number), to: nil,
                    userId: userId, timestamp: now), move: move)
            }
            try connection.execute("DELETE FROM registered_model_aliases WHERE name = ? AND version = ?",
                                   [.text(name), .integer(number)])
            try connection.execute("DELETE FROM model_versions WHERE name = ? AND version = ?",
                                   [.text(name), .integer(number)])
            try Self.cancelPendingRequests(connection, name, number, userId: userId, now: now)
            try Self.touchModel(connection, name, now)
        }
    }

    public func setModelVersionTag(name: String, version: String, tag: Tag) throws {
        let number = try Self.checkedKey(name, version)
        try Validation.validateRegistryTag(tag)
        try ModelVersionSeal.refuseClientTag(tag.key)
        try database.write { connection in
            try Self.requireVersion(connection, name, number)
            try Self.upsertVersionTag(connection, name, number, tag)
        }
    }

    public func deleteModelVersionTag(name: String, version: String, key: String) throws {
        let number = try Self.checkedKey(name, version)
        try Validation.validateRegistryTagKey(key)
        try ModelVersionSeal.refuseClientTag(key)
        try database.write { connection in
            try Self.requireVersion(connection, name, number)
            try connection.execute("DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?",
                                   [.text(name), .integer(number), .text(key)])
        }
    }

    public func getModelVersionDownloadURI(name: String, version: String) throws -> String {
        let number = try Self.checkedKey(name, version)
        return try database.read { connection in
            let location = try connection.queryFirst(
                "SELECT storage_location, source FROM model_versions WHERE name = ? AND version = ?",
                [.text(name), .integer(number)]) { row -> String in
                    let stored = row.optionalString(0) ?? ""
                    return stored.isEmpty ? row.string(1) : stored
                }
            guard let location else { throw Self.versionNotFound(name, number) }
            return location
        }
    }

    static func upsertVersionTag(_ connection: any SQLConnection, _ name: String, _ version: Int64, _ tag: Tag) throws {
        try connection.execute(
            connection.dialect.upsert(into: "model_version_tags", columns: ["name", "version", "key", "value"], conflict: ["name", "version", "key"], update: ["value"]),
            [.text(name), .integer(version), .text(tag.key), .text(tag.value)])
    }
}
