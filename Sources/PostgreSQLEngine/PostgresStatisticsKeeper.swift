public import Lifecycle
public import SQL

/// Keeps PostgreSQL's planner statistics fresh after bursts of writes.
///
/// PostgreSQL plans each query from the statistics ANALYZE gathered; autovacuum gathers them at most
/// once a minute (`autovacuum_naptime`), and a table never analyzed is taken for a handful of rows.
/// Right after a burst of writes to a new database (a deployment, an import, a first busy
/// experiment) runs/search then joined each metric row to runs through the experiment index instead
/// of the primary key: 302 ms for a 2,000-run experiment, 2 ms once analyzed (EXPLAIN ANALYZE on a
/// freshly filled database, docs/BENCHMARKS.md). The keeper reads the activity counters every few
/// seconds and analyzes a table as soon as its changes since the last analysis pass autovacuum's own
/// rule (50 rows + 10% of the table), so plans follow the data within seconds, not a minute.
public enum PostgresStatisticsKeeper {
    /// A table's counters from `pg_stat_user_tables`.
    public struct TableActivity: Sendable, Equatable {
        public var name: String
        public var changesSinceAnalyze: Int64
        public var liveRows: Int64

        public init(name: String, changesSinceAnalyze: Int64, liveRows: Int64) {
            self.name = name
            self.changesSinceAnalyze = changesSinceAnalyze
            self.liveRows = liveRows
        }
    }

    /// The tables whose statistics are stale by autovacuum's analyze rule.
    public static func stale(_ tables: [TableActivity], baseChanges: Int64 = 50, fraction: Double = 0.1) -> [String] {
        tables.filter { table in
            Double(table.changesSinceAnalyze) > Double(baseChanges) + fraction * Double(max(0, table.liveRows))
        }.map(\.name)
    }

    /// Analyzes the stale tables of the connection's schema now; returns their names.
    @discardableResult
    public static func refresh(_ database: any SQLDatabase) throws -> [String] {
        try database.withConnection { connection in
            let activity = try connection.query(
                "SELECT relname, n_mod_since_analyze, n_live_tup FROM pg_stat_user_tables WHERE schemaname = current_schema()"
            ) { row in
                TableActivity(name: row.string(0), changesSinceAnalyze: row.int64(1), liveRows: row.int64(2))
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
    public static func service(_ database: any SQLDatabase, interval: Double = 2,
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
