import SQL
public import TrackingCore

extension SQLTrackingStore: TraceStore {
    public func startTrace(_ request: TraceInfo) throws -> TraceInfo {
        let info = try Validation.validatedTraceInfo(request)
        let experimentKey = try Self.experimentKey(info.experimentId)
        return try database.write { connection in
            let location = try Self.activeExperimentArtifactLocation(connection, experimentKey)
            // The client calls this when the trace ends; its spans may have arrived first (OTLP) and
            // made the trace. Created unless present, then the row is locked and takes this call's
            // values, which are final (MLflow's merge): a repeat for the row just made.
            try connection.execute(
                connection.dialect.insertUnlessPresent(
                    into: "trace_info", columns: ["request_id", "experiment_id", "timestamp_ms", "status", "received_ms"],
                    conflict: ["request_id"]),
                [.text(info.traceId), .integer(experimentKey), .integer(info.requestTime), .text(info.state.rawValue),
                 .integer(currentTimeMillis())])
            guard let stored = try Self.lockTraceForTags(connection, info.traceId) else {
                throw Self.traceNotFound(info.traceId)
            }
            guard stored.experimentKey == experimentKey else {
                throw Self.traceInOtherExperiment(info.traceId, experimentKey)
            }
            try connection.execute(
                """
                UPDATE trace_info SET timestamp_ms = ?, execution_time_ms = ?, status = ?, client_request_id = ?,
                       request_preview = COALESCE(?, request_preview), response_preview = COALESCE(?, response_preview)
                WHERE request_id = ?
                """,
                [.integer(info.requestTime), info.executionDuration.map(SQLValue.integer) ?? .null, .text(info.state.rawValue),
                 info.clientRequestId.map(SQLValue.text) ?? .null, info.requestPreview.map(SQLValue.text) ?? .null,
                 info.responsePreview.map(SQLValue.text) ?? .null, .text(info.traceId)])
            let copies = TraceTagCopies(experimentKey: experimentKey, timestampMillis: info.requestTime)
            if stored.timestampMillis != info.requestTime {
                try Self.moveTraceTagTimes(connection, info.traceId, to: info.requestTime)
            }
            // The server decides where a trace's artifacts live, whatever the client sent.
            try Self.insertTraceTagUnlessPresent(
                connection, info.traceId, copies, key: TraceKeys.artifactLocation,
                value: ArtifactURI.appending(location, TraceKeys.traceFolder, info.traceId, "artifacts"))
            try Self.upsertTraceTags(connection, info.traceId, copies,
                                     KeyedPairs.lastValues(info.tags).filter { !TraceKeys.serverOwnedTags.contains($0.0) })
            for (key, value) in KeyedPairs.lastValues(info.metadata + [Tag(key: TraceKeys.infoFinalized, value: "true")]) {
                try connection.execute(
                    connection.dialect.upsert(into: "trace_request_metadata", columns: ["request_id", "key", "value"],
                                              conflict: ["request_id", "key"], update: ["value"]),
                    [.text(info.traceId), .text(key), .text(value)])
            }
            return try Self.loadTrace(connection, info.traceId)
        }
    }

    public func getTraceInfo(traceId: String) throws -> TraceInfo {
        try database.read { connection in try Self.loadTrace(connection, traceId) }
    }

    public func batchGetTraceInfos(traceIds: [String], experimentIds: [String]?) throws -> [TraceInfo] {
        let wanted = try experimentIds.map { Set(try $0.map(Self.experimentKey).map(String.init)) }
        let found = try database.read { connection in try SQLTraceLoader.traces(traceIds, connection) }
        return found.filter { wanted?.contains($0.experimentId) ?? true }
    }

    public func searchTraces(_ query: TraceSearchQuery) throws -> Page<TraceInfo> {
        let offset = try PageToken.decode(query.pageToken)
        let pageSize = max(0, query.maxResults)
        let compiled = try TraceSearchCompiler.compile(
            experimentIds: query.experimentIds, filter: query.filter, orderBy: query.orderBy,
            limit: pageSize + 1, offset: offset, dialect: database.dialect)
        return try database.read { connection in
            let ids = try connection.query(compiled.sql, compiled.bindings) { $0.string(0) }
            let page = Array(ids.prefix(pageSize))
            let next = ids.count > pageSize ? PageToken.encode(offset: offset + pageSize) : nil
            return Page(items: try SQLTraceLoader.traces(page, connection), nextPageToken: next)
        }
    }

    public func setTraceTag(traceId: String, key: String, value: String) throws {
        let tag = try Validation.validatedClientTraceTag(key: key, value: value)
        try database.write { connection in
            // Locked: a concurrent span request may be moving the trace's time, which the tag copies.
            guard let copies = try Self.lockTraceForTags(connection, traceId) else { throw Self.traceNotFound(traceId) }
            try Self.upsertTraceTags(connection, traceId, copies, [(tag.key, tag.value)])
        }
    }

