import SQL
public import TrackingCore

extension SQLTrackingStore {
    public func createExperiment(name: String, artifactLocation: String?, tags: [Tag]) throws -> String {
        guard !name.isEmpty else { throw MLflowError.invalidParameter("Invalid experiment name: ''") }
        let now = currentTimeMillis()
        let location = artifactLocation.flatMap { $0.isEmpty ? nil : $0 }
        return try database.write { connection in
            let id: Int64
            do {
                id = try connection.insertReturningKey(
                    """
                    INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (?, ?, 'active', ?, ?)
                    """,
                    [.text(name), location.map(SQLValue.text) ?? .null, .integer(now), .integer(now)],
                    keyColumn: "experiment_id")
            } catch is SQLConstraintViolation {
                throw MLflowError.alreadyExists("Experiment(name=\(name)) already exists.")
            }
            if location == nil {
                try connection.execute(
                    "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?",
                    [.text(ArtifactURI.appending(defaultArtifactRoot, String(id))), .integer(id)])
            }
            for tag in tags {
                try Self.upsertExperimentTag(connection, key: id, tag: tag)
            }
            return String(id)
        }
    }

    public func getExperiment(id: String) throws -> Experiment {
        let key = try Self.experimentKey(id)
        return try database.read { connection in
            guard let experiment = try SQLEntityLoader.experiments([key], connection).first else {
                throw Self.experimentNotFound(key)
            }
            return experiment
        }
    }

    public func getExperimentByName(_ name: String) throws -> Experiment? {
        try database.read { connection in
            let key = try connection.queryFirst(
                "SELECT experiment_id FROM experiments WHERE name = ?", [.text(name)]) { $0.int64(0) }
            guard let key else { return nil }
            return try SQLEntityLoader.experiments([key], connection).first
        }
    }

    public func renameExperiment(id: String, newName: String) throws {
        guard !newName.isEmpty else { throw MLflowError.invalidParameter("Invalid experiment name: ''") }
        let key = try Self.experimentKey(id)
        try database.write { connection in
            guard try Self.experimentStage(connection, key) == LifecycleStage.active.rawValue else {
                throw MLflowError(.invalidState, "Cannot rename a non-active experiment.")
            }
            do {
                try connection.execute(
                    "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
                    [.text(newName), .integer(currentTimeMillis()), .integer(key)])
            } catch is SQLConstraintViolation {
                throw MLflowError.alreadyExists("Experiment(name=\(newName)) already exists.")
            }
        }
    }

    /// Marks the experiment and all its runs deleted (MLflow allows this for "0" too).
    public func deleteExperiment(id: String) throws {
        try setExperimentLifecycle(id: id, from: .active, to: .deleted)
    }

    /// Restores the experiment and marks all its runs active again, as MLflow does.
    public func restoreExperiment(id: String) throws {
        try setExperimentLifecycle(id: id, from: .deleted, to: .active)
    }

    private func setExperimentLifecycle(id: String, from: LifecycleStage, to: LifecycleStage) throws {
        let key = try Self.experimentKey(id)
        let now = currentTimeMillis()
        try database.write { connection in
            // MLflow looks the experiment up in the `from` view only: anything else is a 404.
            guard try Self.experimentStage(connection, key) == from.rawValue else {
                throw Self.experimentNotFound(key)
            }
            try connection.execute(
                "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?",
                [.text(to.rawValue), .integer(now), .integer(key)])
            try connection.execute(
                "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?",
                [.text(to.rawValue), to == .deleted ? .integer(now) : .null, .integer(key)])
        }
    }

    public func setExperimentTag(id: String, tag: Tag) throws {
        let key = try Self.experimentKey(id)
        try database.write { connection in
            let stage = try Self.experimentStage(connection, key)
            guard stage == LifecycleStage.active.rawValue else { throw Self.experimentNotActive(String(key), stage) }
            try Self.upsertExperimentTag(connection, key: key, tag: tag)
        }
    }

    public func deleteExperimentTag(id: String, key tagKey: String) throws {
        let key = try Self.experimentKey(id)
        try database.write { connection in
            let stage = try Self.experimentStage(connection, key)
            guard stage == LifecycleStage.active.rawValue else { throw Self.experimentNotActive(String(key), stage) }
            let deleted = try connection.execute(
                "DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?", [.integer(key), .text(tagKey)])
            guard deleted > 0 else {
                throw MLflowError.notFound("No tag with name: \(tagKey) in experiment with id \(id)")
            }
        }
    }

    static func upsertExperimentTag(_ connection: any SQLConnection, key: Int64, tag: Tag) throws {
        try connection.execute(
            connection.dialect.upsert(into: "experiment_tags", columns: ["experiment_id", "key", "value"], conflict: ["experiment_id", "key"], update: ["value"]),
            [.integer(key), .text(tag.key), .text(tag.value)])
    }
}
