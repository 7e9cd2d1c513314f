import SQL

/// Migration 13, on every engine: MLflow 3's evaluation datasets, with MLflow's table names.
/// `evaluation_datasets` (the schema column is `dataset_schema`: `schema` is a reserved word on
/// MySQL), their tags, and their records, one per distinct inputs (`unique_dataset_input` on the
/// inputs' SHA-256, which upserts look records up by); records are read in (created_time, id)
/// order, which their index serves. Inputs, outputs, expectations, tags and source are JSON text
/// (long text on MySQL: a record may run past 64 KiB). Tags and records go with their dataset
/// (ON DELETE CASCADE). A dataset's experiments are rows of `entity_associations` (migration 12).
enum Schema013 {
    static func statements(for dialect: SQLDialect) -> [String] {
        let json = dialect.longTextType
        return [
            """
            CREATE TABLE evaluation_datasets (
                dataset_id VARCHAR(36) NOT NULL,
                name VARCHAR(255) NOT NULL,
                dataset_schema TEXT,
                profile TEXT,
                digest VARCHAR(64),
                created_time BIGINT NOT NULL,
                last_update_time BIGINT NOT NULL,
                created_by VARCHAR(255),
                last_updated_by VARCHAR(255),
                CONSTRAINT evaluation_datasets_pk PRIMARY KEY (dataset_id)
            )\(dialect.tableOptions)
            """,
            "CREATE INDEX index_evaluation_datasets_name ON evaluation_datasets (name)",
            "CREATE INDEX index_evaluation_datasets_created_time ON evaluation_datasets (created_time)",
            """
            CREATE TABLE evaluation_dataset_tags (
                dataset_id VARCHAR(36) NOT NULL,
                key VARCHAR(255) NOT NULL,
                value VARCHAR(5000),
                CONSTRAINT evaluation_dataset_tags_pk PRIMARY KEY (dataset_id, key),
                CONSTRAINT fk_evaluation_dataset_tags_dataset_id FOREIGN KEY (dataset_id)
                    REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE
            )\(dialect.tableOptions)
            """,
            """
            CREATE TABLE evaluation_dataset_records (
                dataset_record_id VARCHAR(36) NOT NULL,
                dataset_id VARCHAR(36) NOT NULL,
                inputs \(json) NOT NULL,
                outputs \(json),
                expectations \(json),
                tags \(json),
                source \(json),
                source_id VARCHAR(255),
                source_type VARCHAR(255),
                created_time BIGINT NOT NULL,
                last_update_time BIGINT NOT NULL,
                created_by VARCHAR(255),
                last_updated_by VARCHAR(255),
                input_hash VARCHAR(64) NOT NULL,
                CONSTRAINT evaluation_dataset_records_pk PRIMARY KEY (dataset_record_id),
                CONSTRAINT unique_dataset_input UNIQUE (dataset_id, input_hash),
                CONSTRAINT fk_evaluation_dataset_records_dataset_id FOREIGN KEY (dataset_id)
                    REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE
            )\(dialect.tableOptions)
            """,
            """
            CREATE INDEX index_evaluation_dataset_records_page
                ON evaluation_dataset_records (dataset_id, created_time, dataset_record_id)
            """,
        ]
    }
}
