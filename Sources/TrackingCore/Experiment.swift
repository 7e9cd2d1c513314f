/// An experiment as MLflow's `Experiment` message describes it.
public struct Experiment: Sendable, Equatable {
    public var experimentId: String
    public var name: String
    public var artifactLocation: String
    public var lifecycleStage: LifecycleStage
    public var creationTime: Int64?
    public var lastUpdateTime: Int64?
    public var tags: [Tag]

    public init(experimentId: String, name: String, artifactLocation: String,
                lifecycleStage: LifecycleStage, creationTime: Int64?, lastUpdateTime: Int64?, tags: [Tag] = []) {
        self.experimentId = experimentId
        self.name = name
        self.artifactLocation = artifactLocation
        self.lifecycleStage = lifecycleStage
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
        self.tags = tags
    }

    /// The id and name of the experiment every server starts with.
    public static let defaultId = "0"
    public static let defaultName = "Default"
}

/// A key/value tag (experiment tags and run tags share the shape).
public struct Tag: Sendable, Equatable, Hashable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
}

/// `active` or `deleted`, as MLflow spells them.
public enum LifecycleStage: String, Sendable, Equatable {
    case active
    case deleted
}

/// Which lifecycle stages a search includes (`ViewType`).
public enum ViewType: String, Sendable, Equatable {
    case activeOnly = "ACTIVE_ONLY"
    case deletedOnly = "DELETED_ONLY"
    case all = "ALL"

    public var stages: [LifecycleStage] {
        switch self {
        case .activeOnly: return [.active]
        case .deletedOnly: return [.deleted]
        case .all: return [.active, .deleted]
        }
    }
}
