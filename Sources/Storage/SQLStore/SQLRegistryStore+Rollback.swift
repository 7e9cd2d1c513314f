import SQL
public import TrackingCore

extension SQLRegistryStore {
    /// Plans from the history and applies the plan inside one write transaction, after checking that
    /// the store still looks as the history says (a failed check rolls everything back).
    public func rollback(name: String, target: RegistryRollbackTarget, userId: String?,
                         approve: (RegistryRollbackPlan) throws -> Void) throws -> RegistryRollback {
        try Validation.validateModelName(name)
        if case .alias(let alias) = target { try Validation.validateAliasName(alias) }
        let now = currentTimeMillis()
        return try database.write { connection in
            try Self.requireModel(connection, name)
            let plan = try RegistryRollbackPlan.make(model: name, target: target,
                                                     history: try Self.historyEntries(connection, name))
            try approve(plan)
            let move = try Self.nextMoveId(connection)
            var recorded: [RegistryHistoryEntry] = []
            for change in plan.changes {
                try Self.apply(change, connection, name, now)
                recorded.append(try Self.record(connection, RegistryHistoryEntry(
                    name: name, version: change.kind == .alias ? change.restored : change.version, kind: change.kind,
                    alias: change.alias, from: change.current, to: change.restored, userId: userId, timestamp: now,
                    rollbackOf: plan.moveId), move: move))
            }
            try Self.touchModel(connection, name, now)
            let holder = try Self.holder(of: target, connection, name)
            return RegistryRollback(version: try Self.loadVersion(connection, name, holder), entries: recorded)
        }
    }

    private static func apply(_ change: RegistryRollbackChange, _ connection: any SQLConnection, _ name: String,
                              _ now: Int64) throws {
        switch change.kind {
        case .alias:
            let alias = change.alias ?? ""
            let current = try aliasTarget(connection, name, alias).map { String($0) }
            guard current == change.current else {
                throw MLflowError.invalidParameter("Cannot roll back alias '\(alias)' of registered model '\(name)': "
                    + "it points to \(current.map { "version \($0)" } ?? "no version"), not to the version "
                    + "\(change.current ?? "none") its latest move left it at.")
            }
            guard let number = Int64(change.restored), try versionExists(connection, name, number) else {
                throw MLflowError.invalidParameter("There is nothing to roll back to: version \(change.restored) "
                    + "of registered model '\(name)', which alias '\(alias)' pointed to before, no longer exists.")
            }
            try connection.execute(
                connection.dialect.upsert(into: "registered_model_aliases", columns: ["name", "alias", "version"], conflict: ["name", "alias"], update: ["version"]),
                [.text(name), .text(alias), .integer(number)])
        case .stage:
            let restored = try ModelStage.canonical(change.restored)
            guard let number = Int64(change.version), try versionExists(connection, name, number) else {
                throw MLflowError.invalidParameter("Cannot roll back: version \(change.version) of registered "
                    + "model '\(name)' no longer exists.")
            }
            let current = try requireVersion(connection, name, number)
            guard current.rawValue == change.current else {
                throw MLflowError.invalidParameter("Cannot roll back: version \(change.version) of registered "
                    + "model '\(name)' is in stage '\(current.rawValue)' now, not '\(change.current ?? "")'.")
            }
            try setStage(connection, name, number, restored, now)
        }
    }

    /// The version the alias points to, or the newest version in the stage, after the rollback.
    private static func holder(of target: RegistryRollbackTarget, _ connection: any SQLConnection,
                               _ name: String) throws -> Int64 {
        switch target {
        case .alias(let alias):
            guard let version = try aliasTarget(connection, name, alias) else {
                throw MLflowError.internalError("Alias '\(alias)' of '\(name)' vanished during its rollback.")
            }
            return version
        case .stage(let stage):
            let newest = try connection.queryFirst(
                "SELECT MAX(version) FROM model_versions WHERE name = ? AND current_stage = ?",
                [.text(name), .text(stage.rawValue)]) { $0.optionalInt64(0) } ?? nil
            guard let newest else {
                throw MLflowError.invalidParameter("There is nothing to roll back to: no version of registered "
                    + "model '\(name)' was in stage '\(stage.rawValue)' before its latest move.")
            }
            return newest
        }
    }

    private static func versionExists(_ connection: any SQLConnection, _ name: String, _ version: Int64) throws
        -> Bool {
        try connection.queryFirst("SELECT 1 FROM model_versions WHERE name = ? AND version = ?",
                                  [.text(name), .integer(version)]) { _ in true } ?? false
    }
}
