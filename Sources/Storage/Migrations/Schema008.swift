import SQL

/// Migration 8, SQLite only: `metrics`, `latest_metrics` and `params` become WITHOUT ROWID tables,
/// stored in their primary key's order. As rowid tables each kept its rows twice over, in the
/// table and again in the primary key's automatic index (for `metrics`, whose key is every
/// column, byte for byte): a write updated both, and every read by key went from the index to
/// the table. Measured on the bench's 2,000-run experiment (bench/run.py's search): loading a
/// page of 100 runs' params took 287 µs, now 171; their latest metrics 200, now 168; the search's
/// id query 372, now 325. `tags` stays a rowid table: its values (notes, the log-model history)
/// can be kilobytes, which a WITHOUT ROWID table's index-like pages hold badly.
///
/// The rows are copied as they are (foreign keys stay on: a Swiftrack database has no orphan
/// rows, and one that had would fail this migration and keep its old tables). The copy of a
/// large `metrics` table takes its time once, at the first start of this version.
/// PostgreSQL and MySQL (InnoDB) already cluster every table by its primary key: nothing to do.
enum Schema008 {
    static let sqlite: [String] =
        rebuild("metrics", columns: """
            run_uuid VARCHAR(32) NOT NULL REFERENCES runs(run_uuid),
            key VARCHAR(250) NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            timestamp BIGINT NOT NULL,
            step BIGINT NOT NULL DEFAULT 0,
            is_nan SMALLINT NOT NULL DEFAULT 0,
            PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)
            """, copying: "run_uuid, key, value, timestamp, step, is_nan")
        + rebuild("latest_metrics", columns: """
            run_uuid VARCHAR(32) NOT NULL REFERENCES runs(run_uuid),
            key VARCHAR(250) NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            timestamp BIGINT NOT NULL,
            step BIGINT NOT NULL,
            is_nan SMALLINT NOT NULL DEFAULT 0,
            PRIMARY KEY (run_uuid, key)
            """, copying: "run_uuid, key, value, timestamp, step, is_nan")
        + ["CREATE INDEX index_latest_metrics_key_value ON latest_metrics (key, value)"]
        + rebuild("params", columns: """
            run_uuid VARCHAR(32) NOT NULL REFERENCES runs(run_uuid),
            key VARCHAR(250) NOT NULL,
            value VARCHAR(8000) NOT NULL,
            PRIMARY KEY (run_uuid, key)
            """, copying: "run_uuid, key, value")
        + ["CREATE INDEX index_params_key_value ON params (key, value)"]

    /// Creates `<table>_rebuilt` WITHOUT ROWID, copies the rows, drops the old table (and with it
    /// its indexes) and gives the new one the old name.
    private static func rebuild(_ table: String, columns: String, copying list: String) -> [String] {
        [
            "CREATE TABLE \(table)_rebuilt (\n\(columns)\n) WITHOUT ROWID",
            "INSERT INTO \(table)_rebuilt (\(list)) SELECT \(list) FROM \(table)",
            "DROP TABLE \(table)",
            "ALTER TABLE \(table)_rebuilt RENAME TO \(table)",
        ]
    }
}
