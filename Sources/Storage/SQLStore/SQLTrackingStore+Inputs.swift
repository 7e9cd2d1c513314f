import SQL
public import TrackingCore

extension SQLTrackingStore {
    /// Datasets are shared per (experiment, name, digest); a dataset is linked to a run once, and
    /// its input tags are written with that first link. Model inputs are `RUN_INPUT -> MODEL_INPUT` rows.
    public func logInputs(runId: String, datasets: [DatasetInput], modelIds: [String]) throws {
        // MLflow keeps the first of several inputs with the same name and digest.
        var seen = Set<[String]>()
        let unique = datasets.filter { seen.insert([$0.dataset.name, $0.dataset.digest]).inserted }
        try database.write { connection in
            let experimentKey = try Self.activeRunState(connection, runId).experimentId
            for input in unique {
                let datasetId = try Self.datasetId(connection, experimentKey: experimentKey, dataset: input.dataset)
                let linked = try connection.queryFirst(
                    """
                    SELECT 1 FROM inputs WHERE source_type = 'DATASET' AND source_id = ?
                    AND destination_type = 'RUN' AND destination_id = ?
                    """, [.text(datasetId), .text(runId)]) { _ in true } ?? false
                if linked { continue }
                let inputId = Self.newUUIDHex()
                try connection.execute(
                    """
                    INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step)
                    VALUES (?, 'DATASET', ?, 'RUN', ?, 0)
                    """, [.text(inputId), .text(datasetId), .text(runId)])
                for tag in input.tags {
                    try connection.execute(
                        connection.dialect.upsert(into: "input_tags", columns: ["input_uuid", "name", "value"], conflict: ["input_uuid", "name"], update: ["value"]), [.text(inputId), .text(tag.key), .text(tag.value)])
                }
            }
            for modelId in modelIds {
                try connection.execute(
                    connection.dialect.insertUnlessPresent(
                        into: "inputs",
                        columns: ["input_uuid", "source_type", "source_id", "destination_type", "destination_id", "step"],
                        conflict: ["source_type", "source_id", "destination_type", "destination_id"]),
                    [.text(Self.newUUIDHex()), .text("RUN_INPUT"), .text(runId), .text("MODEL_INPUT"), .text(modelId),
                     .integer(0)])
            }
        }
    }

    public func searchDatasetSummaries(experimentIds: [String], limit: Int) throws -> [DatasetSummary] {
        let keys = try experimentIds.map { try Self.experimentKey($0) }
        guard !keys.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        return try database.read { connection in
            try connection.query(
                """
                SELECT DISTINCT d.experiment_id, d.name, d.digest, t.value
                FROM datasets d
                JOIN inputs i ON i.source_type = 'DATASET' AND i.source_id = d.dataset_uuid
                LEFT JOIN input_tags t ON t.input_uuid = i.input_uuid AND t.name = 'mlflow.data.context'
                WHERE d.experiment_id IN (\(marks))
                ORDER BY d.experiment_id, d.name, d.digest, t.value
                LIMIT ?
                """, keys.map(SQLValue.integer) + [.integer(Int64(limit))]) { row in
                DatasetSummary(experimentId: String(row.int64(0)), name: row.string(1), digest: row.string(2),
                               context: row.optionalString(3))
            }
        }
    }

    /// The id of the experiment's dataset with this name and digest, created if absent.
    private static func datasetId(_ connection: any SQLConnection, experimentKey: Int64, dataset: Dataset) throws -> String {
        if let existing = try connection.queryFirst(
            "SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?",
            [.integer(experimentKey), .text(dataset.name), .text(dataset.digest)], { $0.string(0) }) {
            return existing
        }
        let id = newUUIDHex()
        try connection.execute(
            """
            INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source,
                                  dataset_schema, dataset_profile)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(id), .integer(experimentKey), .text(dataset.name), .text(dataset.digest), .text(dataset.sourceType),
             .text(dataset.source), dataset.schema.map(SQLValue.text) ?? .null,
             dataset.profile.map(SQLValue.text) ?? .null])
        return id
    }
}
