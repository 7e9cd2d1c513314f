import SQL
public import TrackingCore

extension SQLRegistryStore {
    public func createRegisteredModel(name: String, tags: [Tag], description: String?) throws -> RegisteredModel {
        try Validation.validateModelName(name)
        for tag in tags { try Validation.validateRegistryTag(tag) }
        let now = currentTimeMillis()
        return try database.write { connection in
            do {
                try connection.execute(
                    """
                    INSERT INTO registered_models (name, creation_time, last_updated_time, description, next_version)
                    VALUES (?, ?, ?, ?, 1)
                    """,
                    [.text(name), .integer(now), .integer(now), description.map(SQLValue.text) ?? .null])
            } catch is SQLConstraintViolation {
                throw MLflowError.alreadyExists("Registered Model (name=\(name)) already exists.")
            }
            for tag in tags { try Self.upsertModelTag(connection, name, tag) }
            return try Self.loadModel(connection, name)
        }
    }

    public func getRegisteredModel(name: String) throws -> RegisteredModel {
        try Validation.validateModelName(name)
        return try database.read { connection in try Self.loadModel(connection, name) }
    }

    public func renameRegisteredModel(name: String, newName: String) throws -> RegisteredModel {
        try Validation.validateModelRenaming(newName)
        let now = currentTimeMillis()
        return try database.write { connection in
            try Self.requireModel(connection, name)
            try Self.refuseChangingSealed(connection, name, renaming: true)
            do {
                // Versions, tags and aliases follow through ON UPDATE CASCADE.
                try connection.execute("UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?",
                                       [.text(newName), .integer(now), .text(name)])
            } catch is SQLConstraintViolation {
                throw MLflowError.alreadyExists("Registered Model (name=\(newName)) already exists.")
            }
            try connection.execute("UPDATE model_versions SET last_updated_time = ? WHERE name = ?",
                                   [.integer(now), .text(newName)])
            try connection.execute("UPDATE registry_history SET name = ? WHERE name = ?", [.text(newName), .text(name)])
            try connection.execute("UPDATE transition_requests SET name = ? WHERE name = ?", [.text(newName), .text(name)])
            return try Self.loadModel(connection, newName)
        }
    }

    public func updateRegisteredModel(name: String, description: String?) throws -> RegisteredModel {
        let now = currentTimeMillis()
        return try database.write { connection in
            try Self.requireModel(connection, name)
            try connection.execute(
                "UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?",
                [description.map(SQLValue.text) ?? .null, .integer(now), .text(name)])
            return try Self.loadModel(connection, name)
        }
    }

    public func deleteRegisteredModel(name: String) throws {
        try database.write { connection in
            try Self.requireModel(connection, name)
            try Self.refuseChangingSealed(connection, name)
            // Versions, tags and aliases go through ON DELETE CASCADE; the history and the transition
            // requests go with the model so that a new model of the same name does not inherit them.
            try connection.execute("DELETE FROM registered_models WHERE name = ?", [.text(name)])
            try connection.execute("DELETE FROM registry_history WHERE name = ?", [.text(name)])
            try connection.execute("DELETE FROM transition_requests WHERE name = ?", [.text(name)])
        }
    }

    public func setRegisteredModelTag(name: String, tag: Tag) throws {
        try Validation.validateModelName(name)
        try Validation.validateRegistryTag(tag)
        try database.write { connection in
            try Self.requireModel(connection, name)
            try Self.upsertModelTag(connection, name, tag)
        }
    }

    public func deleteRegisteredModelTag(name: String, key: String) throws {
        try Validation.validateModelName(name)
        try Validation.validateRegistryTagKey(key)
        try database.write { connection in
            try Self.requireModel(connection, name)
            try connection.execute("DELETE FROM registered_model_tags WHERE name = ? AND key = ?",
                                   [.text(name), .text(key)])
        }
    }

    static func upsertModelTag(_ connection: any SQLConnection, _ name: String, _ tag: Tag) throws {
        try connection.execute(
            connection.dialect.upsert(into: "registered_model_tags", columns: ["name", "key", "value"], conflict: ["name", "key"], update: ["value"]),
            [.text(name), .text(tag.key), .text(tag.value)])
    }
}
