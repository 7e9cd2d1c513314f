import SQL

/// Migration 17, on every engine: `model_version_sealings`, the job sealing a version off the
/// request path (docs/REGISTRY.md, "Sealed versions"): one row per version being sealed (or whose
/// sealing failed, until a mover is told), with the token of the run that owns it, what it hashes,
/// who asked, its heartbeat and progress. It follows a renamed model and goes with a deleted version.
enum Schema017 {
    static func statements(for dialect: SQLDialect) -> [String] {
        [
            """
            CREATE TABLE model_version_sealings (
                name VARCHAR(256) NOT NULL,
                version INTEGER NOT NULL,
                token VARCHAR(64) NOT NULL,
                source VARCHAR(1000) NOT NULL,
                location VARCHAR(1000) NOT NULL,
                approver VARCHAR(256),
                target VARCHAR(600) NOT NULL,
                started_time BIGINT NOT NULL,
                updated_time BIGINT NOT NULL,
                bytes_read BIGINT NOT NULL,
                error_code VARCHAR(64),
                error_message VARCHAR(2000),
                CONSTRAINT model_version_sealings_pk PRIMARY KEY (name, version),
                CONSTRAINT fk_model_version_sealings_version FOREIGN KEY (name, version)
                    REFERENCES model_versions (name, version) ON UPDATE CASCADE ON DELETE CASCADE
            )\(dialect.tableOptions)
            """,
        ]
    }
}
