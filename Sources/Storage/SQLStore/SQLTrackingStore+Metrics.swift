import SQL
public import TrackingCore

extension SQLTrackingStore {
    /// Every observation of a metric in MLflow's order (timestamp, step, value), paged by offset.
    /// Like MLflow, an unknown run simply has no history (no 404).
    public func getMetricHistory(runId: String, key: String, maxResults: Int?, pageToken: String?) throws -> Page<Metric> {
        let offset = try PageToken.decode(pageToken)
        // No max_results: every row (Int64.max is "no limit" on every engine; SQLite's -1 is not).
        let limit = maxResults.map { $0 < Int.max ? $0 + 1 : $0 } ?? Int.max
        let metrics = try database.read { connection in
            try connection.query(
                """
                SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ?
                ORDER BY timestamp, step, value LIMIT ? OFFSET ?
                """,
                [.text(runId), .text(key), .integer(Int64(limit)), .integer(Int64(offset))]) {
                    SQLEntityLoader.metricFromRow($0, keyColumn: 0)
                }
        }
        guard let maxResults, metrics.count > maxResults else { return Page(items: metrics, nextPageToken: nil) }
        return Page(items: Array(metrics.prefix(maxResults)),
                    nextPageToken: PageToken.encode(offset: offset + maxResults))
    }

    /// MLflow 3.17's sampling: per run, the rows in [startStep, endStep] ordered by
    /// (step, timestamp, value, is_nan) are cut into `maxResults` NTILE buckets and the first row of
    /// each is kept; the last row is always included (replacing the last sample when full).
    public func getMetricHistoryBulkInterval(runIds: [String], key: String, startStep: Int64?, endStep: Int64?,
                                             maxResults: Int) throws -> [Metric] {
        if (startStep == nil) != (endStep == nil) {
            throw MLflowError.invalidParameter(
                "Both start_step and end_step must be specified together, or neither may be specified.")
        }
        let buckets = Int64(max(1, maxResults))
        let range: [SQLValue] = [.integer(startStep ?? .min), .integer(endStep ?? .max)]
        return try database.read { connection in
            var result: [Metric] = []
            for runId in runIds {
                let filter: [SQLValue] = [.text(runId), .text(key)] + range
                var rows = try connection.query(
                    """
                    WITH bucketed AS (
                        SELECT key, value, timestamp, step, is_nan,
                               NTILE(CAST(? AS INTEGER)) OVER (ORDER BY step, timestamp, value, is_nan) AS bucket
                        FROM metrics WHERE run_uuid = ? AND key = ? AND step BETWEEN ? AND ?
                    ), ranked AS (
                        SELECT key, value, timestamp, step, is_nan,
                               ROW_NUMBER() OVER (PARTITION BY bucket ORDER BY step, timestamp, value, is_nan) AS rn
                        FROM bucketed
                    )
                    SELECT key, value, timestamp, step, is_nan FROM ranked WHERE rn = 1
                    ORDER BY step, timestamp, value, is_nan
                    """, [.integer(buckets)] + filter) { SQLEntityLoader.metricFromRow($0, keyColumn: 0) }
                let last = try connection.queryFirst(
                    """
                    SELECT key, value, timestamp, step, is_nan FROM metrics
                    WHERE run_uuid = ? AND key = ? AND step BETWEEN ? AND ?
                    ORDER BY step DESC, timestamp DESC, value DESC, is_nan DESC LIMIT 1
                    """, filter) { SQLEntityLoader.metricFromRow($0, keyColumn: 0) }
                if let last, rows.last.map({ !Self.sameObservation($0, last) }) ?? true {
                    if rows.count >= Int(buckets) { rows[rows.count - 1] = last } else { rows.append(last) }
                }
                for var metric in rows {
                    metric.runId = runId
                    result.append(metric)
                }
            }
            return result
        }
    }

    /// Equal step, timestamp and value, with NaN equal to NaN.
    private static func sameObservation(_ a: Metric, _ b: Metric) -> Bool {
        a.step == b.step && a.timestamp == b.timestamp
            && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }
}
