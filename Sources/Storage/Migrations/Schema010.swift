import SQL

/// Migration 10, on every engine: MLflow 3's `assessments` of traces (feedback and expectations),
/// MLflow's table and column names. The value, a feedback's error and the metadata are JSON text,
/// as MLflow keeps them; an assessment goes with its trace (ON DELETE CASCADE).
enum Schema010 {
    static func statements(for dialect: SQLDialect) -> [String] {
        [
            """
            CREATE TABLE assessments (
                assessment_id VARCHAR(50) NOT NULL,
                trace_id VARCHAR(50) NOT NULL,
                name VARCHAR(250) NOT NULL,
                assessment_type VARCHAR(20) NOT NULL,
                value TEXT NOT NULL,
                error TEXT,
                created_timestamp BIGINT NOT NULL,
                last_updated_timestamp BIGINT NOT NULL,
                source_type VARCHAR(50) NOT NULL,
                source_id VARCHAR(250),
                run_id VARCHAR(32),
                span_id VARCHAR(50),
                rationale TEXT,
                overrides VARCHAR(50),
                valid SMALLINT NOT NULL DEFAULT 1,
                assessment_metadata TEXT,
                CONSTRAINT assessments_pk PRIMARY KEY (assessment_id),
                CONSTRAINT fk_assessments_trace FOREIGN KEY (trace_id) REFERENCES trace_info (request_id)
                    ON DELETE CASCADE
            )\(dialect.tableOptions)
            """,
            "CREATE INDEX index_assessments_trace_id_created_timestamp ON assessments (trace_id, created_timestamp)",
        ]
    }
}
