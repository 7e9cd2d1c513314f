import SQL

/// Migration 16, on every engine: `trace_info.received_ms`, when the server first stored the trace
/// (epoch milliseconds), set by the server and never changed. Trace retention deletes by it: a
/// trace's `timestamp_ms` comes from its client and moves with later spans and `start_trace`, so a
/// caller with EDIT could date someone else's trace back into the retention window and have it
/// deleted, which takes DELETE (break-in review of issue 24). Traces stored before take their start.
enum Schema016 {
    static func statements(for dialect: SQLDialect) -> [String] {
        [
            "ALTER TABLE trace_info ADD COLUMN received_ms BIGINT",
            "UPDATE trace_info SET received_ms = timestamp_ms",
            "CREATE INDEX index_trace_info_received_ms ON trace_info (received_ms, request_id)",
            "CREATE INDEX index_trace_info_experiment_id_received_ms ON trace_info (experiment_id, received_ms)",
        ]
    }
}
