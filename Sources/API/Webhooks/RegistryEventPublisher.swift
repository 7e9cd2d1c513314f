import HTTPServer
import JSON
import TrackingCore

/// Turns a successful registry request into MLflow's webhook event and payload (the
/// `deliver_webhook` calls of mlflow/server/handlers.py), read from the request and the answer.
/// Prompt events (models tagged `mlflow.prompt.is_prompt`) are not sent yet.
struct RegistryEventPublisher: Sendable {
    let publish: @Sendable (WebhookEvent, JSONValue) -> Void

    func afterSuccess(method: String, template: String, request: HTTPRequest, response: HTTPResponse) {
        guard let (event, data) = Self.event(method: method, path: AccessRules.routePath(template),
                                             request: request, response: response) else { return }
        publish(event, data)
    }

    static func event(method: String, path: String, request: HTTPRequest,
                      response: HTTPResponse) -> (WebhookEvent, JSONValue)? {
        guard let fields = try? RequestFields.from(request) else { return nil }
        func text(_ name: String) -> JSONValue {
            if case .string(let value)? = fields.raw(name) { return .string(value) }
            if case .integer(let value)? = fields.raw(name) { return .string(String(value)) }
            return .null
        }
        func optionalText(_ name: String) -> JSONValue {
            if case .string(let value) = text(name), !value.isEmpty { return .string(value) }
            return .null
        }
        func tags() -> JSONValue {
            guard case .array(let items)? = fields.raw("tags") else { return .object([]) }
            var members: [(String, JSONValue)] = []
            for case .object(let tag) in items {
                guard case .string(let key)? = tag.first(where: { $0.0 == "key" })?.1 else { continue }
                let value = tag.first(where: { $0.0 == "value" })?.1 ?? .string("")
                members.removeAll { $0.0 == key }
                members.append((key, value))
            }
            return .object(members)
        }
        func isPrompt() -> Bool {
            guard case .object(let tagMap) = tags() else { return false }
            return tagMap.contains { $0.0 == "mlflow.prompt.is_prompt" }
        }
        do {
            switch method + " " + path {
            case "POST /mlflow/registered-models/create":
                if isPrompt() { return nil }
                let description: JSONValue = { if case .string = text("description") { return text("description") }; return .string("") }()
                return (try WebhookEvent(entity: .registeredModel, action: .created),
                        .object([("name", text("name")), ("tags", tags()), ("description", description)]))
            case "POST /mlflow/model-versions/create":
                if isPrompt() { return nil }
                guard case .object(let body)? = try? JSONParser.parse(response.body),
                      case .object(let version)? = body.first(where: { $0.0 == "model_version" })?.1 else { return nil }
                let field = { (name: String) in version.first { $0.0 == name }?.1 ?? .null }
                return (try WebhookEvent(entity: .modelVersion, action: .created),
                        .object([("name", text("name")), ("version", field("version")),
                                 ("source", field("source") == .null ? text("source") : field("source")),
                                 ("run_id", optionalText("run_id")), ("tags", tags()),
                                 ("description", optionalText("description"))]))
            case "POST /mlflow/model-versions/set-tag":
                return (try WebhookEvent(entity: .modelVersionTag, action: .set),
                        .object([("name", text("name")), ("version", text("version")), ("key", text("key")),
                                 ("value", text("value"))]))
            case "DELETE /mlflow/model-versions/delete-tag":
                return (try WebhookEvent(entity: .modelVersionTag, action: .deleted),
                        .object([("name", text("name")), ("version", text("version")), ("key", text("key"))]))
            case "POST /mlflow/registered-models/alias":
                return (try WebhookEvent(entity: .modelVersionAlias, action: .created),
                        .object([("name", text("name")), ("alias", text("alias")), ("version", text("version"))]))
            case "DELETE /mlflow/registered-models/alias":
                return (try WebhookEvent(entity: .modelVersionAlias, action: .deleted),
                        .object([("name", text("name")), ("alias", text("alias"))]))
            default:
                return nil
            }
        } catch {
            return nil
        }
    }
}
