import SQL

/// Migration 14, on every engine: MLflow 3's registered scorers (`scorers`, `scorer_versions`) and
/// their online-scoring configuration (`online_scoring_configs`), MLflow's table and column names.
/// A scorer is a name in an experiment; its versions and configuration go with it, and it goes
/// with its experiment (ON DELETE CASCADE: `swiftrack gc` removing a deleted experiment removes
/// them). The serialized scorer may be long (a judge's instructions), so `longTextType`. Unlike
/// MLflow, a scorer has at most one configuration by a unique key rather than by the writer's
/// delete-then-insert, and `scorer_versions` has no separate index on `scorer_id`: its primary
/// key begins with it.
enum Schema014 {
    static func statements(for dialect: SQLDialect) -> [String] {
        let table = dialect.tableOptions
        return [
            """
            CREATE TABLE scorers (
                experiment_id BIGINT NOT NULL,
                scorer_name VARCHAR(256) NOT NULL,
                scorer_id VARCHAR(36) NOT NULL,
                CONSTRAINT scorer_pk PRIMARY KEY (scorer_id),
                CONSTRAINT fk_scorers_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
                    ON DELETE CASCADE
            )\(table)
            """,
            "CREATE UNIQUE INDEX index_scorers_experiment_id_scorer_name ON scorers (experiment_id, scorer_name)",
            """
            CREATE TABLE scorer_versions (
                scorer_id VARCHAR(36) NOT NULL,
                scorer_version INTEGER NOT NULL,
                serialized_scorer \(dialect.longTextType) NOT NULL,
                creation_time BIGINT,
                CONSTRAINT scorer_version_pk PRIMARY KEY (scorer_id, scorer_version),
                CONSTRAINT fk_scorer_versions_scorer FOREIGN KEY (scorer_id) REFERENCES scorers (scorer_id)
                    ON DELETE CASCADE
            )\(table)
            """,
            """
            CREATE TABLE online_scoring_configs (
                online_scoring_config_id VARCHAR(36) NOT NULL,
                scorer_id VARCHAR(36) NOT NULL,
                sample_rate DOUBLE PRECISION NOT NULL,
                experiment_id BIGINT NOT NULL,
                filter_string TEXT,
                CONSTRAINT online_scoring_config_pk PRIMARY KEY (online_scoring_config_id),
                CONSTRAINT unique_online_scoring_config_scorer UNIQUE (scorer_id),
                CONSTRAINT fk_online_scoring_configs_scorer FOREIGN KEY (scorer_id) REFERENCES scorers (scorer_id)
                    ON DELETE CASCADE,
                CONSTRAINT fk_online_scoring_configs_experiment FOREIGN KEY (experiment_id)
                    REFERENCES experiments (experiment_id) ON DELETE CASCADE
            )\(table)
            """,
        ]
    }
}
