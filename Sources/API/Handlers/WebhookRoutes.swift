import HTTPTransport
import JSON
import Storage
import TrackingCore
import Webhooks

/// MLflow 3's webhooks API (webhooks.proto): create, list, get, update, delete and test, plus
/// Swiftrack's read of a webhook's recorded deliveries. Admin-only under access control, as in MLflow.
struct WebhookRoutes {
    let service: WebhookService

    var routes: [Route] {
        [
            Route("POST", "/mlflow/webhooks", access: .admin, create),
            Route("GET", "/mlflow/webhooks", access: .admin, list),
            Route("GET", "/mlflow/webhooks/{webhook_id}", access: .admin, get),
            Route("PATCH", "/mlflow/webhooks/{webhook_id}", access: .admin, update),
            Route("DELETE", "/mlflow/webhooks/{webhook_id}", access: .admin, delete),
            Route("POST", "/mlflow/webhooks/{webhook_id}/test", access: .admin, test),
            Route("GET", "/swiftrack/webhooks/{webhook_id}/deliveries", access: .admin, deliveries),
        ]
    }

    func create(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.requiredString("name")
        let url = try fields.requiredString("url")
        guard fields.has("events"), fields.raw("events") != .null else { throw RequestFields.missing("events") }
        let events = try Self.events(fields)
        if events.isEmpty { throw RequestFields.missing("events") }
        let draft = WebhookDraft(name: name, description: try fields.string("description").flatMap { $0.isEmpty ? nil : $0 },
                                 url: url, events: events,
                                 secret: try fields.string("secret").flatMap { $0.isEmpty ? nil : $0 },
                                 status: try Self.status(fields))
        try WebhookValidation.validateName(name)
        try service.sender.checkTarget(url)
        let webhook = try service.store.createWebhook(draft)
        return jsonResponse(.object([("webhook", webhook.json)]))
    }

    func list(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let maxResults = try fields.int64("max_results").map { Int(clamping: $0) }
        let page = try service.store.listWebhooks(maxResults: maxResults == 0 ? nil : maxResults,
                                                  pageToken: try fields.string("page_token").flatMap { $0.isEmpty ? nil : $0 })
        var members: [(String, JSONValue)] = [("webhooks", .array(page.webhooks.map(\.json)))]
        if let token = page.nextPageToken { members.append(("next_page_token", .string(token))) }
        return jsonResponse(.object(members))
    }

    func get(_ request: RouteRequest) throws -> HTTPResponse {
        jsonResponse(.object([("webhook", try service.store.webhook(id: request.parameters["webhook_id"] ?? "").json)]))
    }

    func update(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let events = try Self.events(fields)
        let draft = WebhookDraft(name: try fields.string("name").flatMap { $0.isEmpty ? nil : $0 },
                                 description: try fields.string("description"),
                                 url: try fields.string("url").flatMap { $0.isEmpty ? nil : $0 },
                                 events: events.isEmpty ? nil : events, secret: try fields.string("secret"),
                                 status: try Self.status(fields))
        let id = request.parameters["webhook_id"] ?? ""
        _ = try service.store.webhook(id: id)
        if let name = draft.name { try WebhookValidation.validateName(name) }
        if let url = draft.url { try service.sender.checkTarget(url) }
        return jsonResponse(.object([("webhook", try service.store.updateWebhook(id: id, draft).json)]))
    }

    func delete(_ request: RouteRequest) throws -> HTTPResponse {
        try service.store.deleteWebhook(id: request.parameters["webhook_id"] ?? "")
        return emptyJSONResponse
    }

    func test(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let event = try fields.message("event").map { try Self.event($0) }
        let webhook = try service.store.webhook(id: request.parameters["webhook_id"] ?? "")
        return jsonResponse(.object([("result", service.test(webhook, event: event))]))
    }

    func deliveries(_ request: RouteRequest) throws -> HTTPResponse {
        let id = request.parameters["webhook_id"] ?? ""
        _ = try service.store.webhook(id: id)
        let fields = try request.fields()
        let limit = try fields.maxResults(limit: 1000, default: 100)
        return jsonResponse(.object([("deliveries", .array(try service.store.deliveries(webhookId: id, limit: limit).map(\.json)))]))
    }

    // MARK: - Fields

    static func events(_ fields: RequestFields) throws -> [WebhookEvent] {
        guard let raw = fields.raw("events"), raw != .null else { return [] }
        guard case .array = raw else { throw RequestFields.typeError("events", raw) }
        return try fields.messages("events").map(event)
    }

    static func event(_ fields: RequestFields) throws -> WebhookEvent {
        let entity = try fields.string("entity") ?? "ENTITY_UNSPECIFIED"
        let action = try fields.string("action") ?? "ACTION_UNSPECIFIED"
        return try WebhookEvent(protoEntity: entity, protoAction: action)
    }

    static func status(_ fields: RequestFields) throws -> Webhook.Status? {
        guard let text = try fields.string("status") else { return nil }
        guard let status = Webhook.Status(rawValue: text) else {
            throw MLflowError.invalidParameter("Invalid value \"\(text)\" for enum field 'status' of the webhook: "
                + "expected one of ACTIVE, DISABLED.")
        }
        return status
    }
}
