public import Lifecycle
public import SQL

/// Keeps PostgreSQL's planner statistics fresh after bursts of writes.
///
/// PostgreSQL plans each query from the statistics ANALYZE gathered; autovacuum gathers them at most
/// once a minute (`autovacuum_naptime`), and a table never analyzed is taken for a handful of rows.
/// Right after a burst of writes to a new database (a deployment, an import, a first busy
/// experiment) runs/search then joined each metric row to runs through the experiment index instead
/// of the primary key: 302 ms for a 2,000-run experiment, 2 ms once analyzed (EXPLAIN ANALYZE on a
/// freshly filled database, docs/BENCHMARKS.md). The keeper reads the activity counters every
/// second and analyzes a table as soon as its changes since the last analysis pass autovacuum's own
/// rule (50 rows + 10% of the table), or as soon as a never-analyzed table has rows, so plans follow
/// the data within a second or two, not a minute. Measured with bench/run.py's search right after
/// its 2,000-run pre-fill on PostgreSQL: with a 2 s keeper reading only the counters, the first
/// searches still met the unanalyzed plan (238 ms each; the scenario's p99 2.3 s).
public enum PostgresStatisticsKeeper {
    /// A table's counters from `pg_stat_user_tables`.
    public struct TableActivity: Sendable, Equatable {
        public var name: String
        public var changesSinceAnalyze: Int64
        public var liveRows: Int64
        /// Never analyzed (nor vacuumed), yet its file already holds pages: read from the catalog
        /// and the file's size, which do not wait for backends to publish their counters.
        public var neverAnalyzedButFilled: Bool

        public init(name: String, changesSinceAnalyze: Int64, liveRows: Int64, neverAnalyzedButFilled: Bool = false) {
            self.name = name
            self.changesSinceAnalyze = changesSinceAnalyze
            self.liveRows = liveRows
            self.neverAnalyzedButFilled = neverAnalyzedButFilled
        }
    }

    /// The tables whose statistics are stale: never analyzed though filled, or changed by
    /// autovacuum's analyze rule.
    public static func stale(_ tables: [TableActivity], baseChanges: Int64 = 50, fraction: Double = 0.1) -> [String] {
        tables.filter { table in
            table.neverAnalyzedButFilled
                || Double(table.changesSinceAnalyze) > Double(baseChanges) + fraction * Double(max(0, table.liveRows))
        }.map(\.name)
    }

    /// Analyzes the stale tables of the connection's schema now; returns their names.
    @discardableResult
    public static func refresh(_ database: any SQLDatabase) throws -> [String] {
        try database.withConnection { connection in
            // The activity counters lag: a backend publishes them at most once a second while busy
            // and up to 10 s after it went idle. A never-analyzed table's file size does not.
            let activity = try connection.query(
                """
                SELECT s.relname, s.n_mod_since_analyze, s.n_live_tup,
                       CASE WHEN c.reltuples < 0 AND pg_relation_size(c.oid) > 0 THEN 1 ELSE 0 END
                FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
                WHERE s.schemaname = current_schema()
                """
            ) { row in
                TableActivity(name: row.string(0), changesSinceAnalyze: row.int64(1), liveRows: row.int64(2),
                              neverAnalyzedButFilled: row.int64(3) != 0)
            }
            let tables = stale(activity)
            for table in tables {
                try connection.executeScript("ANALYZE " + quoted(table))
            }
            return tables
        }
    }

    /// Analyzes every table of the connection's schema (after a bulk load such as `swiftrack import`,
    /// whose counters the server may not have seen yet).
    public static func analyzeAll(_ database: any SQLDatabase) throws {
        try database.withConnection { try $0.executeScript("ANALYZE") }
    }

    /// The keeper as a service of the server: `refresh` every `interval` seconds, failures logged.
    public static func service(_ database: any SQLDatabase, interval: Double = 1,
                               log: @escaping @Sendable (String) -> Void) -> PeriodicService {
        PeriodicService("pg-statistics", interval: interval) {
            do {
                try refresh(database)
            } catch {
                log("refreshing PostgreSQL's planner statistics failed: \(error)")
            }
        }
    }

    /// A catalog name as a quoted identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
