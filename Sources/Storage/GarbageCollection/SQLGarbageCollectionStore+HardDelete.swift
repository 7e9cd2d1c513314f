import SQL
import TrackingCore

extension SQLGarbageCollectionStore {
    public func hardDeleteRun(id: String) throws -> Int {
        try database.write { connection in
            let stage = try connection.queryFirst(
                "SELECT lifecycle_stage FROM runs WHERE run_uuid = ?" + connection.forUpdate, [.text(id)]) { $0.string(0) }
            guard let stage else { throw MLflowError.notFound("Run with id=\(id) not found") }
            guard stage == LifecycleStage.deleted.rawValue else {
                throw MLflowError(.invalidState, "Run \(id) is no longer in `deleted` lifecycle stage.")
            }
            try Self.refuseIfRegistered(connection, column: "run_id", id: id, what: "Run \(id)")
            // Inputs the run receives (datasets) and the model links it is the source of.
            let links = """
                SELECT input_uuid FROM inputs WHERE (destination_type = 'RUN' AND destination_id = ?)
                OR (source_type IN ('RUN_INPUT', 'RUN_OUTPUT') AND source_id = ?)
                """
            var rows = try connection.execute("DELETE FROM input_tags WHERE input_uuid IN (\(links))", [.text(id), .text(id)])
            rows += try connection.execute(
                """
                DELETE FROM inputs WHERE (destination_type = 'RUN' AND destination_id = ?)
                OR (source_type IN ('RUN_INPUT', 'RUN_OUTPUT') AND source_id = ?)
                """, [.text(id), .text(id)])
            rows += try connection.execute("DELETE FROM logged_model_metrics WHERE run_id = ?", [.text(id)])
            for table in ["metrics", "latest_metrics", "params", "tags", "runs"] {
                rows += try connection.execute("DELETE FROM \(table) WHERE run_uuid = ?", [.text(id)])
            }
            return rows
        }
    }

    public func hardDeleteLoggedModel(id: String) throws -> Int {
        try database.write { connection in
            let state = try connection.queryFirst(
                """
                SELECT m.lifecycle_stage, e.lifecycle_stage FROM logged_models m
                JOIN experiments e ON e.experiment_id = m.experiment_id WHERE m.model_id = ?
                """ + connection.forUpdate, [.text(id)]) { (model: $0.string(0), experiment: $0.string(1)) }
            guard let state else { throw MLflowError.notFound("Logged model with ID '\(id)' not found.") }
            let deleted = LifecycleStage.deleted.rawValue
            guard state.model == deleted || state.experiment == deleted else {
                throw MLflowError(.invalidState, "Logged model \(id) is no longer in `deleted` lifecycle stage.")
            }
            try Self.refuseIfRegistered(connection, column: "model_id", id: id, what: "Logged model \(id)")
            let links = """
                SELECT input_uuid FROM inputs WHERE destination_type IN ('MODEL_INPUT', 'MODEL_OUTPUT') AND destination_id = ?
                """
            var rows = try connection.execute("DELETE FROM input_tags WHERE input_uuid IN (\(links))", [.text(id)])
            rows += try connection.execute(
                "DELETE FROM inputs WHERE destination_type IN ('MODEL_INPUT', 'MODEL_OUTPUT') AND destination_id = ?",
                [.text(id)])
            for table in ["logged_model_metrics", "logged_model_params", "logged_model_tags", "logged_models"] {
                rows += try connection.execute("DELETE FROM \(table) WHERE model_id = ?", [.text(id)])
            }
            return rows
        }
    }

    public func hardDeleteExperiment(id: String) throws -> Int {
        guard let key = Int64(id) else { throw MLflowError.notFound("No Experiment with id=\(id) exists") }
        return try database.write { connection in
            let stage = try connection.queryFirst(
                "SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?" + connection.forUpdate,
                [.integer(key)]) { $0.string(0) }
            guard let stage else { throw MLflowError.notFound("No Experiment with id=\(id) exists") }
            guard stage == LifecycleStage.deleted.rawValue else {
                throw MLflowError(.invalidState, "Experiment \(id) is no longer in the deleted lifecycle stage.")
            }
            let left = try connection.queryFirst(
                """
                SELECT (SELECT COUNT(*) FROM runs WHERE experiment_id = ?)
                     + (SELECT COUNT(*) FROM logged_models WHERE experiment_id = ?)
                """, [.integer(key), .integer(key)]) { $0.int64(0) } ?? 0
            guard left == 0 else {
                throw MLflowError(.invalidState, "Experiment \(id) still holds \(left) runs or logged models.")
            }
            let datasets = "SELECT dataset_uuid FROM datasets WHERE experiment_id = ?"
            let links = "SELECT input_uuid FROM inputs WHERE source_type = 'DATASET' AND source_id IN (\(datasets))"
            var rows = try connection.execute("DELETE FROM input_tags WHERE input_uuid IN (\(links))", [.integer(key)])
            rows += try connection.execute(
                "DELETE FROM inputs WHERE source_type = 'DATASET' AND source_id IN (\(datasets))", [.integer(key)])
            for table in ["datasets", "experiment_tags", "experiments"] {
                rows += try connection.execute("DELETE FROM \(table) WHERE experiment_id = ?", [.integer(key)])
            }
            // Evaluation datasets stay (they may be linked elsewhere) but lose their link to it: a
            // dataset takes its experiments' permissions, and a link to a gone experiment would
            // hand the dataset to whatever later holds its id.
            rows += try connection.execute(
                "DELETE FROM entity_associations WHERE destination_type = ? AND destination_id = ?",
                [.text(SQLTrackingStore.experimentDestination), .text(String(key))])
            return rows
        }
    }

    /// A model version registered since the plan was made keeps what it names.
    private static func refuseIfRegistered(_ connection: any SQLConnection, column: String, id: String,
                                           what: String) throws {
        // Ids are hex (runs) or `m-` and hex (logged models): nothing in them is special to LIKE.
        let pattern = "%\(id)%"
        let version = try connection.queryFirst(
            """
            SELECT name, version FROM model_versions WHERE \(column) = ? OR source LIKE ? OR storage_location LIKE ?
            """, [.text(id), .text(pattern), .text(pattern)]) { (name: $0.string(0), version: $0.int64(1)) }
        if let version {
            throw MLflowError(.invalidState,
                              "\(what) is kept: registered model '\(version.name)' version \(version.version) points to it.")
        }
    }
}
