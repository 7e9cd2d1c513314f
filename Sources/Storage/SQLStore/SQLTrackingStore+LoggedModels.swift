import SQL
public import TrackingCore

extension SQLTrackingStore: LoggedModelStore {
    public func createLoggedModel(_ request: CreateLoggedModelRequest) throws -> LoggedModel {
        try Validation.validateLoggedModelName(request.name)
        let experimentKey = try Self.experimentKey(request.experimentId)
        let modelId = "m-" + Self.newUUIDHex()
        let name = request.name ?? RunNameGenerator.generate()
        let now = currentTimeMillis()
        return try database.write { connection in
            let experimentLocation = try Self.activeExperimentArtifactLocation(connection, experimentKey)
            if let runId = request.sourceRunId {
                try Self.refuseMergingIntoSealed(connection, RunsModelBinding(runId: runId, modelName: name))
            }
            try connection.execute(
                """
                INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms,
                                           last_updated_timestamp_ms, status, lifecycle_stage, model_type, source_run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)
                """,
                [.text(modelId), .integer(experimentKey), .text(name),
                 .text(ArtifactURI.appending(experimentLocation, "models", modelId, "artifacts")),
                 .integer(now), .integer(now), .integer(Int64(LoggedModelStatus.pending.number)),
                 request.modelType.map(SQLValue.text) ?? .null, request.sourceRunId.map(SQLValue.text) ?? .null])
            try Self.insertModelParams(connection, modelId: modelId, experimentKey: experimentKey, params: request.params)
            try Self.upsertModelTags(connection, modelId: modelId, experimentKey: experimentKey, tags: request.tags)
            return try Self.loadModel(connection, modelId, allowDeleted: true)
        }
    }

    public func getLoggedModel(id: String, allowDeleted: Bool) throws -> LoggedModel {
        try database.read { connection in try Self.loadModel(connection, id, allowDeleted: allowDeleted) }
    }

    public func finalizeLoggedModel(id: String, status: LoggedModelStatus) throws -> LoggedModel {
        try database.write { connection in
            try Self.modelExperiment(connection, id)
            try connection.execute(
                "UPDATE logged_models SET status = ?, last_updated_timestamp_ms = ? WHERE model_id = ?",
                [.integer(Int64(status.number)), .integer(currentTimeMillis()), .text(id)])
            return try Self.loadModel(connection, id, allowDeleted: true)
        }
    }

    public func deleteLoggedModel(id: String) throws {
        try database.write { connection in
            try Self.modelExperiment(connection, id)
            try connection.execute(
                "UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = ? WHERE model_id = ?",
                [.integer(currentTimeMillis()), .text(id)])
        }
    }

    public func setLoggedModelTags(id: String, tags: [Tag]) throws {
        try database.write { connection in
            let experimentKey = try Self.modelExperiment(connection, id)
            try Self.upsertModelTags(connection, modelId: id, experimentKey: experimentKey, tags: tags)
        }
    }

    public func deleteLoggedModelTag(id: String, key: String) throws {
        try database.write { connection in
            try Self.modelExperiment(connection, id)
            let deleted = try connection.execute(
                "DELETE FROM logged_model_tags WHERE model_id = ? AND tag_key = ?", [.text(id), .text(key)])
            guard deleted > 0 else {
                throw MLflowError.notFound(
                    "No tag with key \(PythonRepr.string(key)) found for model with ID \(PythonRepr.string(id)).")
            }
        }
    }

    public func logLoggedModelParams(id: String, params: [Param]) throws {
        try database.write { connection in
            let experimentKey = try Self.modelExperiment(connection, id)
            try Self.insertModelParams(connection, modelId: id, experimentKey: experimentKey, params: params)
        }
    }

    public func logOutputs(runId: String, models: [ModelOutput]) throws {
        try database.write { connection in
            try Self.activeRunState(connection, runId)
            for model in models {
                do {
                    try connection.execute(
                        """
                        INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step)
                        VALUES (?, 'RUN_OUTPUT', ?, 'MODEL_OUTPUT', ?, ?)
                        """, [.text(Self.newUUIDHex()), .text(runId), .text(model.modelId), .integer(model.step)])
                } catch is SQLConstraintViolation {
                    // MLflow leaks a raw IntegrityError (400) here.
                    throw MLflowError.alreadyExists("Model \(model.modelId) is already an output of run \(runId).")
                }
            }
        }
    }

