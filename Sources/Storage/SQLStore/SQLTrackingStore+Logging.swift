import SQL
public import TrackingCore

extension SQLTrackingStore {
    /// All or nothing in one transaction (MLflow commits params, metrics and tags separately).
    public func logBatch(runId: String, metrics: [Metric], params: [Param], tags: [Tag]) throws {
        try Self.requireUniqueParamKeys(params)
        try database.write { connection in
            let experimentKey = try Self.activeRunState(connection, runId).experimentId
            try Self.insertParams(connection, runId: runId, params: params) { conflicts in
                let listed = conflicts.map { conflict in
                    "{'key': \(PythonRepr.string(conflict.key)), 'old_value': \(PythonRepr.string(conflict.old)), "
                        + "'new_value': \(PythonRepr.string(conflict.new))}"
                }.joined(separator: ", ")
                return MLflowError.invalidParameter(
                    "Changing param values is not allowed. Params were already logged='[\(listed)]' for run ID='\(runId)'.")
            }
            try Self.insertMetrics(connection, runId: runId, metrics: metrics)
            try Self.insertLoggedModelMetrics(connection, runId: runId, experimentKey: experimentKey, metrics: metrics)
            try Self.setRunTags(connection, runId: runId, tags: tags)
        }
    }

    /// One param, as runs/log-parameter does it: a conflict is worded as MLflow's `log_param` words it.
    public func logParam(runId: String, param: Param) throws {
        try database.write { connection in
            try Self.activeRunState(connection, runId)
            try Self.insertParams(connection, runId: runId, params: [param]) { conflicts in
                let old = conflicts.first?.old ?? ""
                return MLflowError.invalidParameter(
                    "Changing param values is not allowed. Param with key='\(param.key)' was already logged with "
                    + "value='\(old)' for run ID='\(runId)'. Attempted logging new value '\(param.value)'.")
            }
        }
    }

    public func updateRunTag(runId: String, key: String, _ newValue: (String?) throws -> String) throws {
        try database.write { connection in
            try Self.activeRunState(connection, runId)
            let current = try connection.queryFirst(
                "SELECT value FROM tags WHERE run_uuid = ? AND key = ?", [.text(runId), .text(key)]) { $0.optionalString(0) }
            try Self.upsertRunTag(connection, runId: runId, key: key, value: try newValue(current ?? nil))
        }
    }

    /// MLflow rejects a batch naming one param key twice, even with the same value.
    static func requireUniqueParamKeys(_ params: [Param]) throws {
        var seen = Set<String>()
        var duplicates: [String] = []
        for param in params where !seen.insert(param.key).inserted { duplicates.append(param.key) }
        guard duplicates.isEmpty else {
            throw MLflowError.invalidParameter(
                "Duplicate parameter keys have been submitted: [\(duplicates.map(PythonRepr.string).joined(separator: ", "))]. "
                + "Please ensure the request contains only one param value per param key.")
        }
    }

    /// Inserts new params; the same value again is a no-op, a different one fails via `conflictError`.
    private static func insertParams(_ connection: any SQLConnection, runId: String, params: [Param],
                                     conflictError: ([(key: String, old: String, new: String)]) -> MLflowError) throws {
        guard !params.isEmpty else { return }
        var existing: [String: String] = [:]
        for (key, value) in try connection.query(
            "SELECT key, value FROM params WHERE run_uuid = ?", [.text(runId)], { ($0.string(0), $0.string(1)) }) {
            existing[key] = value
        }
        var conflicts: [(key: String, old: String, new: String)] = []
        var fresh: [Param] = []
        for param in params {
            if let old = existing[param.key] {
                if old != param.value { conflicts.append((param.key, old, param.value)) }
            } else {
                fresh.append(param)
            }
        }
        guard conflicts.isEmpty else { throw conflictError(conflicts) }
        for param in fresh {
            try connection.execute("INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)",
                                   [.text(runId), .text(param.key), .text(param.value)])
        }
    }

