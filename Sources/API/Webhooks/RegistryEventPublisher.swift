import HTTPTransport
import JSON
import TrackingCore

/// Turns a successful registry request into MLflow's webhook event and payload (the
/// `deliver_webhook` calls of mlflow/server/handlers.py), read from the request and the answer.
/// Prompts (registered models tagged `mlflow.prompt.is_prompt = true`) get MLflow's prompt events:
/// judged by the request's tags on creation, by the stored model's tags otherwise.
struct RegistryEventPublisher: Sendable {
    static let isPromptKey = "mlflow.prompt.is_prompt"
    static let promptTextKey = "mlflow.prompt.text"
    static let promptTypeKey = "_mlflow_prompt_type"

    /// Whether the registered model of that name is a prompt.
    let isPromptModel: @Sendable (String) -> Bool
    let publish: @Sendable (WebhookEvent, JSONValue) -> Void

    func afterSuccess(_ request: RouteRequest, response: HTTPResponse) {
        // A request whose fields did not parse changed nothing (its handler refused it first).
        guard let fields = try? request.fields(),
              let (event, data) = Self.event(method: request.method, path: Router.unprefixed(request.template),
                                             fields: fields, response: response, isPromptModel: isPromptModel) else { return }
        publish(event, data)
    }

    static func event(method: String, path: String, fields: RequestFields, response: HTTPResponse,
                      isPromptModel: (String) -> Bool) -> (WebhookEvent, JSONValue)? {
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
        /// `_is_prompt_request`: the request's tags, last value winning, "true" in any case.
        func isPromptRequest() -> Bool {
            guard case .object(let tagMap) = tags(),
                  case .string(let value)? = tagMap.first(where: { $0.0 == isPromptKey })?.1 else { return false }
            return value.lowercased() == "true"
        }
        func tagsWithout(_ keys: Set<String>) -> JSONValue {
            guard case .object(let tagMap) = tags() else { return .object([]) }
            return .object(tagMap.filter { !keys.contains($0.0) })
        }
        func promptModel() -> Bool {
            guard case .string(let name) = text("name") else { return false }
            return isPromptModel(name)
        }
        do {
            switch method + " " + path {
            case "POST /mlflow/registered-models/create" where isPromptRequest():
                let description: JSONValue = { if case .string = text("description") { return text("description") }; return .string("") }()
                return (try WebhookEvent(entity: .prompt, action: .created),
                        .object([("name", text("name")), ("tags", tagsWithout([isPromptKey, promptTypeKey])),
                                 ("description", description)]))
            case "POST /mlflow/registered-models/create":
                let description: JSONValue = { if case .string = text("description") { return text("description") }; return .string("") }()
                return (try WebhookEvent(entity: .registeredModel, action: .created),
                        .object([("name", text("name")), ("tags", tags()), ("description", description)]))
            case "POST /mlflow/model-versions/create":
                guard case .object(let body)? = try? JSONParser.parse(response.body),
                      case .object(let version)? = body.first(where: { $0.0 == "model_version" })?.1 else { return nil }
                let field = { (name: String) in version.first { $0.0 == name }?.1 ?? .null }
                if isPromptRequest() {
                    guard case .object(let tagMap) = tags() else { return nil }
                    let template = tagMap.first { $0.0 == promptTextKey }?.1 ?? .null
                    return (try WebhookEvent(entity: .promptVersion, action: .created),
                            .object([("name", text("name")), ("version", field("version")), ("template", template),
                                     ("tags", tagsWithout([promptTextKey, isPromptKey, promptTypeKey])),
                                     ("description", optionalText("description"))]))
                }
                return (try WebhookEvent(entity: .modelVersion, action: .created),
                        .object([("name", text("name")), ("version", field("version")),
                                 ("source", field("source") == .null ? text("source") : field("source")),
                                 ("run_id", optionalText("run_id")), ("tags", tags()),
                                 ("description", optionalText("description"))]))
            case "POST /mlflow/registered-models/set-tag":
                guard promptModel() else { return nil }
                return (try WebhookEvent(entity: .promptTag, action: .set),
                        .object([("name", text("name")), ("key", text("key")), ("value", text("value"))]))
            case "DELETE /mlflow/registered-models/delete-tag":
                guard promptModel() else { return nil }
                return (try WebhookEvent(entity: .promptTag, action: .deleted),
                        .object([("name", text("name")), ("key", text("key"))]))
            case "POST /mlflow/model-versions/set-tag":
                return (try WebhookEvent(entity: promptModel() ? .promptVersionTag : .modelVersionTag, action: .set),
                        .object([("name", text("name")), ("version", text("version")), ("key", text("key")),
                                 ("value", text("value"))]))
            case "DELETE /mlflow/model-versions/delete-tag":
                return (try WebhookEvent(entity: promptModel() ? .promptVersionTag : .modelVersionTag, action: .deleted),
                        .object([("name", text("name")), ("version", text("version")), ("key", text("key"))]))
            case "POST /mlflow/registered-models/alias":
                return (try WebhookEvent(entity: promptModel() ? .promptAlias : .modelVersionAlias, action: .created),
                        .object([("name", text("name")), ("alias", text("alias")), ("version", text("version"))]))
            case "DELETE /mlflow/registered-models/alias":
                return (try WebhookEvent(entity: promptModel() ? .promptAlias : .modelVersionAlias, action: .deleted),
                        .object([("name", text("name")), ("alias", text("alias"))]))
            default:
                return nil
            }
        } catch {
            return nil
        }
    }
}
