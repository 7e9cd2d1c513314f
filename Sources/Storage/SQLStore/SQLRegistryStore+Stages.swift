import SQL
public import TrackingCore

extension SQLRegistryStore {
    /// Moves a version to a stage; with `archiveExistingVersions` the other versions in that (active)
    /// stage are archived. Stages are compared as text, so this works on every engine.
    public func transitionModelVersionStage(name: String, version: String, stage: String, archiveExistingVersions: Bool,
                                            userId: String?, approve: (RegistryMove) throws -> Void,
                                            sealing: SealRequirement) throws -> ModelVersion {
        let target = try ModelStage.canonical(stage)
        if archiveExistingVersions && !ModelStage.active.contains(target) {
            throw MLflowError.invalidParameter(
                "Model version transition cannot archive existing model versions because '\(stage)' is not an "
                    + "Active stage. Valid stages are ['Staging', 'Production']")
        }
        let number = try Self.checkedKey(name, version)
        let now = currentTimeMillis()
        return try database.write { connection in
            try approve(RegistryMove(name: name, version: String(number), target: .stage(target),
                                     creator: try Self.lockedVersionCreator(connection, name, number)))
            try Self.applySeal(connection, sealing, name, number)
            try Self.moveStage(connection, name, number, target, archiveExistingVersions: archiveExistingVersions,
                               userId: userId, now: now)
            return try Self.loadVersion(connection, name, number)
        }
    }

    /// The stage move inside a write (also an approved transition request's): the version goes to
    /// `target`, optionally archiving the others there, and the history records it as one move.
    static func moveStage(_ connection: any SQLConnection, _ name: String, _ number: Int64, _ target: ModelStage,
                          archiveExistingVersions: Bool, userId: String?, now: Int64) throws {
        let previous = try requireVersion(connection, name, number)
        let move = try nextMoveId(connection)
        if archiveExistingVersions {
            let others = try connection.query(
                "SELECT version FROM model_versions WHERE name = ? AND version != ? AND current_stage = ? ORDER BY version",
                [.text(name), .integer(number), .text(target.rawValue)]) { $0.int64(0) }
            for other in others {
                try setStage(connection, name, other, .archived, now)
                try record(connection, RegistryHistoryEntry(
                    name: name, version: String(other), kind: .stage, from: target.rawValue,
                    to: ModelStage.archived.rawValue, userId: userId, timestamp: now), move: move)
            }
        }
        try setStage(connection, name, number, target, now)
        try record(connection, RegistryHistoryEntry(
            name: name, version: String(number), kind: .stage, from: previous.rawValue, to: target.rawValue,
            userId: userId, timestamp: now), move: move)
        try touchModel(connection, name, now)
    }

    public func getLatestVersions(name: String, stages: [String]) throws -> [ModelVersion] {
        try Validation.validateModelName(name)
        return try database.read { connection in
            let model = try Self.loadModel(connection, name)
            let wanted = stages.isEmpty ? Set(ModelStage.allCases) : Set(try stages.map { try ModelStage.canonical($0) })
            let keys = model.latestVersions.filter { wanted.contains($0.currentStage) }
                .map { (name, Int64($0.version) ?? 0) }
            return try SQLRegistryLoader.modelVersions(keys, connection, withAliases: true)
        }
    }

    static func setStage(_ connection: any SQLConnection, _ name: String, _ version: Int64, _ stage: ModelStage,
                         _ now: Int64) throws {
        try connection.execute(
            "UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE name = ? AND version = ?",
            [.text(stage.rawValue), .integer(now), .text(name), .integer(version)])
    }
}
