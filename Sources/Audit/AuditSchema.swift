public import SQL

/// The audit database's tables, versioned in `audit_schema_version` (apart from the tracking
/// schema's table, so the two could share a database, though a dedicated one is the point).
/// `audit_records` is only ever inserted into; `audit_chain_head` is the one row the writer
/// locks and moves forward (and, keyed, re-seals) in each batch's transaction, which orders
/// concurrent replicas. Every step is additive, so the store applies it itself on open.
public enum AuditSchema {
    public static let versionTable = "audit_schema_version"

    public static let migrations: [Migration] = [
        Migration(version: 1, sqlite: version1(.sqlite), postgres: version1(.postgres), mysql: version1(.mysql)),
        // The head's seal (`AuditChain.seal`): on a keyed chain, an HMAC of seq and hash that
        // someone without the key cannot make for an earlier record.
        Migration(version: 2, statements: ["ALTER TABLE audit_chain_head ADD COLUMN head_mac VARCHAR(64)"]),
        // The seal digest a promotion required (`AuditResources.sealDigest`).
        Migration(version: 3, statements: ["ALTER TABLE audit_records ADD COLUMN seal_digest VARCHAR(64)"]),
    ]

    /// The columns of `audit_records` in the order the store writes and reads them.
    static let columns = [
        "seq", "time_ms", "request_id", "user_name", "roles", "auth_method", "method", "route", "experiment_id",
        "run_id", "registered_model_name", "model_version", "logged_model_id", "client_address", "status",
        "error_code", "duration_us", "chain", "prev_hash", "hash", "seal_digest",
    ]

    private static func version1(_ dialect: SQLDialect) -> [String] {
        let options = dialect.tableOptions
        return [
            """
            CREATE TABLE audit_records (
                seq BIGINT NOT NULL PRIMARY KEY,
                time_ms BIGINT NOT NULL,
                request_id VARCHAR(128) NOT NULL,
                user_name VARCHAR(256),
                roles TEXT NOT NULL,
                auth_method VARCHAR(32) NOT NULL,
                method VARCHAR(16) NOT NULL,
                route VARCHAR(512) NOT NULL,
                experiment_id VARCHAR(256),
                run_id VARCHAR(256),
                registered_model_name VARCHAR(512),
                model_version VARCHAR(64),
                logged_model_id VARCHAR(256),
                client_address VARCHAR(64) NOT NULL,
                status INTEGER NOT NULL,
                error_code VARCHAR(64),
                duration_us BIGINT NOT NULL,
                chain VARCHAR(16) NOT NULL,
                prev_hash CHAR(64) NOT NULL,
                hash CHAR(64) NOT NULL
            )\(options)
            """,
            "CREATE INDEX index_audit_records_time ON audit_records (time_ms)",
            """
            CREATE TABLE audit_chain_head (
                id INTEGER NOT NULL PRIMARY KEY,
                seq BIGINT NOT NULL,
                hash CHAR(64) NOT NULL,
                chain VARCHAR(16),
                key_id VARCHAR(32)
            )\(options)
            """,
            "INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, '\(AuditChainHead.genesis.hash)')",
        ]
    }
}
