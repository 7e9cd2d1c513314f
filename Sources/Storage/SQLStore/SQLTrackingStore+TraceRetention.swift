public import SQL
public import TrackingCore

/// `TraceRetentionStore` on the tracking database: the server's retention service reaches it through
/// `SQLTrackingStore.traceRetention`, `swiftrack gc` opens it on the database it collects (without
/// the tracking store's start-up work).
public struct SQLTraceRetentionStore: TraceRetentionStore {
    let database: any SQLDatabase

    /// `database` must be at the current schema.
    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func traceRetentionTags() throws -> [String: String] {
        try database.read { connection in
            var tags: [String: String] = [:]
            for (experiment, value) in try connection.query(
                """
                SELECT g.experiment_id, g.value FROM experiment_tags AS g
                JOIN experiments AS e ON e.experiment_id = g.experiment_id
                WHERE g.key = ? AND e.lifecycle_stage = 'active'
                """, [.text(TraceRetention.tag)], { (String($0.int64(0)), $0.optionalString(1) ?? "") }) {
                tags[experiment] = value
            }
            return tags
        }
    }

    public func purgeTraces(_ scope: TraceRetention.Pass.Scope, receivedBefore cutoffMillis: Int64,
                            limit: Int) throws -> PurgedTraces {
        guard limit > 0 else { return PurgedTraces(traces: [], deleted: 0) }
        let selection: SQLFragment
        switch scope {
        case .experiment(let experimentId):
            // Oldest first along (experiment_id, received_ms); any lifecycle stage (gc's deleted ones).
            selection = SQLFragment("t.experiment_id = ? AND t.received_ms < ?",
                                    [.integer(try SQLTrackingStore.experimentKey(experimentId)), .integer(cutoffMillis)])
        case .untaggedExperiments:
            // Oldest first along (received_ms, request_id), across the active experiments that
            // did not set their own retention.
            selection = SQLFragment(
                """
                t.received_ms < ? AND e.lifecycle_stage = 'active' AND NOT EXISTS (
                    SELECT 1 FROM experiment_tags AS g WHERE g.experiment_id = t.experiment_id AND g.key = ?)
                """, [.integer(cutoffMillis), .text(TraceRetention.tag)])
        }
        return try database.write { connection in
            let doomed = try connection.query(
                """
                SELECT t.request_id, t.experiment_id, e.artifact_location FROM trace_info AS t
                JOIN experiments AS e ON e.experiment_id = t.experiment_id
                WHERE \(selection.sql) ORDER BY t.received_ms, t.request_id LIMIT ?
                """, selection.bindings + [.integer(Int64(limit))]) { row in
                    PurgedTrace(traceId: row.string(0), experimentId: String(row.int64(1)),
                                artifactFolder: ArtifactURI.appending(row.optionalString(2) ?? "", TraceKeys.traceFolder,
                                                                      row.string(0)))
                }
            return PurgedTraces(traces: doomed, deleted: try SQLTrackingStore.deleteTraceRows(doomed.map(\.traceId), connection))
        }
    }
}

extension SQLTrackingStore {
    /// Trace retention on this store's database.
    public var traceRetention: SQLTraceRetentionStore { SQLTraceRetentionStore(database: database) }
}
