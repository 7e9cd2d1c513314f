import SQL
public import TrackingCore

extension SQLRegistryStore: WebhookStore {
    static let webhookColumns = """
        webhook_id, name, description, url, status, secret, creation_timestamp, last_updated_timestamp
        """

    public func createWebhook(_ draft: WebhookDraft) throws -> Webhook {
        let name = draft.name ?? ""
        try WebhookValidation.validateName(name)
        let url = draft.url ?? ""
        _ = try WebhookValidation.validateURL(url)
        let events = draft.events ?? []
        try WebhookValidation.validateEvents(events)
        let webhook = Webhook(id: RandomID.uuid4(), name: name, description: draft.description, url: url,
                              events: Self.distinct(events), status: draft.status ?? .active, secret: draft.secret,
                              creationTimestamp: currentTimeMillis(), lastUpdatedTimestamp: nil)
        try database.write { connection in
            _ = try connection.execute(
                "INSERT INTO webhooks (\(Self.webhookColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [.text(webhook.id), .text(webhook.name), webhook.description.map(SQLValue.text) ?? .null,
                 .text(webhook.url), .text(webhook.status.rawValue), webhook.secret.map(SQLValue.text) ?? .null,
                 .integer(webhook.creationTimestamp), .null])
            try Self.insertEvents(connection, webhook.id, webhook.events)
        }
        return webhook
    }

    public func webhook(id: String) throws -> Webhook {
        try database.read { connection in try Self.requireWebhook(connection, id, lock: false) }
    }

    public func listWebhooks(maxResults: Int?, pageToken: String?) throws -> (webhooks: [Webhook], nextPageToken: String?) {
        let limit = maxResults ?? 100
        guard (1...1000).contains(limit) else { throw MLflowError.invalidParameter("max_results must be between 1 and 1000.") }
        let offset = try PageToken.decode(pageToken)
        let found = try database.read { connection in
            let rows = try connection.query(
                "SELECT \(Self.webhookColumns) FROM webhooks WHERE deleted_timestamp IS NULL "
                + "ORDER BY creation_timestamp DESC, webhook_id LIMIT ? OFFSET ?",
                [.integer(Int64(limit + 1)), .integer(Int64(offset))], Self.webhookRow)
            return try rows.map { try Self.withEvents(connection, $0) }
        }
        guard found.count > limit else { return (found, nil) }
        return (Array(found.prefix(limit)), PageToken.encode(offset: offset + limit))
    }

    public func webhooks(subscribedTo event: WebhookEvent) throws -> [Webhook] {
        try database.read { connection in
            let rows = try connection.query(
                "SELECT w.webhook_id, w.name, w.description, w.url, w.status, w.secret, w.creation_timestamp, "
                + "w.last_updated_timestamp "
                + "FROM webhooks w JOIN webhook_events e ON e.webhook_id = w.webhook_id "
                + "WHERE w.deleted_timestamp IS NULL AND e.entity = ? AND e.action = ? "
                + "ORDER BY w.creation_timestamp DESC, w.webhook_id",
                [.text(event.entity.rawValue), .text(event.action.rawValue)], Self.webhookRow)
            return try rows.map { try Self.withEvents(connection, $0) }
        }
    }

    public func updateWebhook(id: String, _ draft: WebhookDraft) throws -> Webhook {
        if let name = draft.name { try WebhookValidation.validateName(name) }
        if let url = draft.url { _ = try WebhookValidation.validateURL(url) }
        if let events = draft.events { try WebhookValidation.validateEvents(events) }
        let now = currentTimeMillis()
        return try database.write { connection in
            var webhook = try Self.requireWebhook(connection, id, lock: true)
            if let name = draft.name { webhook.name = name }
            if let url = draft.url { webhook.url = url }
            if let description = draft.description { webhook.description = description }
            if let secret = draft.secret { webhook.secret = secret }
            if let status = draft.status { webhook.status = status }
            webhook.lastUpdatedTimestamp = now
            _ = try connection.execute(
                "UPDATE webhooks SET name = ?, description = ?, url = ?, status = ?, secret = ?, last_updated_timestamp = ? "
                + "WHERE webhook_id = ?",
                [.text(webhook.name), webhook.description.map(SQLValue.text) ?? .null, .text(webhook.url),
                 .text(webhook.status.rawValue), webhook.secret.map(SQLValue.text) ?? .null, .integer(now), .text(id)])
            if let events = draft.events {
                _ = try connection.execute("DELETE FROM webhook_events WHERE webhook_id = ?", [.text(id)])
                webhook.events = Self.distinct(events)
                try Self.insertEvents(connection, id, webhook.events)
            }
            return webhook
        }
    }

    public func deleteWebhook(id: String) throws {
        let now = currentTimeMillis()
        try database.write { connection in
            _ = try Self.requireWebhook(connection, id, lock: true)
            _ = try connection.execute(
                "UPDATE webhooks SET deleted_timestamp = ?, last_updated_timestamp = ? WHERE webhook_id = ?",
                [.integer(now), .integer(now), .text(id)])
        }
    }

    // MARK: - Helpers

    static func requireWebhook(_ connection: any SQLConnection, _ id: String, lock: Bool) throws -> Webhook {
        guard let row = try connection.queryFirst(
            "SELECT \(webhookColumns) FROM webhooks WHERE webhook_id = ? AND deleted_timestamp IS NULL"
            + (lock ? connection.forUpdate : ""), [.text(id)], webhookRow) else {
            throw MLflowError.notFound("Webhook with ID \(id) not found.")
        }
        return try withEvents(connection, row)
    }

    static func webhookRow(_ row: any SQLRow) -> Webhook {
        Webhook(id: row.string(0), name: row.string(1), description: row.optionalString(2), url: row.string(3),
                events: [], status: Webhook.Status(rawValue: row.string(4)) ?? .disabled, secret: row.optionalString(5),
                creationTimestamp: row.int64(6), lastUpdatedTimestamp: row.optionalInt64(7))
    }

    static func withEvents(_ connection: any SQLConnection, _ webhook: Webhook) throws -> Webhook {
        var webhook = webhook
        webhook.events = try connection.query(
            "SELECT entity, action FROM webhook_events WHERE webhook_id = ? ORDER BY entity, action",
            [.text(webhook.id)]) { row in (row.string(0), row.string(1)) }
            .compactMap { entity, action in
                guard let entity = WebhookEntity(rawValue: entity), let action = WebhookAction(rawValue: action) else { return nil }
                return try? WebhookEvent(entity: entity, action: action)
            }
        return webhook
    }

    static func insertEvents(_ connection: any SQLConnection, _ id: String, _ events: [WebhookEvent]) throws {
        for event in events {
            _ = try connection.execute("INSERT INTO webhook_events (webhook_id, entity, action) VALUES (?, ?, ?)",
                                       [.text(id), .text(event.entity.rawValue), .text(event.action.rawValue)])
        }
    }

    /// The events in first-seen order without repeats (the table's key is the triple).
    static func distinct(_ events: [WebhookEvent]) -> [WebhookEvent] {
        var seen = Set<WebhookEvent>()
        return events.filter { seen.insert($0).inserted }
    }
}
