import SQL
public import TrackingCore

/// Sealing jobs (migration 17, `SealingJob`): a version is sealed off the request path by one job,
/// recorded here so every replica sees it, with the `swiftrack.seal.state` tag on the version while
/// it runs (`sealing`) or after it failed (`failed`, until a mover is told).
extension SQLRegistryStore {
    public func claimSealing(_ job: SealingJob, staleBefore: Int64) throws -> SealingClaim {
        let number = try Self.checkedKey(job.name, job.version)
        return try database.write { connection in
            try Self.requireVersion(connection, job.name, number)
            if try Self.isSealed(connection, job.name, number) { return .sealed }
            try Self.refuseMergedLoggedModel(connection, job.source, name: job.name, version: number)
            if let current = try Self.loadSealing(connection, job.name, number) {
                if current.failure != nil {
                    try Self.removeSealing(connection, job.name, number)
                    return .failed(current)
                }
                if current.updatedTime >= staleBefore { return .running(current) }
                try Self.removeSealing(connection, job.name, number)
            }
            try connection.execute(
                """
                INSERT INTO model_version_sealings (name, version, token, source, location, approver, target, started_time,
                                                    updated_time, bytes_read)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(job.name), .integer(number), .text(job.token), .text(job.source), .text(job.location),
                 job.approver.map(SQLValue.text) ?? .null, .text(job.target), .integer(job.startedTime),
                 .integer(job.updatedTime), .integer(job.bytesRead)])
            try Self.upsertVersionTag(connection, job.name, number, job.stateTag)
            return .started(job)
        }
    }

    public func sealingJob(name: String, version: String) throws -> SealingJob? {
        let number = try Self.checkedKey(name, version)
        return try database.read { connection in try Self.loadSealing(connection, name, number) }
    }

    public func recordSealingProgress(name: String, version: String, token: String, bytesRead: Int64,
                                      now: Int64) throws -> Bool {
        let number = try Self.checkedKey(name, version)
        return try database.write { connection in
            try connection.execute(
                """
                UPDATE model_version_sealings SET updated_time = ?, bytes_read = ?
                WHERE name = ? AND version = ? AND token = ? AND error_code IS NULL
                """,
                [.integer(now), .integer(bytesRead), .text(name), .integer(number), .text(token)])
            return try Self.ownsSealing(connection, name, number, token, live: true)
        }
    }

    /// Stores the job's seal and ends the job, if the job still owns the version and the version
    /// still has the source hashed; a version sealed meanwhile keeps its seal.
    public func completeSealing(token: String, seal: ModelVersionSeal) throws {
        let number = try Self.checkedKey(seal.name, seal.version)
        try database.write { connection in
            try Self.requireVersion(connection, seal.name, number)
            try Self.refuseMergedLoggedModel(connection, seal.source, name: seal.name, version: number)
            guard try Self.ownsSealing(connection, seal.name, number, token, live: true) else {
                throw MLflowError(.invalidState, "Sealing version \(number) of registered model '\(seal.name)' was "
                                  + "cancelled or taken over; its seal was not stored.")
            }
            try Self.removeSealing(connection, seal.name, number)
            try Self.insertSeal(connection, seal, number)
        }
    }

    public func failSealing(name: String, version: String, token: String, error: MLflowError, now: Int64) throws {
        let number = try Self.checkedKey(name, version)
        try database.write { connection in
            guard try Self.ownsSealing(connection, name, number, token) else { return }
            // A job cancelled meanwhile keeps the cancellation as its failure.
            guard try Self.loadSealing(connection, name, number)?.failure == nil else { return }
            try Self.markSealingFailed(connection, name, number, token, error, now: now)
        }
    }

    static let cancelled = MLflowError(.invalidState, "its sealing was cancelled by a holder of the governance role")

    static func markSealingFailed(_ connection: any SQLConnection, _ name: String, _ number: Int64, _ token: String,
                                  _ error: MLflowError, now: Int64) throws {
        try connection.execute(
            """
            UPDATE model_version_sealings SET updated_time = ?, error_code = ?, error_message = ?
            WHERE name = ? AND version = ? AND token = ?
            """,
            [.integer(now), .text(error.code.rawValue), .text(String(error.message.prefix(2_000))), .text(name),
             .integer(number), .text(token)])
        try Self.upsertVersionTag(connection, name, number, Tag(key: SealingJob.stateTag, value: "failed"))
    }

    /// Removes the job `token` owns (a failed one, once its mover was told), and its state tag.
    public func clearSealing(name: String, version: String, token: String) throws {
        let number = try Self.checkedKey(name, version)
        try database.write { connection in
            guard try Self.ownsSealing(connection, name, number, token) else { return }
            try Self.removeSealing(connection, name, number)
        }
    }

    /// A `runs:/<run>/<name>` source whose run has a logged model named `<name>` is loaded by the
    /// client with that model's files merged in (`RunsModelBinding`): not sealed.
    static func refuseMergedLoggedModel(_ connection: any SQLConnection, _ source: String, name: String,
                                        version: Int64) throws {
        guard let binding = try RunsModelBinding.of(source: source) else { return }
        guard let modelId = try connection.queryFirst(
            "SELECT model_id FROM logged_models WHERE name = ? AND source_run_id = ?",
            [.text(binding.modelName), .text(binding.runId)], { $0.string(0) }) else { return }
        throw MLflowError(.invalidState, "Version \(version) of registered model '\(name)' cannot be sealed: the mlflow "
                          + "client loads \(source) together with the files of logged model \(modelId) (named "
                          + "'\(binding.modelName)', from run \(binding.runId)), which a seal of the run's folder does not "
                          + "cover. Register models:/\(modelId) instead.")
    }

    /// Whether `token` owns the version's job (`live`: and the job has not failed or been cancelled).
    static func ownsSealing(_ connection: any SQLConnection, _ name: String, _ number: Int64, _ token: String,
                            live: Bool = false) throws -> Bool {
        try connection.queryFirst("SELECT 1 FROM model_version_sealings WHERE name = ? AND version = ? AND token = ?"
                                  + (live ? " AND error_code IS NULL" : ""),
                                  [.text(name), .integer(number), .text(token)]) { _ in true } ?? false
    }

    static func removeSealing(_ connection: any SQLConnection, _ name: String, _ number: Int64) throws {
        let key: [SQLValue] = [.text(name), .integer(number)]
        try connection.execute("DELETE FROM model_version_sealings WHERE name = ? AND version = ?", key)
        try connection.execute("DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?",
                               key + [.text(SealingJob.stateTag)])
    }

    static func loadSealing(_ connection: any SQLConnection, _ name: String, _ number: Int64) throws -> SealingJob? {
        try connection.queryFirst(
            """
            SELECT name, version, token, source, location, approver, target, started_time, updated_time, bytes_read,
                   error_code, error_message
            FROM model_version_sealings WHERE name = ? AND version = ?
            """, [.text(name), .integer(number)]) { row in
            SealingJob(name: row.string(0), version: String(row.int64(1)), token: row.string(2), source: row.string(3),
                       location: row.string(4), approver: row.optionalString(5), target: row.string(6),
                       startedTime: row.int64(7), updatedTime: row.int64(8), bytesRead: row.int64(9),
                       failure: row.optionalString(10).map {
                           MLflowError(ErrorCode(rawValue: $0) ?? .internalError, row.optionalString(11) ?? "")
                       })
        }
    }
}
