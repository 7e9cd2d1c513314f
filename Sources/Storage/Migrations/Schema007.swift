import SQL

/// Migration 7, on every engine: registry webhooks (MLflow's `webhooks` and `webhook_events`
/// tables, same names and columns, soft-deleted by `deleted_timestamp`) and `webhook_deliveries`,
/// Swiftrack's record of each event sent to a webhook: the payload as signed, its state, the
/// attempts made, the last answer or error, and when the next attempt is due.
enum Schema007 {
    static func statements(for dialect: SQLDialect) -> [String] {
        let table = dialect.tableOptions
        return [
            """
            CREATE TABLE webhooks (
                webhook_id VARCHAR(256) NOT NULL,
                name VARCHAR(256) NOT NULL,
                description VARCHAR(1000),
                url VARCHAR(500) NOT NULL,
                status VARCHAR(20) NOT NULL,
                secret VARCHAR(1000),
                creation_timestamp BIGINT NOT NULL,
                last_updated_timestamp BIGINT,
                deleted_timestamp BIGINT,
                CONSTRAINT webhook_pk PRIMARY KEY (webhook_id)
            )\(table)
            """,
            "CREATE INDEX idx_webhooks_status ON webhooks (status)",
            "CREATE INDEX idx_webhooks_name ON webhooks (name)",
            """
            CREATE TABLE webhook_events (
                webhook_id VARCHAR(256) NOT NULL,
                entity VARCHAR(50) NOT NULL,
                action VARCHAR(50) NOT NULL,
                CONSTRAINT webhook_event_pk PRIMARY KEY (webhook_id, entity, action),
                CONSTRAINT fk_webhook_events_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks (webhook_id)
                    ON DELETE CASCADE
            )\(table)
            """,
            "CREATE INDEX idx_webhook_events_entity_action ON webhook_events (entity, action)",
            """
            CREATE TABLE webhook_deliveries (
                delivery_id VARCHAR(36) NOT NULL,
                webhook_id VARCHAR(256) NOT NULL,
                entity VARCHAR(50) NOT NULL,
                action VARCHAR(50) NOT NULL,
                payload TEXT NOT NULL,
                payload_sha256 VARCHAR(64) NOT NULL,
                status VARCHAR(16) NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                response_status INTEGER,
                error TEXT,
                creation_timestamp BIGINT NOT NULL,
                last_attempt_timestamp BIGINT,
                next_attempt_timestamp BIGINT,
                CONSTRAINT webhook_delivery_pk PRIMARY KEY (delivery_id)
            )\(table)
            """,
            "CREATE INDEX idx_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, creation_timestamp)",
            "CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_timestamp)",
        ]
    }
}
