/// What a webhook subscribes to: an entity and an action (MLflow's `WebhookEvent`, webhooks.proto).
/// Raw values are MLflow's lower-case entity values (the payload's `entity`); proto names are upper case.
public enum WebhookEntity: String, Sendable, CaseIterable {
    case registeredModel = "registered_model"
    case modelVersion = "model_version"
    case modelVersionTag = "model_version_tag"
    case modelVersionAlias = "model_version_alias"
    case prompt
    case promptVersion = "prompt_version"
    case promptTag = "prompt_tag"
    case promptVersionTag = "prompt_version_tag"
    case promptAlias = "prompt_alias"
    case budgetPolicy = "budget_policy"

    /// The proto enum name (`MODEL_VERSION`).
    public var protoName: String { rawValue.uppercased() }

    public init?(protoName: String) { self.init(rawValue: protoName.lowercased()) }
}

public enum WebhookAction: String, Sendable, CaseIterable {
    case created, updated, deleted, set, exceeded

    public var protoName: String { rawValue.uppercased() }

    public init?(protoName: String) { self.init(rawValue: protoName.lowercased()) }
}

public struct WebhookEvent: Sendable, Hashable {
    public let entity: WebhookEntity
    public let action: WebhookAction

    /// MLflow's `VALID_ENTITY_ACTIONS`.
    public static func validActions(for entity: WebhookEntity) -> [WebhookAction] {
        switch entity {
        case .registeredModel, .modelVersion, .prompt, .promptVersion: return [.created]
        case .modelVersionTag, .promptTag, .promptVersionTag: return [.set, .deleted]
        case .modelVersionAlias, .promptAlias: return [.created, .deleted]
        case .budgetPolicy: return [.exceeded]
        }
    }

    /// Checks the combination with MLflow's message.
    public init(entity: WebhookEntity, action: WebhookAction) throws(MLflowError) {
        let valid = Self.validActions(for: entity)
        guard valid.contains(action) else {
            let listed = valid.map(\.rawValue).sorted().map { "'\($0)'" }.joined(separator: ", ")
            throw .invalidParameter("Invalid action '\(action.rawValue)' for entity '\(entity.rawValue)'. "
                + "Valid actions are: [\(listed)]")
        }
        self.entity = entity
        self.action = action
    }

    /// Reads proto enum names (`"MODEL_VERSION"`, `"CREATED"`) as a client sends them.
    public init(protoEntity: String, protoAction: String) throws(MLflowError) {
        guard let entity = WebhookEntity(protoName: protoEntity), protoEntity == protoEntity.uppercased() else {
            throw .invalidParameter("Invalid value \"\(protoEntity)\" for enum field 'entity' of WebhookEvent: "
                + "expected one of \(WebhookEntity.allCases.map(\.protoName).joined(separator: ", ")).")
        }
        guard let action = WebhookAction(protoName: protoAction), protoAction == protoAction.uppercased() else {
            throw .invalidParameter("Invalid value \"\(protoAction)\" for enum field 'action' of WebhookEvent: "
                + "expected one of \(WebhookAction.allCases.map(\.protoName).joined(separator: ", ")).")
        }
        try self.init(entity: entity, action: action)
    }

    /// `model_version.created`.
    public var name: String { "\(entity.rawValue).\(action.rawValue)" }
}
