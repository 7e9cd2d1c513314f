import SQL
public import TrackingCore

extension SQLTrackingStore {
    /// MLflow's `log_spans`: each trace's spans upserted by id, the trace created from them when new
    /// (in `experimentId`, its time range from the spans, IN_PROGRESS until its root span arrives),
    /// otherwise its range widened (until `start_trace` has finalized it) and its state, previews,
    /// tags and user taken from the spans where it has none. One transaction for the whole request.
    /// A trace that belongs to another experiment is refused: the caller's rights were checked on
    /// the experiment the request names, so its spans may not land in another.
    public func logSpans(experimentId: String, _ batches: [TraceSpanBatch]) throws {
        let experimentKey = try Self.experimentKey(experimentId)
        let checked = try batches.map { batch in try Validation.validatedSpanBatch(batch) }
        try database.write { connection in
            let location = try Self.activeExperimentArtifactLocation(connection, experimentKey)
            let now = currentTimeMillis()
            // Sorted, so two requests touching the same traces lock their rows in one order.
            for batch in checked.sorted(by: { $0.traceId < $1.traceId }) {
                try Self.logSpans(batch, experimentKey: experimentKey, location: location, receivedMillis: now, connection)
            }
        }
    }

    /// The stored spans of each trace, in start order; a trace with none stored is left out.
    public func spans(ofTraces traceIds: [String]) throws -> [String: [TraceSpan]] {
        try database.read { connection in
            var found: [String: [TraceSpan]] = [:]
            for start in stride(from: 0, to: traceIds.count, by: SQLEntityLoader.chunkSize) {
                let keys = SQLKeyList(Array(traceIds[start..<min(start + SQLEntityLoader.chunkSize, traceIds.count)]),
                                      dialect: connection.dialect)
                for span in try connection.query(
                    """
                    SELECT trace_id, span_id, parent_span_id, name, type, status, start_time_unix_nano,
                           end_time_unix_nano, content
                    FROM spans WHERE \(keys.contains("trace_id")) ORDER BY trace_id, start_time_unix_nano, span_id
                    """, keys.bindings, { row in
                        TraceSpan(traceId: row.string(0), spanId: row.string(1), parentSpanId: row.optionalString(2),
                                  name: row.optionalString(3) ?? "", spanType: row.optionalString(4), status: row.string(5),
                                  startTimeUnixNano: row.int64(6), endTimeUnixNano: row.optionalInt64(7),
                                  content: row.string(8))
                    }) {
                    found[span.traceId, default: []].append(span)
                }
            }
            return found
        }
    }

    // MARK: One trace

    private static func logSpans(_ batch: TraceSpanBatch, experimentKey: Int64, location: String,
                                 receivedMillis: Int64, _ connection: any SQLConnection) throws {
        let traceId = batch.traceId
        // Created unless present (a concurrent request may be creating it: the insert then waits for
        // it). A trace this statement made holds exactly these spans' range, state and previews and
        // no tags yet: nothing to widen or keep, so its artifact location goes out with the other
        // tags (two round trips fewer, most of an export on PostgreSQL). One already there is read
        // locked and widened, and keeps an artifact location it has.
        let inserted = try connection.execute(
            connection.dialect.insertUnlessPresent(
                into: "trace_info", columns: ["request_id", "experiment_id", "timestamp_ms", "execution_time_ms", "status",
                                              "request_preview", "response_preview", "received_ms"],
                conflict: ["request_id"]),
            [.text(traceId), .integer(experimentKey), .integer(batch.startMillis),
             batch.endMillis.map { .integer($0 - batch.startMillis) } ?? .null,
             .text((batch.root?.state ?? .inProgress).rawValue),
             batch.root?.requestPreview.map(SQLValue.text) ?? .null,
             batch.root?.responsePreview.map(SQLValue.text) ?? .null, .integer(receivedMillis)])
        let isNew = inserted == 1 && connection.dialect.countsOnlyInsertedRows
        let artifactLocation = Tag(key: TraceKeys.artifactLocation,
                                   value: ArtifactURI.appending(location, TraceKeys.traceFolder, traceId, "artifacts"))
        var copies = TraceTagCopies(experimentKey: experimentKey, timestampMillis: batch.startMillis)
        if !isNew {
            copies.timestampMillis = try widenTrace(batch, experimentKey: experimentKey, connection)
            try insertTraceTagUnlessPresent(connection, traceId, copies, key: artifactLocation.key,
                                            value: artifactLocation.value)
        }
        // Many rows per statement: one round trip per 100 spans, not per span (on PostgreSQL the
        // round trips were most of an export's time).
        for start in stride(from: 0, to: batch.spans.count, by: spansPerStatement) {
            let chunk = batch.spans[start..<min(start + spansPerStatement, batch.spans.count)]
            var bindings: [SQLValue] = []
            bindings.reserveCapacity(chunk.count * spanColumns.count)
            for span in chunk {
                bindings += [.text(span.traceId), .integer(experimentKey), .text(span.spanId),
                             span.parentSpanId.map(SQLValue.text) ?? .null, .text(span.name),
                             span.spanType.map(SQLValue.text) ?? .null, .text(span.status), .integer(span.startTimeUnixNano),
                             span.endTimeUnixNano.map(SQLValue.integer) ?? .null, .text(span.content)]
            }
            try connection.execute(
                connection.dialect.upsert(into: "spans", columns: spanColumns, conflict: ["trace_id", "span_id"],
                                          update: Array(spanColumns.dropFirst(3)), rows: chunk.count),
                bindings)
        }
        // Resource attributes first, so the client's own trace tags win a shared key (as MLflow);
        // one statement, each key once (a statement may not upsert one row twice).
        let tags = KeyedPairs.lastValues(batch.resourceTags + (batch.root?.tags ?? [])
                              + [Tag(key: TraceKeys.spansLocation, value: TraceKeys.spansInTrackingStore)]
                              + (isNew ? [artifactLocation] : []))
        try upsertTraceTags(connection, traceId, copies, tags)
        if let user = batch.user {
            try connection.execute(
                connection.dialect.insertUnlessPresent(into: "trace_request_metadata", columns: ["request_id", "key", "value"],
                                                       conflict: ["request_id", "key"]),
                [.text(traceId), .text(TraceKeys.user), .text(user)])
        }
    }