    public func deleteTraceTag(traceId: String, key: String) throws {
        if TraceKeys.serverOwnedTags.contains(key) {
            throw MLflowError.invalidParameter("The trace tag '\(key)' is set by the server and cannot be changed.")
        }
        try database.write { connection in
            try Self.requireTrace(connection, traceId)
            let deleted = try connection.execute("DELETE FROM trace_tags WHERE request_id = ? AND key = ?",
                                                 [.text(traceId), .text(key)])
            guard deleted > 0 else {
                throw MLflowError.notFound("No trace tag with key '\(key)' for trace with ID '\(traceId)'")
            }
        }
    }

    public func deleteTraces(experimentId: String, maxTimestampMillis: Int64?, maxTraces: Int?,
                             traceIds: [String]) throws -> Int {
        try Validation.validateTraceDeletion(maxTimestampMillis: maxTimestampMillis, maxTraces: maxTraces,
                                             traceIds: traceIds)
        let experimentKey = try Self.experimentKey(experimentId)
        return try database.write { connection in
            var sql = "SELECT request_id FROM trace_info WHERE experiment_id = ?"
            var bindings: [SQLValue] = [.integer(experimentKey)]
            if let maxTimestampMillis {
                sql += " AND timestamp_ms <= ? ORDER BY timestamp_ms, request_id"
                bindings.append(.integer(maxTimestampMillis))
                if let maxTraces {
                    sql += " LIMIT ?"
                    bindings.append(.integer(Int64(maxTraces)))
                }
            } else {
                let keys = SQLKeyList(traceIds, dialect: connection.dialect)
                sql += " AND " + keys.contains("request_id")
                bindings += keys.bindings
            }
            let doomed = try connection.query(sql, bindings) { $0.string(0) }
            try Self.deleteTraceRows(doomed, connection)
            return doomed.count
        }
    }

    /// Deletes the traces' rows and their links, in chunks of `SQLEntityLoader.chunkSize` ids;
    /// returns how many traces this call deleted (not those another transaction deleted first).
    @discardableResult
    static func deleteTraceRows(_ traceIds: [String], _ connection: any SQLConnection) throws -> Int {
        var deleted = 0
        for start in stride(from: 0, to: traceIds.count, by: SQLEntityLoader.chunkSize) {
            let keys = SQLKeyList(Array(traceIds[start..<min(start + SQLEntityLoader.chunkSize, traceIds.count)]),
                                  dialect: connection.dialect)
            try connection.execute(
                "DELETE FROM entity_associations WHERE source_type = ? AND \(keys.contains("source_id"))",
                [.text(Self.traceSource)] + keys.bindings)
            // Children first: the cascade is declared, but not every engine's connection enforces it.
            for table in ["assessments", "spans", "trace_tags", "trace_request_metadata", "trace_info"] {
                let column = table == "assessments" || table == "spans" ? "trace_id" : "request_id"
                let rows = try connection.execute("DELETE FROM \(table) WHERE \(keys.contains(column))", keys.bindings)
                if table == "trace_info" { deleted += rows }
            }
        }
        return deleted
    }

    /// Where the trace's artifacts are: derived from its experiment's artifact location, never read
    /// from the trace's tag, so no tag can point a read elsewhere.
    public func traceArtifactLocation(traceId: String) throws -> String {
        try database.read { connection in
            guard let experiment = try Self.traceExperiment(connection, traceId) else { throw Self.traceNotFound(traceId) }
            let location = try connection.queryFirst(
                "SELECT artifact_location FROM experiments WHERE experiment_id = ?", [.integer(experiment)]) { $0.string(0) }
            guard let location else { throw Self.experimentNotFound(experiment) }
            return ArtifactURI.appending(location, TraceKeys.traceFolder, traceId, "artifacts")
        }
    }

    public func experimentId(ofTrace traceId: String) throws -> String? {
        try database.read { connection in try Self.traceExperiment(connection, traceId).map(String.init) }
    }

    // MARK: Helpers

    static func traceExperiment(_ connection: any SQLConnection, _ traceId: String) throws -> Int64? {
        try connection.queryFirst("SELECT experiment_id FROM trace_info WHERE request_id = ?", [.text(traceId)]) {
            $0.int64(0)
        }
    }

    static func requireTrace(_ connection: any SQLConnection, _ traceId: String) throws {
        guard try traceExperiment(connection, traceId) != nil else { throw traceNotFound(traceId) }
    }

    /// A trace id already used in another experiment: the caller's rights were checked on the
    /// experiment the request names, so nothing may be written to the trace of another.
    static func traceInOtherExperiment(_ traceId: String, _ experimentKey: Int64) -> MLflowError {
        .invalidParameter("Trace with ID '\(traceId)' belongs to another experiment than \(experimentKey).")
    }

    static func traceNotFound(_ traceId: String) -> MLflowError {
        .notFound("Trace with ID '\(traceId)' not found.")
    }

    static func loadTrace(_ connection: any SQLConnection, _ traceId: String) throws -> TraceInfo {
        guard let info = try SQLTraceLoader.traces([traceId], connection).first else { throw traceNotFound(traceId) }
        return info
    }
}
