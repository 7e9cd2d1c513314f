import SQL
public import TrackingCore

extension SQLRegistryStore {
    static let deliveryColumns = """
        delivery_id, webhook_id, entity, action, payload, payload_sha256, status, attempts, response_status, error, \
        creation_timestamp, last_attempt_timestamp, next_attempt_timestamp
        """

    public func recordDelivery(_ delivery: WebhookDelivery) throws {
        try database.write { connection in
            _ = try connection.execute(
                "INSERT INTO webhook_deliveries (\(Self.deliveryColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [.text(delivery.id), .text(delivery.webhookId), .text(delivery.event.entity.rawValue),
                 .text(delivery.event.action.rawValue), .text(delivery.payload), .text(delivery.payloadDigest),
                 .text(delivery.state.rawValue), .integer(Int64(delivery.attempts)),
                 delivery.responseStatus.map { .integer(Int64($0)) } ?? .null, delivery.error.map(SQLValue.text) ?? .null,
                 .integer(delivery.creationTimestamp), delivery.lastAttemptTimestamp.map(SQLValue.integer) ?? .null,
                 delivery.nextAttemptTimestamp.map(SQLValue.integer) ?? .null])
        }
    }

    public func recordAttempt(deliveryId: String, _ attempt: WebhookAttemptOutcome) throws {
        let changed = try database.write { connection in
            try connection.execute(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?, response_status = ?, error = ?, "
                + "last_attempt_timestamp = ?, next_attempt_timestamp = ? WHERE delivery_id = ?",
                [.text(attempt.state.rawValue), attempt.responseStatus.map { .integer(Int64($0)) } ?? .null,
                 attempt.error.map { .text(String($0.prefix(4000))) } ?? .null, .integer(attempt.attemptedAt),
                 attempt.nextAttemptAt.map(SQLValue.integer) ?? .null, .text(deliveryId)])
        }
        guard changed > 0 else { throw MLflowError.notFound("Webhook delivery with ID \(deliveryId) not found.") }
    }

    public func delivery(id: String) throws -> WebhookDelivery? {
        try database.read { connection in
            try connection.queryFirst("SELECT \(Self.deliveryColumns) FROM webhook_deliveries WHERE delivery_id = ?",
                                      [.text(id)], Self.deliveryRow) ?? nil
        }
    }

    public func deliveries(webhookId: String, limit: Int) throws -> [WebhookDelivery] {
        try database.read { connection in
            try connection.query(
                "SELECT \(Self.deliveryColumns) FROM webhook_deliveries WHERE webhook_id = ? "
                + "ORDER BY creation_timestamp DESC, delivery_id LIMIT ?",
                [.text(webhookId), .integer(Int64(max(0, limit)))], Self.deliveryRow).compactMap { $0 }
        }
    }

    public func pendingDeliveries(limit: Int) throws -> [WebhookDelivery] {
        try database.read { connection in
            try connection.query(
                "SELECT \(Self.deliveryColumns) FROM webhook_deliveries WHERE status = ? "
                + "ORDER BY creation_timestamp, delivery_id LIMIT ?",
                [.text(WebhookDelivery.State.pending.rawValue), .integer(Int64(max(0, limit)))], Self.deliveryRow)
                .compactMap { $0 }
        }
    }

    static func deliveryRow(_ row: any SQLRow) -> WebhookDelivery? {
        guard let entity = WebhookEntity(rawValue: row.string(2)), let action = WebhookAction(rawValue: row.string(3)),
              let event = try? WebhookEvent(entity: entity, action: action) else { return nil }
        return WebhookDelivery(
            id: row.string(0), webhookId: row.string(1), event: event, payload: row.string(4),
            payloadDigest: row.string(5), state: WebhookDelivery.State(rawValue: row.string(6)) ?? .failed,
            attempts: Int(row.int64(7)), responseStatus: row.optionalInt64(8).map { Int($0) }, error: row.optionalString(9),
            creationTimestamp: row.int64(10), lastAttemptTimestamp: row.optionalInt64(11),
            nextAttemptTimestamp: row.optionalInt64(12))
    }
}