    /// Appends history (exact duplicates ignored) and keeps `latest_metrics` at the greatest
    /// (step, timestamp, value), MLflow's `_update_latest_metrics_if_necessary` order.
    private static func insertMetrics(_ connection: any SQLConnection, runId: String, metrics: [Metric]) throws {
        guard !metrics.isEmpty else { return }
        let columns = ["run_uuid", "key", "value", "timestamp", "step", "is_nan"]
        var rows: [[SQLValue]] = []
        rows.reserveCapacity(metrics.count)
        // The batch's own greatest (step, timestamp, value) per key: one latest row per key, so a
        // multi-row upsert never touches a row twice (PostgreSQL refuses that).
        var latest: [String: Int] = [:]
        for metric in metrics {
            let (isNaN, value) = storedMetricValue(metric.value)
            rows.append([.text(runId), .text(metric.key), .real(value), .integer(metric.timestamp),
                         .integer(metric.step), .integer(isNaN ? 1 : 0)])
            if let index = latest[metric.key] {
                if isNewer(rows[rows.count - 1], than: rows[index]) { latest[metric.key] = rows.count - 1 }
            } else {
                latest[metric.key] = rows.count - 1
            }
        }
        let latestRows = latest.values.sorted().map { rows[$0] }
        // Fixed chunk sizes keep the prepared-statement caches small whatever the batch size.
        for chunk in chunked(rows) {
            try connection.execute(
                connection.dialect.insertUnlessPresent(into: "metrics", columns: columns, conflict: columns,
                                                       rows: chunk.count),
                chunk.flatMap { $0 })
        }
        for chunk in chunked(latestRows) {
            try connection.execute(latestMetricUpsert(connection.dialect, rows: chunk.count), chunk.flatMap { $0 })
        }
    }

    /// Rows per multi-row INSERT: 50 (300 bound values), then one statement for the remainder.
    private static func chunked(_ rows: [[SQLValue]]) -> [ArraySlice<[SQLValue]>] {
        stride(from: 0, to: rows.count, by: 50).map { rows[$0..<min($0 + 50, rows.count)] }
    }

    /// MLflow's order for the latest value: greater (step, timestamp, value) wins.
    private static func isNewer(_ row: [SQLValue], than other: [SQLValue]) -> Bool {
        func parts(_ row: [SQLValue]) -> (Int64, Int64, Double) {
            guard case .integer(let step) = row[4], case .integer(let timestamp) = row[3],
                  case .real(let value) = row[2] else { return (0, 0, 0) }
            return (step, timestamp, value)
        }
        return parts(row) > parts(other)
    }

    /// Inserts a `latest_metrics` row, or replaces the existing one when the new
    /// (step, timestamp, value) is greater. SQLite and PostgreSQL say so with `ON CONFLICT ... WHERE`.
    /// MySQL has no WHERE there, so each column takes `IF(newer, new, old)`; MySQL assigns left to
    /// right and later conditions see earlier assignments, so the columns go is_nan, value,
    /// timestamp, step: once value (or timestamp) is assigned, the condition still holds exactly
    /// when the remaining columns differ in the newer direction, and they are equal otherwise.
    static func latestMetricUpsert(_ dialect: SQLDialect, rows: Int = 1) -> String {
        let insert = SQLDialect.insert(into: "latest_metrics",
                                       columns: ["run_uuid", "key", "value", "timestamp", "step", "is_nan"], rows: rows)
        switch dialect {
        case .sqlite, .postgres:
            return insert + """
                 ON CONFLICT (run_uuid, key) DO UPDATE SET
                    value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan
                WHERE (excluded.step, excluded.timestamp, excluded.value)
                      > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)
                """
        case .mysql:
            let newer = "(VALUES(step), VALUES(timestamp), VALUES(value)) > (step, timestamp, value)"
            return insert + " ON DUPLICATE KEY UPDATE "
                + ["is_nan", "value", "timestamp", "step"].map { "\($0) = IF(\(newer), VALUES(\($0)), \($0))" }
                    .joined(separator: ", ")
        }
    }

    /// NaN is stored as 0 with is_nan set; ±inf as ±Double.greatestFiniteMagnitude (SQL has no inf).
    static func storedMetricValue(_ value: Double) -> (isNaN: Bool, value: Double) {
        if value.isNaN { return (true, 0) }
        if value.isInfinite { return (false, value > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude) }
        return (false, value)
    }

    /// Upserts tags in order (the last of a repeated key wins); `mlflow.runName` renames the run,
    /// and an empty one is ignored, as MLflow's `set_tag` -> `update_run_info` does.
    private static func setRunTags(_ connection: any SQLConnection, runId: String, tags: [Tag]) throws {
        try upsertRunTags(connection, runId: runId, tags: tags.filter { $0.key != runNameTagKey })
        if let name = tags.last(where: { $0.key == runNameTagKey && !$0.value.isEmpty })?.value {
            try renameRun(connection, runId: runId, name: name)
        }
    }
}