    // MARK: - Shared pieces

    static func modelNotFound(_ id: String) -> MLflowError {
        .notFound("Logged model with ID '\(id)' not found.")
    }

    /// The model's experiment key, or MLflow's 404; deleted models count (as MLflow's `_get_logged_model_record`).
    @discardableResult
    static func modelExperiment(_ connection: any SQLConnection, _ id: String) throws -> Int64 {
        guard let key = try connection.queryFirst(
            "SELECT experiment_id FROM logged_models WHERE model_id = ?", [.text(id)], { $0.int64(0) }) else {
            throw modelNotFound(id)
        }
        return key
    }

    static func loadModel(_ connection: any SQLConnection, _ id: String, allowDeleted: Bool) throws -> LoggedModel {
        guard let model = try SQLLoggedModelLoader.models([id], connection).first,
              allowDeleted || model.lifecycleStage != .deleted else {
            throw modelNotFound(id)
        }
        return model
    }

    /// Upserts in order; the last value of a repeated key wins and a key keeps its first position.
    static func upsertModelTags(_ connection: any SQLConnection, modelId: String, experimentKey: Int64, tags: [Tag]) throws {
        for tag in tags {
            try connection.execute(
                connection.dialect.upsert(into: "logged_model_tags", columns: ["model_id", "experiment_id", "tag_key", "tag_value"], conflict: ["model_id", "tag_key"], update: ["tag_value"]), [.text(modelId), .integer(experimentKey), .text(tag.key), .text(tag.value)])
        }
    }

    /// Params are immutable: the same value again is a no-op, another value is refused.
    /// (MLflow answers any repeated key with a raw IntegrityError.)
    static func insertModelParams(_ connection: any SQLConnection, modelId: String, experimentKey: Int64,
                                  params: [Param]) throws {
        for param in params {
            if let old = try connection.queryFirst(
                "SELECT param_value FROM logged_model_params WHERE model_id = ? AND param_key = ?",
                [.text(modelId), .text(param.key)], { $0.string(0) }) {
                guard old == param.value else {
                    throw MLflowError.invalidParameter(
                        "Changing param values is not allowed. Param with key='\(param.key)' was already logged with "
                        + "value='\(old)' for logged model ID='\(modelId)'. Attempted logging new value '\(param.value)'.")
                }
                continue
            }
            try connection.execute(
                "INSERT INTO logged_model_params (model_id, experiment_id, param_key, param_value) VALUES (?, ?, ?, ?)",
                [.text(modelId), .integer(experimentKey), .text(param.key), .text(param.value)])
        }
    }
}

extension SQLTrackingStore {
    /// A logged model named `<name>` from run R would be merged by the client into what a version with
    /// source `runs:/R/<name>[/...]` loads (`RunsModelBinding`): not while such a version is sealed or
    /// being sealed.
    static func refuseMergingIntoSealed(_ connection: any SQLConnection, _ binding: RunsModelBinding) throws {
        let prefix = binding.sourcePrefix
        // Seals are few (one per promoted version): their runs: sources are compared here.
        var hit: (String, Int64)?
        for table in ["model_version_seals", "model_version_sealings"] where hit == nil {
            hit = try connection.query("SELECT name, version, source FROM \(table) WHERE source LIKE 'runs:/%'", []) {
                ($0.string(0), $0.int64(1), $0.string(2))
            }.first { $0.2 == prefix || $0.2.hasPrefix(prefix + "/") }.map { ($0.0, $0.1) }
        }
        guard let (model, version) = hit else { return }
        throw MLflowError(.invalidState, "Version \(version) of registered model '\(model)' is sealed with the source "
                          + "\(prefix): a logged model named '\(binding.modelName)' from run \(binding.runId) would be "
                          + "loaded with it (the mlflow client merges the two); give the logged model another name.")
    }
}
