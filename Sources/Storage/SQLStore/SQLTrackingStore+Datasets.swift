import Crypto
import SQL
public import TrackingCore

/// MLflow 3's evaluation datasets: the datasets, their tags and their experiments (rows of
/// `entity_associations`, as MLflow keeps them). Records are in `+DatasetRecords`.
extension SQLTrackingStore: DatasetStore {
    static let datasetSource = "evaluation_dataset"
    static let experimentDestination = "experiment"
    private static let datasetColumns =
        "dataset_id, name, dataset_schema, profile, digest, created_time, last_update_time, created_by, last_updated_by"

    public func createDataset(name: String, experimentIds: [String], tags: [DatasetTag]) throws -> EvaluationDataset {
        try Self.checkName(name)
        let unique = KeyedPairs.lastValues(tags.map { ($0.key, $0.value) }).map { DatasetTag(key: $0.0, value: $0.1) }
        try Self.checkTags(unique)
        let experiments = try Self.canonical(experimentIds)
        let now = currentTimeMillis()
        let user = unique.last { $0.key == DatasetLimits.userTag }?.value ?? nil
        let dataset = EvaluationDataset(
            datasetId: "d-" + RandomID.uuid4Hex(), name: name, tags: unique.sorted { $0.key < $1.key },
            digest: Self.datasetDigest(name: name, time: now), createdTime: now, lastUpdateTime: now,
            createdBy: user, lastUpdatedBy: user, experimentIds: experiments)
        try database.write { connection in
            try Self.requireExperiments(connection, experiments)
            try connection.execute(
                SQLDialect.insert(into: "evaluation_datasets", columns: [
                    "dataset_id", "name", "digest", "created_time", "last_update_time", "created_by", "last_updated_by",
                ]),
                [.text(dataset.datasetId), .text(name), .text(dataset.digest), .integer(now), .integer(now),
                 Self.optional(user), Self.optional(user)])
            try Self.upsertTags(connection, dataset.datasetId, unique)
            try Self.link(connection, dataset.datasetId, experiments, now: now)
        }
        return dataset
    }

    public func getDataset(id: String) throws -> EvaluationDataset {
        try database.read { connection in
            guard let dataset = try Self.loadDatasets(connection, ids: [id]).first else {
                throw Self.datasetNotFound(id)
            }
            return dataset
        }
    }

    public func deleteDataset(id: String) throws {
        try database.write { connection in
            // Its row first, as upserts take it: one running meanwhile finishes before the delete
            // reads its records, so none of them outlives the dataset.
            let present = try connection.queryFirst(
                "SELECT 1 FROM evaluation_datasets WHERE dataset_id = ?" + connection.forUpdate, [.text(id)]) { _ in true }
            guard present != nil else { return }   // an unknown dataset is no error, as in MLflow
            try Self.unlinkAll(connection, id)
            // Tags and records go by the foreign keys' cascade; deleted here too, so no engine's
            // setting decides it.
            _ = try connection.execute("DELETE FROM evaluation_dataset_records WHERE dataset_id = ?", [.text(id)])
            _ = try connection.execute("DELETE FROM evaluation_dataset_tags WHERE dataset_id = ?", [.text(id)])
            _ = try connection.execute("DELETE FROM evaluation_datasets WHERE dataset_id = ?", [.text(id)])
        }
    }

    public func searchDatasets(_ query: DatasetSearchQuery) throws -> Page<EvaluationDataset> {
        guard query.maxResults >= 1 else {
            throw MLflowError.invalidParameter(
                "Invalid value \(query.maxResults) for parameter 'max_results' supplied. It must be a positive integer")
        }
        guard query.maxResults <= DatasetLimits.maxSearchResults else {
            throw MLflowError.invalidParameter(
                "Invalid value \(query.maxResults) for parameter 'max_results' supplied. It must be at most "
                + "\(DatasetLimits.maxSearchResults)")
        }
        let offset = try PageToken.decode(query.pageToken)
        return try database.read { connection in
            let compiled = try DatasetSearchCompiler.compile(query, limit: query.maxResults + 1, offset: offset,
                                                             dialect: connection.dialect)
            var ids = try connection.query(compiled.sql, compiled.bindings) { $0.string(0) }
            var token: String?
            if ids.count > query.maxResults {
                ids.removeLast(ids.count - query.maxResults)
                token = PageToken.encode(offset: offset + query.maxResults)
            }
            return Page(items: try Self.loadDatasets(connection, ids: ids), nextPageToken: token)
        }
    }

    public func setDatasetTags(id: String, tags: [DatasetTag]) throws {
        let unique = KeyedPairs.lastValues(tags.compactMap { tag in tag.value.map { (tag.key, $0) } })
            .map { DatasetTag(key: $0.0, value: $0.1) }
        try Self.checkTags(unique)
        try database.write { connection in
            guard try Self.datasetExists(connection, id) else {
                throw MLflowError.notFound("Could not find evaluation dataset with ID \(id)")
            }
            try Self.upsertTags(connection, id, unique)
        }
    }

