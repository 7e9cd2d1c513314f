import SQL

/// Migration 2: a global index on run start time, so a search over many experiments can walk
/// runs newest first and stop at the page size instead of sorting every run (measured with
/// bench/scale_sqlite.py on 100k runs: a params+tags filter across 10 experiments went from
/// 0.74 s to 11 ms).
enum Schema002 {
    static let statements: [String] = [
        "CREATE INDEX index_runs_start_time ON runs (start_time DESC, run_uuid)",
    ]
}
