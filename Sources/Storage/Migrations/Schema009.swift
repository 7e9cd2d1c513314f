import SQL

/// Migration 9, on every engine: MLflow 3's trace records (`trace_info`, `trace_tags`,
/// `trace_request_metadata`, MLflow's table and column names). A trace belongs to an experiment;
/// its tags and request metadata go with it (ON DELETE CASCADE). The spans themselves live, for
/// now, where MLflow 3.0-3.3 servers kept them: a `traces.json` artifact under the trace's
/// `mlflow.artifactLocation` tag, which the client writes and reads through the artifact store.
enum Schema009 {
    static func statements(for dialect: SQLDialect) -> [String] {
        let table = dialect.tableOptions
        return [
            """
            CREATE TABLE trace_info (
                request_id VARCHAR(50) NOT NULL,
                experiment_id BIGINT NOT NULL,
                timestamp_ms BIGINT NOT NULL,
                execution_time_ms BIGINT,
                status VARCHAR(50) NOT NULL,
                client_request_id VARCHAR(50),
                request_preview VARCHAR(1000),
                response_preview VARCHAR(1000),
                CONSTRAINT trace_info_pk PRIMARY KEY (request_id),
                CONSTRAINT fk_trace_info_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
                    ON DELETE CASCADE
            )\(table)
            """,
            "CREATE INDEX index_trace_info_experiment_id_timestamp_ms ON trace_info (experiment_id, timestamp_ms)",
            "CREATE INDEX index_trace_info_timestamp_ms_request_id ON trace_info (timestamp_ms, request_id)",
            """
            CREATE TABLE trace_tags (
                request_id VARCHAR(50) NOT NULL,
                key VARCHAR(250) NOT NULL,
                value VARCHAR(8000),
                CONSTRAINT trace_tag_pk PRIMARY KEY (request_id, key),
                CONSTRAINT fk_trace_tags_trace FOREIGN KEY (request_id) REFERENCES trace_info (request_id)
                    ON DELETE CASCADE
            )\(table)
            """,
            """
            CREATE TABLE trace_request_metadata (
                request_id VARCHAR(50) NOT NULL,
                key VARCHAR(250) NOT NULL,
                value VARCHAR(8000),
                CONSTRAINT trace_request_metadata_pk PRIMARY KEY (request_id, key),
                CONSTRAINT fk_trace_request_metadata_trace FOREIGN KEY (request_id) REFERENCES trace_info (request_id)
                    ON DELETE CASCADE
            )\(table)
            """,
        ]
    }
}