    public func deleteDatasetTag(id: String, key: String) throws {
        try database.write { connection in
            _ = try connection.execute("DELETE FROM evaluation_dataset_tags WHERE dataset_id = ? AND key = ?",
                                       [.text(id), .text(key)])
        }
    }

    public func datasetExperimentIds(id: String) throws -> [String]? {
        try database.read { connection in
            guard try Self.datasetExists(connection, id) else { return nil }
            return try Self.linkedExperiments(connection, id)
        }
    }

    public func addDatasetToExperiments(id: String, experimentIds: [String]) throws -> EvaluationDataset {
        let experiments = try Self.canonical(experimentIds)
        return try database.write { connection in
            try Self.lockDataset(connection, id, notFound: MLflowError.notFound("Dataset '\(id)' not found"))
            try Self.requireExperiments(connection, experiments)
            let now = currentTimeMillis()
            try Self.link(connection, id, experiments, now: now)
            _ = try connection.execute("UPDATE evaluation_datasets SET last_update_time = ? WHERE dataset_id = ?",
                                       [.integer(now), .text(id)])
            return try Self.loadDatasets(connection, ids: [id])[0]
        }
    }

    public func removeDatasetFromExperiments(id: String, experimentIds: [String]) throws -> EvaluationDataset {
        try database.write { connection in
            try Self.lockDataset(connection, id, notFound: MLflowError.notFound("Dataset '\(id)' not found"))
            let linked = Set(try Self.linkedExperiments(connection, id))
            let removed = experimentIds.filter(linked.contains)
            if !removed.isEmpty {
                let keys = SQLKeyList(removed, dialect: connection.dialect)
                _ = try connection.execute(
                    "DELETE FROM entity_associations WHERE source_type = ? AND source_id = ? AND destination_type = ? AND "
                    + keys.contains("destination_id"),
                    [.text(Self.datasetSource), .text(id), .text(Self.experimentDestination)] + keys.bindings)
                _ = try connection.execute("UPDATE evaluation_datasets SET last_update_time = ? WHERE dataset_id = ?",
                                           [.integer(currentTimeMillis()), .text(id)])
            }
            return try Self.loadDatasets(connection, ids: [id])[0]
        }
    }

    // MARK: - Shared

    /// MLflow's digest: the first 8 hex digits of SHA-256 of `<name>:<last update time>`.
    static func datasetDigest(name: String, time: Int64) -> String {
        String(SHA256.hex("\(name):\(time)").prefix(8))
    }

    static func datasetNotFound(_ id: String) -> MLflowError {
        .notFound("Evaluation dataset with id '\(id)' not found")
    }

    static func datasetExists(_ connection: any SQLConnection, _ id: String) throws -> Bool {
        try connection.queryFirst("SELECT 1 FROM evaluation_datasets WHERE dataset_id = ?", [.text(id)]) { _ in true } ?? false
    }

    /// Locks the dataset's row until commit (PostgreSQL, MySQL): writers to one dataset queue here.
    /// Returns its name and stored schema.
    @discardableResult
    static func lockDataset(_ connection: any SQLConnection, _ id: String,
                            notFound: MLflowError) throws -> (name: String, schema: String?) {
        let row = try connection.queryFirst(
            "SELECT name, dataset_schema FROM evaluation_datasets WHERE dataset_id = ?" + connection.forUpdate, [.text(id)]) {
                (name: $0.string(0), schema: $0.optionalString(1))
            }
        guard let row else { throw notFound }
        return row
    }

    static func linkedExperiments(_ connection: any SQLConnection, _ id: String) throws -> [String] {
        let ids = try connection.query(
            "SELECT destination_id FROM entity_associations WHERE source_type = ? AND source_id = ? AND destination_type = ?",
            [.text(datasetSource), .text(id), .text(experimentDestination)]) { $0.string(0) }
        return ids.sorted { (Int64($0) ?? .max, $0) < (Int64($1) ?? .max, $1) }
    }

    private static func link(_ connection: any SQLConnection, _ id: String, _ experiments: [String], now: Int64) throws {
        for experiment in experiments {
            try connection.execute(
                connection.dialect.insertUnlessPresent(
                    into: "entity_associations",
                    columns: ["association_id", "source_type", "source_id", "destination_type", "destination_id", "created_time"],
                    conflict: ["source_type", "source_id", "destination_type", "destination_id"]),
                [.text(RandomID.uuid4Hex()), .text(datasetSource), .text(id), .text(experimentDestination),
                 .text(experiment), .integer(now)])
        }
    }

