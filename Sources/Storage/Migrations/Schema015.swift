import SQL

/// Migration 15, on every engine: `model_version_seals`, the seal a model version gets when it is
/// promoted into a protected stage or alias (docs/REGISTRY.md, "Sealed versions"): where its
/// artifacts are, the canonical manifest of its files (path, size, SHA-256) and the digest over it,
/// when and by whom. One row per sealed version; it follows a renamed model and goes with a
/// deleted version (which the store refuses while the seal is there).
enum Schema015 {
    static func statements(for dialect: SQLDialect) -> [String] {
        [
            """
            CREATE TABLE model_version_seals (
                name VARCHAR(256) NOT NULL,
                version INTEGER NOT NULL,
                source VARCHAR(1000) NOT NULL,
                location VARCHAR(1000) NOT NULL,
                digest VARCHAR(64) NOT NULL,
                manifest \(dialect.longTextType) NOT NULL,
                file_count INTEGER NOT NULL,
                total_bytes BIGINT NOT NULL,
                sealed_time BIGINT NOT NULL,
                approver VARCHAR(256),
                CONSTRAINT model_version_seals_pk PRIMARY KEY (name, version),
                CONSTRAINT fk_model_version_seals_version FOREIGN KEY (name, version)
                    REFERENCES model_versions (name, version) ON UPDATE CASCADE ON DELETE CASCADE
            )\(dialect.tableOptions)
            """,
        ]
    }
}
