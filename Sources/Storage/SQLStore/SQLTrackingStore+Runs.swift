import SQL
public import TrackingCore

extension SQLTrackingStore {
    public func createRun(_ request: CreateRunRequest) throws -> Run {
        let experimentKey = try Self.experimentKey(request.experimentId)
        let tagName = request.tags.first { $0.key == Self.runNameTagKey }?.value ?? ""
        let requestedName = request.runName ?? ""
        if !requestedName.isEmpty, !tagName.isEmpty, requestedName != tagName {
            throw MLflowError.invalidParameter(
                "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values "
                + "(run_name='\(requestedName)', mlflow.runName='\(tagName)').")
        }
        let runName = !requestedName.isEmpty ? requestedName : (!tagName.isEmpty ? tagName : RunNameGenerator.generate())
        var tags = request.tags
        if tagName.isEmpty { tags.append(Tag(key: Self.runNameTagKey, value: runName)) }
        let runId = Self.newUUIDHex()

        let startTime = request.startTime ?? 0   // An absent proto2 start_time reads as 0 in MLflow's handler.
        let artifactUri = try database.write { connection in
            let experimentLocation = try Self.activeExperimentArtifactLocation(connection, experimentKey)
            let artifactUri = ArtifactURI.appending(experimentLocation, runId, "artifacts")
            try connection.execute(
                """
                INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, end_time,
                                  deleted_time, artifact_uri, lifecycle_stage)
                VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, NULL, ?, 'active')
                """,
                [.text(runId), .text(runName), .integer(experimentKey), .text(request.userId),
                 .integer(startTime), .text(artifactUri)])
            try Self.upsertRunTags(connection, runId: runId, tags: tags)
            return artifactUri
        }
        // The new run is exactly what went in, so it is answered without reading it back:
        // tags as upserted (the last value of a repeated key) in byte order of key, as loadRun returns them.
        var latest: [String: String] = [:]
        for tag in tags { latest[tag.key] = tag.value }
        var run = Run(info: RunInfo(runId: runId, runName: runName, experimentId: String(experimentKey),
                                    userId: request.userId, status: .running, startTime: startTime, endTime: nil,
                                    artifactUri: artifactUri, lifecycleStage: .active))
        run.tags = latest.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { Tag(key: $0.key, value: $0.value) }
        return run
    }

    public func getRun(id: String) throws -> Run {
        try database.read { connection in try Self.loadRun(connection, id) }
    }

    public func experimentId(ofRun runId: String) throws -> String? {
        try database.read { connection in
            try connection.queryFirst("SELECT experiment_id FROM runs WHERE run_uuid = ?", [.text(runId)]) {
                String($0.int64(0))
            }
        }
    }

    public func updateRun(id: String, status: RunStatus?, endTime: Int64?, runName: String?) throws -> RunInfo {
        try database.write { connection in
            try Self.activeRunState(connection, id)
            if let status {
                try connection.execute("UPDATE runs SET status = ? WHERE run_uuid = ?", [.text(status.rawValue), .text(id)])
            }
            if let endTime {
                try connection.execute("UPDATE runs SET end_time = ? WHERE run_uuid = ?", [.integer(endTime), .text(id)])
            }
            if let runName, !runName.isEmpty {
                try Self.renameRun(connection, runId: id, name: runName)
            }
            return try Self.loadRun(connection, id).info
        }
    }

    public func deleteRun(id: String) throws {
        try database.write { connection in
            try Self.runState(connection, id)
            try connection.execute(
                "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE run_uuid = ?",
                [.integer(currentTimeMillis()), .text(id)])
        }
    }

    public func restoreRun(id: String) throws {
        try database.write { connection in
            try Self.runState(connection, id)
            try connection.execute(
                "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = ?", [.text(id)])
        }
    }

    public func deleteTag(runId: String, key: String) throws {
        try database.write { connection in
            try Self.activeRunState(connection, runId)
            let deleted = try connection.execute(
                "DELETE FROM tags WHERE run_uuid = ? AND key = ?", [.text(runId), .text(key)])
            guard deleted > 0 else {
                throw MLflowError.notFound("No tag with name: \(key) in run with id \(runId)")
            }
        }
    }

    /// Sets the name column and the `mlflow.runName` tag together.
    static func renameRun(_ connection: any SQLConnection, runId: String, name: String) throws {
        try connection.execute("UPDATE runs SET name = ? WHERE run_uuid = ?", [.text(name), .text(runId)])
        try upsertRunTag(connection, runId: runId, key: runNameTagKey, value: name)
    }

    static func loadRun(_ connection: any SQLConnection, _ runId: String) throws -> Run {
        guard let run = try SQLEntityLoader.runs([runId], connection).first else {
            throw MLflowError.notFound("Run with id=\(runId) not found")
        }
        return run
    }
}
