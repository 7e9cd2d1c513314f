import SQL

/// Migration 3: the model registry. Versions keep a per-model counter (`next_version`) so a number is
/// never reused after a delete; renames cascade to versions, tags and aliases; `registry_history`
/// records every stage transition and alias move (rollback reads it).
enum Schema003 {
    static let statements: [String] = [
        """
        CREATE TABLE registered_models (
            name VARCHAR(256) PRIMARY KEY,
            creation_time BIGINT,
            last_updated_time BIGINT,
            description VARCHAR(5000),
            next_version INTEGER NOT NULL DEFAULT 1
        )
        """,
        """
        CREATE TABLE registered_model_tags (
            name VARCHAR(256) NOT NULL REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE,
            key VARCHAR(250) NOT NULL,
            value TEXT,
            PRIMARY KEY (name, key)
        )
        """,
        """
        CREATE TABLE model_versions (
            name VARCHAR(256) NOT NULL REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE,
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
            PRIMARY KEY (name, version)
        )
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
        )
        """,
        """
        CREATE TABLE registered_model_aliases (
            name VARCHAR(256) NOT NULL REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE,
            alias VARCHAR(256) NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (name, alias)
        )
        """,
        """
        CREATE TABLE registry_history (
            entry_id INTEGER PRIMARY KEY,
            name VARCHAR(256) NOT NULL,
            version INTEGER NOT NULL,
            kind VARCHAR(8) NOT NULL,
            alias VARCHAR(256),
            from_value VARCHAR(256),
            to_value VARCHAR(256),
            user_id VARCHAR(256),
            timestamp BIGINT NOT NULL
        )
        """,
        "CREATE INDEX index_registry_history_name ON registry_history (name, entry_id)",
    ]
}
