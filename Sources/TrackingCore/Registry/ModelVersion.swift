/// The registration state of a model version (`ModelVersionStatus`).
public enum ModelVersionStatus: String, Sendable, Equatable {
    case pendingRegistration = "PENDING_REGISTRATION"
    case failedRegistration = "FAILED_REGISTRATION"
    case ready = "READY"
}

/// A version of a registered model, as MLflow's `ModelVersion` message describes it.
public struct ModelVersion: Sendable, Equatable {
    public var name: String
    /// The version number, as MLflow sends it: a decimal string.
    public var version: String
    public var creationTimestamp: Int64
    public var lastUpdatedTimestamp: Int64?
    public var userId: String?
    public var currentStage: ModelStage
    public var description: String?
    public var source: String?
    public var runId: String?
    public var status: ModelVersionStatus
    public var statusMessage: String?
    public var tags: [Tag]
    public var runLink: String?
    /// The aliases pointing at this version (filled by point reads, left empty by search, as MLflow).
    public var aliases: [String]
    /// The logged model this version was registered from, if any.
    public var modelId: String?

    public init(name: String, version: String, creationTimestamp: Int64, lastUpdatedTimestamp: Int64? = nil,
                userId: String? = nil, currentStage: ModelStage = .none, description: String? = nil,
                source: String? = nil, runId: String? = nil, status: ModelVersionStatus = .ready,
                statusMessage: String? = nil, tags: [Tag] = [], runLink: String? = nil, aliases: [String] = [],
                modelId: String? = nil) {
        self.name = name
        self.version = version
        self.creationTimestamp = creationTimestamp
        self.lastUpdatedTimestamp = lastUpdatedTimestamp
        self.userId = userId
        self.currentStage = currentStage
        self.description = description
        self.source = source
        self.runId = runId
        self.status = status
        self.statusMessage = statusMessage
        self.tags = tags
        self.runLink = runLink
        self.aliases = aliases
        self.modelId = modelId
    }
}
