import SQL

/// Migration 18, on every engine: each `trace_tags` row carries copies of its trace's
/// `experiment_id` and `timestamp_ms`, and an index orders one experiment's tag entries of a key
/// and value newest first. The common trace search (one experiment, `tags.k = 'v'`, newest first,
/// 100 a page) then reads about one index entry per trace it returns, where it walked every trace
/// of the experiment newest first and looked up each one's tag (about 1,020 random lookups a page
/// when one trace in ten matches: docs/BENCHMARKS.md, "Trace search over 100,000 traces").
/// The store keeps the copies equal to `trace_info` (`SQLTrackingStore+TraceTagCopies`): a trace
/// never changes experiment, and every write that moves its time moves its tags' copies with it.
///
/// How each engine indexes an 8,000-character value (the equality the search compiles to reads
/// the same expression, `TraceSearchCompiler+TagIndex`):
/// - SQLite: the whole value (an entry has no size limit; the index covers the search).
/// - PostgreSQL: `left(value, 200)`, since a B-tree entry holds at most about 2,700 bytes.
/// - MariaDB/MySQL: a 200-character prefix of the value, as the `tags`/`params` indexes (an InnoDB
///   entry holds at most 3,072 bytes).
///
/// SQLite cannot add a NOT NULL column without a default, so its table is rebuilt (the copy takes
/// its time once, at the first start of this version); a tag whose trace is missing (none should
/// be: the foreign key cascades) is not copied. The others add the columns, fill them and then
/// declare them NOT NULL, so a writer that forgot the copies fails instead of leaving them empty.
enum Schema018 {
    static func statements(for dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            return [
                """
                CREATE TABLE trace_tags_rebuilt (
                    request_id VARCHAR(50) NOT NULL,
                    key VARCHAR(250) NOT NULL,
                    value VARCHAR(8000),
                    experiment_id BIGINT NOT NULL,
                    timestamp_ms BIGINT NOT NULL,
                    CONSTRAINT trace_tag_pk PRIMARY KEY (request_id, key),
                    CONSTRAINT fk_trace_tags_trace FOREIGN KEY (request_id) REFERENCES trace_info (request_id)
                        ON DELETE CASCADE
                )
                """,
                """
                INSERT INTO trace_tags_rebuilt (request_id, key, value, experiment_id, timestamp_ms)
                SELECT g.request_id, g.key, g.value, t.experiment_id, t.timestamp_ms
                FROM trace_tags AS g JOIN trace_info AS t ON t.request_id = g.request_id
                """,
                "DROP TABLE trace_tags",
                "ALTER TABLE trace_tags_rebuilt RENAME TO trace_tags",
                """
                CREATE INDEX index_trace_tags_experiment_key_value ON trace_tags
                    (experiment_id, key, value, timestamp_ms DESC, request_id)
                """,
            ]
        case .postgres:
            return [
                "ALTER TABLE trace_tags ADD COLUMN experiment_id BIGINT",
                "ALTER TABLE trace_tags ADD COLUMN timestamp_ms BIGINT",
                """
                UPDATE trace_tags SET experiment_id = t.experiment_id, timestamp_ms = t.timestamp_ms
                FROM trace_info AS t WHERE t.request_id = trace_tags.request_id
                """,
                "ALTER TABLE trace_tags ALTER COLUMN experiment_id SET NOT NULL",
                "ALTER TABLE trace_tags ALTER COLUMN timestamp_ms SET NOT NULL",
                """
                CREATE INDEX index_trace_tags_experiment_key_value ON trace_tags
                    (experiment_id, key, left(value, 200), timestamp_ms DESC, request_id)
                """,
            ]
        case .mysql:
            return [
                "ALTER TABLE trace_tags ADD COLUMN experiment_id BIGINT",
                "ALTER TABLE trace_tags ADD COLUMN timestamp_ms BIGINT",
                """
                UPDATE trace_tags AS g JOIN trace_info AS t ON t.request_id = g.request_id
                SET g.experiment_id = t.experiment_id, g.timestamp_ms = t.timestamp_ms
                """,
                "ALTER TABLE trace_tags MODIFY experiment_id BIGINT NOT NULL, MODIFY timestamp_ms BIGINT NOT NULL",
                """
                CREATE INDEX index_trace_tags_experiment_key_value ON trace_tags
                    (experiment_id, key, value(200), timestamp_ms DESC, request_id)
                """,
            ]
        }
    }
}