    private static func unlinkAll(_ connection: any SQLConnection, _ id: String) throws {
        _ = try connection.execute(
            "DELETE FROM entity_associations WHERE (source_type = ? AND source_id = ?) OR (destination_type = ? AND destination_id = ?)",
            [.text(datasetSource), .text(id), .text(datasetSource), .text(id)])
    }

    /// Experiment ids as the store keys them (`07` is `7`), each once; MLflow's message for one that is no integer.
    static func canonical(_ ids: [String]) throws -> [String] {
        guard ids.count <= DatasetLimits.maxExperimentIds else {
            throw MLflowError.invalidParameter(
                "A dataset request may name at most \(DatasetLimits.maxExperimentIds) experiments; it named \(ids.count).")
        }
        var seen = Set<String>()
        return try ids.compactMap { id in
            let key = String(try ExperimentSearchKeys.experimentId(id))
            return seen.insert(key).inserted ? key : nil
        }
    }

    /// Every experiment exists (MLflow's add-experiments message for the first that does not).
    static func requireExperiments(_ connection: any SQLConnection, _ ids: [String]) throws {
        guard !ids.isEmpty else { return }
        let keys = SQLKeyList(ids.compactMap { Int64($0) }, dialect: connection.dialect)
        let found = Set(try connection.query("SELECT experiment_id FROM experiments WHERE \(keys.contains("experiment_id"))",
                                             keys.bindings) { String($0.int64(0)) })
        if let missing = ids.first(where: { !found.contains($0) }) {
            throw MLflowError.notFound("No Experiment with id=\(missing)")
        }
    }

    static func checkName(_ name: String) throws {
        guard !name.isEmpty else { throw MLflowError.invalidParameter("Missing value for required parameter 'name'.") }
        guard name.unicodeScalars.count <= DatasetLimits.maxNameLength else {
            throw MLflowError.invalidParameter(
                "Dataset name '\(name.prefix(64))...' is longer than \(DatasetLimits.maxNameLength) characters.")
        }
    }

    static func checkTags(_ tags: [DatasetTag]) throws {
        for tag in tags {
            guard !tag.key.isEmpty, tag.key.unicodeScalars.count <= DatasetLimits.maxTagKeyLength else {
                throw MLflowError.invalidParameter(
                    "A dataset tag key must have 1 to \(DatasetLimits.maxTagKeyLength) characters; got '\(tag.key.prefix(64))'.")
            }
            if let value = tag.value, value.unicodeScalars.count > DatasetLimits.maxTagValueLength {
                throw MLflowError.invalidParameter(
                    "The value of dataset tag '\(tag.key)' is longer than \(DatasetLimits.maxTagValueLength) characters.")
            }
        }
    }

    private static func upsertTags(_ connection: any SQLConnection, _ id: String, _ tags: [DatasetTag]) throws {
        for start in stride(from: 0, to: tags.count, by: 50) {
            let chunk = tags[start..<min(start + 50, tags.count)]
            try connection.execute(
                connection.dialect.upsert(into: "evaluation_dataset_tags", columns: ["dataset_id", "key", "value"],
                                          conflict: ["dataset_id", "key"], update: ["value"], rows: chunk.count),
                chunk.flatMap { [SQLValue.text(id), .text($0.key), optional($0.value)] })
        }
    }

    static func optional(_ text: String?) -> SQLValue {
        text.map(SQLValue.text) ?? .null
    }

    /// The datasets with these ids in that order (unknown ones left out), with their tags: two queries.
    static func loadDatasets(_ connection: any SQLConnection, ids: [String]) throws -> [EvaluationDataset] {
        guard !ids.isEmpty else { return [] }
        let keys = SQLKeyList(ids, dialect: connection.dialect)
        let rows = try connection.query(
            "SELECT \(datasetColumns) FROM evaluation_datasets WHERE \(keys.contains("dataset_id"))", keys.bindings) { row in
                EvaluationDataset(datasetId: row.string(0), name: row.string(1), schema: row.optionalString(2),
                                  profile: row.optionalString(3), digest: row.optionalString(4) ?? "",
                                  createdTime: row.int64(5), lastUpdateTime: row.int64(6), createdBy: row.optionalString(7),
                                  lastUpdatedBy: row.optionalString(8))
            }
        var tags: [String: [DatasetTag]] = [:]
        _ = try connection.query(
            "SELECT dataset_id, key, value FROM evaluation_dataset_tags WHERE \(keys.contains("dataset_id")) ORDER BY dataset_id, key",
            keys.bindings) { row in
                tags[row.string(0), default: []].append(DatasetTag(key: row.string(1), value: row.optionalString(2)))
            }
        var byId: [String: EvaluationDataset] = [:]
        for var dataset in rows {
            dataset.tags = tags[dataset.datasetId] ?? []
            byId[dataset.datasetId] = dataset
        }
        return ids.compactMap { byId[$0] }
    }
}
