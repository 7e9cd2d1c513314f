import SQL

/// Migration 6, the first written for every engine: transition requests (ask for a version to be
/// moved into a stage or under an alias; someone else approves, which makes the move, or rejects).
/// Like the registry history they name their model rather than reference it: the registry store
/// renames and deletes them with the model.
enum Schema006 {
    static func statements(for dialect: SQLDialect) -> [String] {
        [
            """
            CREATE TABLE transition_requests (
                \(dialect.generatedKeyColumn("request_id")),
                name VARCHAR(256) NOT NULL,
                version INTEGER NOT NULL,
                target_kind VARCHAR(8) NOT NULL,
                target VARCHAR(256) NOT NULL,
                archive_existing_versions SMALLINT NOT NULL DEFAULT 0,
                status VARCHAR(16) NOT NULL,
                requested_by VARCHAR(256),
                comment TEXT,
                creation_time BIGINT NOT NULL,
                resolved_by VARCHAR(256),
                resolution_comment TEXT,
                resolution_time BIGINT
            )\(dialect.tableOptions)
            """,
            "CREATE INDEX index_transition_requests_name ON transition_requests (name, version, status)",
        ]
    }
}
