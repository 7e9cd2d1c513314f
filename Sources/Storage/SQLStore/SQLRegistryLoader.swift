import SQL
import TrackingCore

/// Loads whole registered models and model versions with a fixed number of queries per chunk of
/// model names. Results keep the requested order.
enum SQLRegistryLoader {
    static let versionColumns = """
        name, version, creation_time, last_updated_time, description, user_id, current_stage, source, run_id, \
        status, status_message, run_link, model_id
        """

    static func version(_ row: any SQLRow) -> ModelVersion {
        ModelVersion(name: row.string(0), version: String(row.int64(1)), creationTimestamp: row.int64(2),
                     lastUpdatedTimestamp: row.optionalInt64(3), userId: row.optionalString(5),
                     currentStage: ModelStage(rawValue: row.string(6)) ?? .none, description: row.optionalString(4),
                     source: row.optionalString(7), runId: row.optionalString(8),
                     status: ModelVersionStatus(rawValue: row.string(9)) ?? .ready,
                     statusMessage: row.optionalString(10), runLink: row.optionalString(11),
                     modelId: row.optionalString(12))
    }

    /// The requested versions (missing ones are skipped), with tags and, when asked, aliases.
    static func modelVersions(_ keys: [(String, Int64)], _ connection: any SQLConnection,
                              withAliases: Bool) throws -> [ModelVersion] {
        var names: [String] = []
        var seen = Set<String>()
        for (name, _) in keys where seen.insert(name).inserted { names.append(name) }
        var byKey: [String: [Int64: ModelVersion]] = [:]
        for start in stride(from: 0, to: names.count, by: SQLEntityLoader.chunkSize) {
            let chunk = Array(names[start..<min(start + SQLEntityLoader.chunkSize, names.count)])
            let keys = SQLKeyList(chunk, dialect: connection.dialect)
            for version in try connection.query(
                "SELECT \(versionColumns) FROM model_versions WHERE \(keys.contains("name"))", keys.bindings, version) {
                byKey[version.name, default: [:]][Int64(version.version) ?? 0] = version
            }
            let tags = try connection.query(
                "SELECT name, version, key, value FROM model_version_tags WHERE \(keys.contains("name")) ORDER BY name, version, key",
                keys.bindings) { ($0.string(0), $0.int64(1), Tag(key: $0.string(2), value: $0.string(3))) }
            for (name, number, tag) in tags { byKey[name]?[number]?.tags.append(tag) }
            if withAliases {
                let aliases = try connection.query(
                    "SELECT name, version, alias FROM registered_model_aliases WHERE \(keys.contains("name")) ORDER BY name, alias",
                    keys.bindings) { ($0.string(0), $0.int64(1), $0.string(2)) }
                for (name, number, alias) in aliases { byKey[name]?[number]?.aliases.append(alias) }
            }
        }
        return keys.compactMap { byKey[$0.0]?[$0.1] }
    }

    /// Whole registered models: tags, aliases and the newest version of each stage (without aliases).
    static func registeredModels(_ names: [String], _ connection: any SQLConnection) throws -> [RegisteredModel] {
        var byName: [String: RegisteredModel] = [:]
        for start in stride(from: 0, to: names.count, by: SQLEntityLoader.chunkSize) {
            let chunk = Array(names[start..<min(start + SQLEntityLoader.chunkSize, names.count)])
            let keys = SQLKeyList(chunk, dialect: connection.dialect)
            for model in try connection.query(
                "SELECT name, creation_time, last_updated_time, description FROM registered_models WHERE \(keys.contains("name"))",
                keys.bindings, { row in
                    RegisteredModel(name: row.string(0), creationTimestamp: row.optionalInt64(1),
                                    lastUpdatedTimestamp: row.optionalInt64(2), description: row.optionalString(3))
                }) {
                byName[model.name] = model
            }
            let tags = try connection.query(
                "SELECT name, key, value FROM registered_model_tags WHERE \(keys.contains("name")) ORDER BY name, key",
                keys.bindings) { ($0.string(0), Tag(key: $0.string(1), value: $0.string(2))) }
            for (name, tag) in tags { byName[name]?.tags.append(tag) }
            let aliases = try connection.query(
                "SELECT name, alias, version FROM registered_model_aliases WHERE \(keys.contains("name")) ORDER BY name, alias",
                keys.bindings) { ($0.string(0), RegisteredModelAlias(alias: $0.string(1), version: String($0.int64(2)))) }
            for (name, alias) in aliases { byName[name]?.aliases.append(alias) }
            let stages = try connection.query(
                "SELECT name, version, current_stage FROM model_versions WHERE \(keys.contains("name")) ORDER BY name, version",
                keys.bindings) { ($0.string(0), $0.int64(1), $0.string(2)) }
            let latestKeys = latestPerStage(stages)
            for version in try modelVersions(latestKeys, connection, withAliases: false) {
                byName[version.name]?.latestVersions.append(version)
            }
        }
        return names.compactMap { byName[$0] }
    }

    /// For each model, the highest version of each stage, stages in the order their lowest version
    /// appears (the order MLflow's `to_mlflow_entity` builds them in).
    static func latestPerStage(_ rows: [(String, Int64, String)]) -> [(String, Int64)] {
        var result: [(String, Int64)] = []
        var index = 0
        while index < rows.count {
            let name = rows[index].0
            var stageOrder: [String] = []
            var latest: [String: Int64] = [:]
            while index < rows.count, rows[index].0 == name {
                let (_, version, stage) = rows[index]
                if latest[stage] == nil { stageOrder.append(stage) }
                latest[stage] = max(latest[stage] ?? version, version)
                index += 1
            }
            for stage in stageOrder { if let version = latest[stage] { result.append((name, version)) } }
        }
        return result
    }
}
