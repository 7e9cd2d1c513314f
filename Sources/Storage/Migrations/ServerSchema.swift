import SQL

/// The version-5 schema for the client-server engines (PostgreSQL, MySQL/MariaDB): SQLite's
/// migrations 1–5 folded into one step, in the SQL both accept, with the few differences named:
///
/// - generated keys: identity columns in PostgreSQL, AUTO_INCREMENT in MySQL; experiment ids are
///   64-bit (MLflow's file store makes 18-digit ones, which `swiftrack import` keeps);
/// - foreign keys as table constraints (MySQL ignores column-level REFERENCES);
/// - MySQL tables are InnoDB in utf8mb4 with a binary collation, so names compare
///   case-sensitively as in SQLite and PostgreSQL;
/// - `params`/`tags` values up to 8000 characters cannot sit whole in a B-tree entry:
///   PostgreSQL indexes the key alone, MySQL the key and a 200-character value prefix;
/// - tables read back in insertion order (inputs, input tags, logged model tags, params and
///   metrics) get an explicit generated `rowid` column: SQLite has one implicitly, and the
///   loaders `ORDER BY rowid` on every engine.
enum ServerSchema {
    static func statements(for dialect: SQLDialect) -> [String] {
        let table = dialect.tableOptions
        // Never nil here: this schema is PostgreSQL's and MySQL's (SQLite's own rowid is implicit).
        let rowid = dialect.insertionOrderColumn.map { "\($0)," } ?? ""
        let keyValueIndex = { (name: String, tableName: String) in
            dialect == .mysql ? "CREATE INDEX \(name) ON \(tableName) (key, value(200))"
                              : "CREATE INDEX \(name) ON \(tableName) (key)"
        }
        return [
            """
            CREATE TABLE experiments (
                \(dialect.generatedKeyColumn("experiment_id")),
                name VARCHAR(256) NOT NULL,
                artifact_location VARCHAR(256),
                lifecycle_stage VARCHAR(32) NOT NULL DEFAULT 'active',
                creation_time BIGINT,
                last_update_time BIGINT,
                CONSTRAINT experiments_name_unique UNIQUE (name)
            )\(table)
            """,
            """
            CREATE TABLE experiment_tags (
                experiment_id BIGINT NOT NULL,
                key VARCHAR(250) NOT NULL,
                value VARCHAR(5000),
                PRIMARY KEY (experiment_id, key),
                FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id)
            )\(table)
            """,
            """
            CREATE TABLE runs (
                run_uuid VARCHAR(32) NOT NULL PRIMARY KEY,
                name VARCHAR(250),
                experiment_id BIGINT NOT NULL,
                user_id VARCHAR(256),
                status VARCHAR(9) NOT NULL,
                start_time BIGINT,
                end_time BIGINT,
                deleted_time BIGINT,
                artifact_uri VARCHAR(200),
                lifecycle_stage VARCHAR(20) NOT NULL DEFAULT 'active',
                FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id)
            )\(table)
            """,
            "CREATE INDEX index_runs_experiment_start ON runs (experiment_id, start_time DESC, run_uuid)",
            "CREATE INDEX index_runs_start_time ON runs (start_time DESC, run_uuid)",
            """
            CREATE TABLE params (
                run_uuid VARCHAR(32) NOT NULL,
                key VARCHAR(250) NOT NULL,
                value VARCHAR(8000) NOT NULL,
                PRIMARY KEY (run_uuid, key),
                FOREIGN KEY (run_uuid) REFERENCES runs(run_uuid)
            )\(table)
            """,
            keyValueIndex("index_params_key_value", "params"),
            """
            CREATE TABLE tags (
                run_uuid VARCHAR(32) NOT NULL,
                key VARCHAR(250) NOT NULL,
                value VARCHAR(8000),
                PRIMARY KEY (run_uuid, key),
                FOREIGN KEY (run_uuid) REFERENCES runs(run_uuid)
            )\(table)
            """,
            keyValueIndex("index_tags_key_value", "tags"),
            """
            CREATE TABLE metrics (
                run_uuid VARCHAR(32) NOT NULL,
                key VARCHAR(250) NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                timestamp BIGINT NOT NULL,
                step BIGINT NOT NULL DEFAULT 0,
                is_nan SMALLINT NOT NULL DEFAULT 0,
                PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan),
                FOREIGN KEY (run_uuid) REFERENCES runs(run_uuid)
            )\(table)
            """,
            """
            CREATE TABLE latest_metrics (
                run_uuid VARCHAR(32) NOT NULL,
                key VARCHAR(250) NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                timestamp BIGINT NOT NULL,
                step BIGINT NOT NULL,
                is_nan SMALLINT NOT NULL DEFAULT 0,
                PRIMARY KEY (run_uuid, key),
                FOREIGN KEY (run_uuid) REFERENCES runs(run_uuid)
            )\(table)
            """,
            "CREATE INDEX index_latest_metrics_key_value ON latest_metrics (key, value)",
            """
            CREATE TABLE datasets (
                dataset_uuid VARCHAR(36) NOT NULL PRIMARY KEY,
                experiment_id BIGINT NOT NULL,
                name VARCHAR(500) NOT NULL,
                digest VARCHAR(36) NOT NULL,
                dataset_source_type VARCHAR(36) NOT NULL,
                dataset_source TEXT NOT NULL,
                dataset_schema TEXT,
                dataset_profile TEXT,
                UNIQUE (experiment_id, name, digest),
                FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id)
            )\(table)
            """,
            """
            CREATE TABLE inputs (
                \(rowid)
                input_uuid VARCHAR(36) NOT NULL PRIMARY KEY,
                source_type VARCHAR(36) NOT NULL,
                source_id VARCHAR(36) NOT NULL,
                destination_type VARCHAR(36) NOT NULL,
                destination_id VARCHAR(36) NOT NULL,
                step BIGINT NOT NULL DEFAULT 0,
                UNIQUE (source_type, source_id, destination_type, destination_id)
            )\(table)
            """,
            "CREATE INDEX index_inputs_destination ON inputs (destination_type, destination_id)",
            """
            CREATE TABLE input_tags (
                \(rowid)
                input_uuid VARCHAR(36) NOT NULL,
                name VARCHAR(255) NOT NULL,
                value VARCHAR(500) NOT NULL,
                PRIMARY KEY (input_uuid, name),
                FOREIGN KEY (input_uuid) REFERENCES inputs(input_uuid)
            )\(table)
            """,
            """
            CREATE TABLE registered_models (
                name VARCHAR(256) NOT NULL PRIMARY KEY,
                creation_time BIGINT,
                last_updated_time BIGINT,
                description VARCHAR(5000),
                next_version INTEGER NOT NULL DEFAULT 1
            )\(table)
            """,
            """
            CREATE TABLE registered_model_tags (
                name VARCHAR(256) NOT NULL,
                key VARCHAR(250) NOT NULL,
                value TEXT,
                PRIMARY KEY (name, key),
                FOREIGN KEY (name) REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE
            )\(table)
            """,
            """
            CREATE TABLE model_versions (
                name VARCHAR(256) NOT NULL,
                version INTEGER NOT NULL,
                creation_time BIGINT,
                last_updated_time BIGINT,
                description VARCHAR(5000),
                user_id VARCHAR(256),
                current_stage VARCHAR(20) NOT NULL DEFAULT 'None',
                source VARCHAR(500),
                storage_location VARCHAR(500),
                run_id VARCHAR(32),
                run_link VARCHAR(500),
                status VARCHAR(20) NOT NULL DEFAULT 'READY',
                status_message VARCHAR(500),
                model_id VARCHAR(64),
                PRIMARY KEY (name, version),
                FOREIGN KEY (name) REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE
            )\(table)
            """,
            "CREATE INDEX index_model_versions_run_id ON model_versions (run_id)",
            """
            CREATE TABLE model_version_tags (
                name VARCHAR(256) NOT NULL,
                version INTEGER NOT NULL,
                key VARCHAR(250) NOT NULL,
                value TEXT,
                PRIMARY KEY (name, version, key),
                FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON UPDATE CASCADE ON DELETE CASCADE
            )\(table)
            """,
            """
            CREATE TABLE registered_model_aliases (
                name VARCHAR(256) NOT NULL,
                alias VARCHAR(256) NOT NULL,
                version INTEGER NOT NULL,
                PRIMARY KEY (name, alias),
                FOREIGN KEY (name) REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE
            )\(table)
            """,
            """
            CREATE TABLE registry_history (
                \(dialect.generatedKeyColumn("entry_id")),
                name VARCHAR(256) NOT NULL,
                version INTEGER NOT NULL,
                kind VARCHAR(8) NOT NULL,
                alias VARCHAR(256),
                from_value VARCHAR(256),
                to_value VARCHAR(256),
                user_id VARCHAR(256),
                timestamp BIGINT NOT NULL,
                move_id BIGINT,
                rollback_of BIGINT
            )\(table)
            """,
            "CREATE INDEX index_registry_history_name ON registry_history (name, entry_id)",
            """
            CREATE TABLE logged_models (
                model_id VARCHAR(36) NOT NULL PRIMARY KEY,
                experiment_id BIGINT NOT NULL,
                name VARCHAR(500) NOT NULL,
                artifact_location VARCHAR(1000) NOT NULL,
                creation_timestamp_ms BIGINT NOT NULL,
                last_updated_timestamp_ms BIGINT NOT NULL,
                status INTEGER NOT NULL,
                lifecycle_stage VARCHAR(32) NOT NULL DEFAULT 'active',
                model_type VARCHAR(500),
                source_run_id VARCHAR(32),
                status_message VARCHAR(1000),
                CONSTRAINT logged_models_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
                FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id) ON DELETE CASCADE
            )\(table)
            """,
            "CREATE INDEX index_logged_models_experiment_created ON logged_models (experiment_id, creation_timestamp_ms DESC, model_id)",
            """
            CREATE TABLE logged_model_tags (
                \(rowid)
                model_id VARCHAR(36) NOT NULL,
                experiment_id BIGINT NOT NULL,
                tag_key VARCHAR(255) NOT NULL,
                tag_value TEXT NOT NULL,
                PRIMARY KEY (model_id, tag_key),
                FOREIGN KEY (model_id) REFERENCES logged_models(model_id) ON DELETE CASCADE,
                FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id)
            )\(table)
            """,
            """
            CREATE TABLE logged_model_params (
                \(rowid)
                model_id VARCHAR(36) NOT NULL,
                experiment_id BIGINT NOT NULL,
                param_key VARCHAR(255) NOT NULL,
                param_value TEXT NOT NULL,
                PRIMARY KEY (model_id, param_key),
                FOREIGN KEY (model_id) REFERENCES logged_models(model_id) ON DELETE CASCADE,
                FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id)
            )\(table)
            """,
            """
            CREATE TABLE logged_model_metrics (
                \(rowid)
                model_id VARCHAR(36) NOT NULL,
                metric_name VARCHAR(500) NOT NULL,
                metric_timestamp_ms BIGINT NOT NULL,
                metric_step BIGINT NOT NULL,
                metric_value DOUBLE PRECISION,
                experiment_id BIGINT NOT NULL,
                run_id VARCHAR(32) NOT NULL,
                dataset_uuid VARCHAR(36),
                dataset_name VARCHAR(500),
                dataset_digest VARCHAR(36),
                PRIMARY KEY (model_id, metric_name, metric_timestamp_ms, metric_step, run_id),
                FOREIGN KEY (model_id) REFERENCES logged_models(model_id) ON DELETE CASCADE,
                FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id),
                FOREIGN KEY (run_id) REFERENCES runs(run_uuid) ON DELETE CASCADE
            )\(table)
            """,
            "CREATE INDEX index_logged_model_metrics_name_value ON logged_model_metrics (metric_name, metric_value)",
        ]
    }
}
