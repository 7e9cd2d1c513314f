import SQL
import TrackingCore

/// Every write that sets a trace tag goes through here: a tag row carries copies of its trace's
/// `experiment_id` and `timestamp_ms` (migration 18), which the common trace search reads instead
/// of `trace_info`. The copies are kept in the store rather than by triggers: SQLite's triggers
/// cannot fill a NOT NULL column of the row being inserted, and each engine would need its own.
///
/// Callers pass the trace's values as they stand in their transaction with the trace's row
/// locked (or made by that transaction), so no concurrent write can move the trace's time between
/// the read and the tag write: every writer of `trace_info.timestamp_ms` takes the same lock and
/// moves the copies with it (`moveTraceTagTimes`).
extension SQLTrackingStore {
    /// The trace's experiment and time, its row locked until the transaction ends; nil when absent.
    static func lockTraceForTags(_ connection: any SQLConnection, _ traceId: String) throws -> TraceTagCopies? {
        try connection.queryFirst(
            "SELECT experiment_id, timestamp_ms FROM trace_info WHERE request_id = ?" + connection.forUpdate,
            [.text(traceId)]) { TraceTagCopies(experimentKey: $0.int64(0), timestampMillis: $0.int64(1)) }
    }

    /// Sets the tags (each key once), replacing a value a key has.
    static func upsertTraceTags(_ connection: any SQLConnection, _ traceId: String, _ copies: TraceTagCopies,
                                _ tags: [(String, String)]) throws {
        guard !tags.isEmpty else { return }
        try connection.execute(
            connection.dialect.upsert(into: "trace_tags", columns: columns, conflict: ["request_id", "key"],
                                      update: ["value", "experiment_id", "timestamp_ms"], rows: tags.count),
            tags.flatMap { copies.row(traceId, $0.0, $0.1) })
    }

    /// Sets the tag unless the trace has that key already.
    static func insertTraceTagUnlessPresent(_ connection: any SQLConnection, _ traceId: String, _ copies: TraceTagCopies,
                                            key: String, value: String) throws {
        try connection.execute(
            connection.dialect.insertUnlessPresent(into: "trace_tags", columns: columns, conflict: ["request_id", "key"]),
            copies.row(traceId, key, value))
    }

    /// The trace's time moved (in this transaction, its row locked): its tags' copies follow.
    static func moveTraceTagTimes(_ connection: any SQLConnection, _ traceId: String, to timestampMillis: Int64) throws {
        try connection.execute("UPDATE trace_tags SET timestamp_ms = ? WHERE request_id = ?",
                               [.integer(timestampMillis), .text(traceId)])
    }

    private static let columns = ["request_id", "key", "value", "experiment_id", "timestamp_ms"]
}

/// What a trace's tag rows copy from its `trace_info` row.
struct TraceTagCopies {
    var experimentKey: Int64
    var timestampMillis: Int64

    func row(_ traceId: String, _ key: String, _ value: String) -> [SQLValue] {
        [.text(traceId), .text(key), .text(value), .integer(experimentKey), .integer(timestampMillis)]
    }
}
