import SQL

/// Migration 12, on every engine: MLflow 3's `entity_associations`, the links it keeps between
/// entities of different kinds: a trace linked to a run (`traces/link-to-run`, found by search's
/// run filter) and to the prompt versions it used (`traces/link-prompts`). Ids are wider than
/// MLflow's 36 characters, since a prompt version's id (`name/version`) can be. A link is kept once.
enum Schema012 {
    static func statements(for dialect: SQLDialect) -> [String] {
        [
            """
            CREATE TABLE entity_associations (
                association_id VARCHAR(36) NOT NULL,
                source_type VARCHAR(36) NOT NULL,
                source_id VARCHAR(256) NOT NULL,
                destination_type VARCHAR(36) NOT NULL,
                destination_id VARCHAR(256) NOT NULL,
                created_time BIGINT NOT NULL,
                CONSTRAINT entity_associations_pk PRIMARY KEY (association_id),
                CONSTRAINT unique_entity_association UNIQUE (source_type, source_id, destination_type, destination_id)
            )\(dialect.tableOptions)
            """,
            "CREATE INDEX index_entity_associations_reverse_lookup ON entity_associations (destination_type, destination_id, source_type, source_id)",
        ]
    }
}
