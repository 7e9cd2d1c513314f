import SQL
public import TrackingCore

extension SQLRegistryStore {
    public func setRegisteredModelAlias(name: String, alias: String, version: String, userId: String?,
                                        approve: (RegistryMove) throws -> Void, sealing: SealRequirement) throws {
        try Validation.validateModelName(name)
        try Validation.validateAliasName(alias)
        try Validation.validateAliasNameNotReserved(alias)
        let number = try Validation.modelVersionNumber(version)
        let now = currentTimeMillis()
        try database.write { connection in
            try approve(RegistryMove(name: name, version: String(number), target: .alias(alias),
                                     creator: try Self.lockedVersionCreator(connection, name, number)))
            try Self.applySeal(connection, sealing, name, number)
            try Self.moveAlias(connection, name, alias, number, userId: userId, now: now)
        }
    }

    /// Points the alias at the version inside a write (also an approved transition request's),
    /// recording the move when it changes anything.
    static func moveAlias(_ connection: any SQLConnection, _ name: String, _ alias: String, _ number: Int64,
                          userId: String?, now: Int64) throws {
        try requireVersion(connection, name, number)
        let previous = try aliasTarget(connection, name, alias)
        try connection.execute(
            connection.dialect.upsert(into: "registered_model_aliases", columns: ["name", "alias", "version"], conflict: ["name", "alias"], update: ["version"]),
            [.text(name), .text(alias), .integer(number)])
        if previous != number {
            try record(connection, RegistryHistoryEntry(
                name: name, version: String(number), kind: .alias, alias: alias, from: previous.map { String($0) },
                to: String(number), userId: userId, timestamp: now), move: try nextMoveId(connection))
        }
    }

    public func deleteRegisteredModelAlias(name: String, alias: String, userId: String?) throws {
        try Validation.validateModelName(name)
        try Validation.validateAliasName(alias)
        let now = currentTimeMillis()
        try database.write { connection in
            try Self.requireModel(connection, name)
            guard let previous = try Self.aliasTarget(connection, name, alias) else { return }
            try connection.execute("DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?",
                                   [.text(name), .text(alias)])
            try Self.record(connection, RegistryHistoryEntry(
                name: name, version: String(previous), kind: .alias, alias: alias, from: String(previous), to: nil,
                userId: userId, timestamp: now), move: try Self.nextMoveId(connection))
        }
    }

    public func getModelVersionByAlias(name: String, alias: String) throws -> ModelVersion {
        try Validation.validateModelName(name)
        try Validation.validateAliasName(alias)
        return try database.read { connection in
            if alias.lowercased() == "latest" {
                let model = try Self.loadModel(connection, name)
                guard let highest = model.latestVersions.compactMap({ Int64($0.version) }).max() else {
                    throw MLflowError.notFound("Latest version not found for model \(name).")
                }
                return try Self.loadVersion(connection, name, highest)
            }
            try Self.requireModel(connection, name, lock: false)
            guard let version = try Self.aliasTarget(connection, name, alias) else {
                throw MLflowError.invalidParameter("Registered model alias \(alias) not found.")
            }
            return try Self.loadVersion(connection, name, version)
        }
    }

    static func aliasTarget(_ connection: any SQLConnection, _ name: String, _ alias: String) throws -> Int64? {
        try connection.queryFirst("SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?",
                                  [.text(name), .text(alias)]) { $0.int64(0) }
    }
}
