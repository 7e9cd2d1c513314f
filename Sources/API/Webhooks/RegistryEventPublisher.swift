import JSON
import TrackingCore

/// Turns the registry changes a successful request's handler emitted into MLflow's webhook events
/// and payloads (the `deliver_webhook` calls of mlflow/server/handlers.py) and hands them to the
/// dispatcher. Prompts (registered models tagged `mlflow.prompt.is_prompt = true`) get MLflow's
/// prompt events: judged by the change's own tags on creation, by the stored model's otherwise.
struct RegistryEventPublisher: Sendable {
    static let isPromptKey = "mlflow.prompt.is_prompt"
    static let promptTextKey = "mlflow.prompt.text"
    static let promptTypeKey = "_mlflow_prompt_type"

    /// Whether the registered model of that name is a prompt.
    let isPromptModel: @Sendable (String) -> Bool
    let publish: @Sendable (WebhookEvent, JSONValue) -> Void

    func publish(_ changes: [RegistryChange]) {
        for change in changes {
            guard let (event, data) = Self.event(for: change, isPromptModel: isPromptModel) else { continue }
            publish(event, data)
        }
    }

    static func event(for change: RegistryChange, isPromptModel: (String) -> Bool) -> (WebhookEvent, JSONValue)? {
        do {
            switch change {
            case .registeredModelCreated(let name, let tags, let description):
                if isPrompt(tags) {
                    return (try WebhookEvent(entity: .prompt, action: .created),
                            .object([("name", .string(name)), ("tags", tagMap(tags, without: [isPromptKey, promptTypeKey])),
                                     ("description", .string(description))]))
                }
                return (try WebhookEvent(entity: .registeredModel, action: .created),
                        .object([("name", .string(name)), ("tags", tagMap(tags)), ("description", .string(description))]))
            case .modelVersionCreated(let name, let version, let source, let runId, let tags, let description):
                let describedAs: JSONValue = description.map(JSONValue.string) ?? .null
                if isPrompt(tags) {
                    let template = lastValue(tags, promptTextKey).map(JSONValue.string) ?? .null
                    return (try WebhookEvent(entity: .promptVersion, action: .created),
                            .object([("name", .string(name)), ("version", .string(version)), ("template", template),
                                     ("tags", tagMap(tags, without: [promptTextKey, isPromptKey, promptTypeKey])),
                                     ("description", describedAs)]))
                }
                return (try WebhookEvent(entity: .modelVersion, action: .created),
                        .object([("name", .string(name)), ("version", .string(version)), ("source", .string(source)),
                                 ("run_id", runId.map(JSONValue.string) ?? .null), ("tags", tagMap(tags)),
                                 ("description", describedAs)]))
            case .registeredModelTagSet(let name, let key, let value):
                guard isPromptModel(name) else { return nil }
                return (try WebhookEvent(entity: .promptTag, action: .set),
                        .object([("name", .string(name)), ("key", .string(key)), ("value", .string(value))]))
            case .registeredModelTagDeleted(let name, let key):
                guard isPromptModel(name) else { return nil }
                return (try WebhookEvent(entity: .promptTag, action: .deleted),
                        .object([("name", .string(name)), ("key", .string(key))]))
            case .modelVersionTagSet(let name, let version, let key, let value):
                return (try WebhookEvent(entity: isPromptModel(name) ? .promptVersionTag : .modelVersionTag, action: .set),
                        .object([("name", .string(name)), ("version", .string(version)), ("key", .string(key)),
                                 ("value", .string(value))]))
            case .modelVersionTagDeleted(let name, let version, let key):
                return (try WebhookEvent(entity: isPromptModel(name) ? .promptVersionTag : .modelVersionTag,
                                         action: .deleted),
                        .object([("name", .string(name)), ("version", .string(version)), ("key", .string(key))]))
            case .aliasSet(let name, let alias, let version):
                return (try WebhookEvent(entity: isPromptModel(name) ? .promptAlias : .modelVersionAlias, action: .created),
                        .object([("name", .string(name)), ("alias", .string(alias)), ("version", .string(version))]))
            case .aliasDeleted(let name, let alias):
                return (try WebhookEvent(entity: isPromptModel(name) ? .promptAlias : .modelVersionAlias, action: .deleted),
                        .object([("name", .string(name)), ("alias", .string(alias))]))
            case .registeredModelRenamed, .registeredModelDeleted:
                return nil
            }
        } catch {
            return nil
        }
    }

    /// `_is_prompt_request`: the tags, last value winning, "true" in any case.
    private static func isPrompt(_ tags: [Tag]) -> Bool {
        lastValue(tags, isPromptKey)?.lowercased() == "true"
    }

    private static func lastValue(_ tags: [Tag], _ key: String) -> String? {
        tags.last { $0.key == key }?.value
    }

    /// The tags as MLflow's payloads write them: one member per key, the last value winning, in the
    /// order of each key's last appearance.
    private static func tagMap(_ tags: [Tag], without keys: Set<String> = []) -> JSONValue {
        var members: [(String, JSONValue)] = []
        for tag in tags where !keys.contains(tag.key) {
            members.removeAll { $0.0 == tag.key }
            members.append((tag.key, .string(tag.value)))
        }
        return .object(members)
    }
}