    private static let spansPerStatement = 100
    private static let spanColumns = ["trace_id", "experiment_id", "span_id", "parent_span_id", "name", "type", "status",
                                      "start_time_unix_nano", "end_time_unix_nano", "content"]

    /// The trace's row, locked: in the request's experiment; its time range widened to
    /// the spans' unless `start_trace` finalized it (its tags' time copies moved with it); state and
    /// previews filled from the root span. Returns the trace's time as it now stands.
    private static func widenTrace(_ batch: TraceSpanBatch, experimentKey: Int64,
                                   _ connection: any SQLConnection) throws -> Int64 {
        let traceId = batch.traceId
        guard let row = try connection.queryFirst(
            """
            SELECT experiment_id, timestamp_ms, execution_time_ms, status, request_preview, response_preview
            FROM trace_info WHERE request_id = ?
            """ + connection.forUpdate, [.text(traceId)], { row in
                (experiment: row.int64(0), start: row.int64(1), duration: row.optionalInt64(2), state: row.string(3),
                 request: row.optionalString(4), response: row.optionalString(5))
            }) else { throw traceNotFound(traceId) }
        guard row.experiment == experimentKey else { throw traceInOtherExperiment(traceId, experimentKey) }
        var start = row.start
        var duration = row.duration
        let end = [duration.map { row.start + $0 }, batch.endMillis].compactMap { $0 }.max()
        let widened = (start: min(row.start, batch.startMillis), duration: end.map { $0 - min(row.start, batch.startMillis) })
        // The finalized mark is read only when the spans would move the range (never for the trace
        // this request just made from them).
        if widened.start != start || widened.duration != duration {
            let finalized = try connection.queryFirst(
                "SELECT 1 FROM trace_request_metadata WHERE request_id = ? AND key = ?",
                [.text(traceId), .text(TraceKeys.infoFinalized)]) { $0.int64(0) } != nil
            if !finalized { (start, duration) = widened }
        }
        var state = row.state
        if let root = batch.root, state == TraceState.inProgress.rawValue || state == TraceState.unspecified.rawValue {
            state = root.state.rawValue
        }
        let request = row.request ?? batch.root?.requestPreview
        let response = row.response ?? batch.root?.responsePreview
        // An UPDATE that changes nothing still writes a row version (PostgreSQL): skipped.
        guard start != row.start || duration != row.duration || state != row.state || request != row.request
            || response != row.response else { return start }
        try connection.execute(
            """
            UPDATE trace_info SET timestamp_ms = ?, execution_time_ms = ?, status = ?, request_preview = ?,
                                  response_preview = ?
            WHERE request_id = ?
            """,
            [.integer(start), duration.map(SQLValue.integer) ?? .null, .text(state),
             request.map(SQLValue.text) ?? .null, response.map(SQLValue.text) ?? .null, .text(traceId)])
        if start != row.start { try moveTraceTagTimes(connection, traceId, to: start) }
        return start
    }
}
