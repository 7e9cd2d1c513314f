import SQL

/// Migration 11, on every engine: MLflow 3's `spans` of traces (MLflow's table and column names),
/// for spans that arrive through OTLP (`POST /v1/traces`) instead of as a `traces.json` artifact.
/// A span goes with its trace (ON DELETE CASCADE); `content` is the whole span as JSON, which may
/// be megabytes (`longTextType`). The experiment is kept on the span, as MLflow does, for
/// per-experiment span queries.
enum Schema011 {
    static func statements(for dialect: SQLDialect) -> [String] {
        [
            """
            CREATE TABLE spans (
                trace_id VARCHAR(50) NOT NULL,
                experiment_id BIGINT NOT NULL,
                span_id VARCHAR(50) NOT NULL,
                parent_span_id VARCHAR(50),
                name TEXT,
                type VARCHAR(500),
                status VARCHAR(50) NOT NULL,
                start_time_unix_nano BIGINT NOT NULL,
                end_time_unix_nano BIGINT,
                content \(dialect.longTextType) NOT NULL,
                CONSTRAINT spans_pk PRIMARY KEY (trace_id, span_id),
                CONSTRAINT fk_spans_trace FOREIGN KEY (trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
            )\(dialect.tableOptions)
            """,
            "CREATE INDEX index_spans_experiment_id ON spans (experiment_id)",
        ]
    }
}
