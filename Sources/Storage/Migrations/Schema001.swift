import SQL

/// Migration 1: the tracking schema. Written in the SQL that SQLite, PostgreSQL and MySQL share
/// where possible; times are epoch milliseconds, ids are text (experiment ids are decimal integers).
enum Schema001 {
    static let statements: [String] = [
        """
        CREATE TABLE experiments (
            experiment_id INTEGER PRIMARY KEY,
            name VARCHAR(256) NOT NULL UNIQUE,
            artifact_location VARCHAR(256),
            lifecycle_stage VARCHAR(32) NOT NULL DEFAULT 'active',
            creation_time BIGINT,
            last_update_time BIGINT
        )
        """,
        """
        CREATE TABLE experiment_tags (
            experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
            key VARCHAR(250) NOT NULL,
            value VARCHAR(5000),
            PRIMARY KEY (experiment_id, key)
        )
        """,
        """
        CREATE TABLE runs (
            run_uuid VARCHAR(32) PRIMARY KEY,
            name VARCHAR(250),
            experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
            user_id VARCHAR(256),
            status VARCHAR(9) NOT NULL,
            start_time BIGINT,
            end_time BIGINT,
            deleted_time BIGINT,
            artifact_uri VARCHAR(200),
            lifecycle_stage VARCHAR(20) NOT NULL DEFAULT 'active'
        )
        """,
        "CREATE INDEX index_runs_experiment_start ON runs (experiment_id, start_time DESC, run_uuid)",
        """
        CREATE TABLE params (
            run_uuid VARCHAR(32) NOT NULL REFERENCES runs(run_uuid),
            key VARCHAR(250) NOT NULL,
            value VARCHAR(8000) NOT NULL,
            PRIMARY KEY (run_uuid, key)
        )
        """,
        "CREATE INDEX index_params_key_value ON params (key, value)",
        """
        CREATE TABLE tags (
            run_uuid VARCHAR(32) NOT NULL REFERENCES runs(run_uuid),
            key VARCHAR(250) NOT NULL,
            value VARCHAR(8000),
            PRIMARY KEY (run_uuid, key)
        )
        """,
        "CREATE INDEX index_tags_key_value ON tags (key, value)",
        """
        CREATE TABLE metrics (
            run_uuid VARCHAR(32) NOT NULL REFERENCES runs(run_uuid),
            key VARCHAR(250) NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            timestamp BIGINT NOT NULL,
            step BIGINT NOT NULL DEFAULT 0,
            is_nan SMALLINT NOT NULL DEFAULT 0,
            PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)
        )
        """,
        """
        CREATE TABLE latest_metrics (
            run_uuid VARCHAR(32) NOT NULL REFERENCES runs(run_uuid),
            key VARCHAR(250) NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            timestamp BIGINT NOT NULL,
            step BIGINT NOT NULL,
            is_nan SMALLINT NOT NULL DEFAULT 0,
            PRIMARY KEY (run_uuid, key)
        )
        """,
        "CREATE INDEX index_latest_metrics_key_value ON latest_metrics (key, value)",
        """
        CREATE TABLE datasets (
            dataset_uuid VARCHAR(36) PRIMARY KEY,
            experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
            name VARCHAR(500) NOT NULL,
            digest VARCHAR(36) NOT NULL,
            dataset_source_type VARCHAR(36) NOT NULL,
            dataset_source TEXT NOT NULL,
            dataset_schema TEXT,
            dataset_profile TEXT,
            UNIQUE (experiment_id, name, digest)
        )
        """,
        """
        CREATE TABLE inputs (
            input_uuid VARCHAR(36) PRIMARY KEY,
            source_type VARCHAR(36) NOT NULL,
            source_id VARCHAR(36) NOT NULL,
            destination_type VARCHAR(36) NOT NULL,
            destination_id VARCHAR(36) NOT NULL,
            step BIGINT NOT NULL DEFAULT 0,
            UNIQUE (source_type, source_id, destination_type, destination_id)
        )
        """,
        "CREATE INDEX index_inputs_destination ON inputs (destination_type, destination_id)",
        """
        CREATE TABLE input_tags (
            input_uuid VARCHAR(36) NOT NULL REFERENCES inputs(input_uuid),
            name VARCHAR(255) NOT NULL,
            value VARCHAR(500) NOT NULL,
            PRIMARY KEY (input_uuid, name)
        )
        """,
    ]
}
