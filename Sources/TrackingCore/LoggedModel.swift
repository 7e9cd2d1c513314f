/// An MLflow 3 logged model: a model produced by (or registered outside) a run, as `LoggedModel`.
public struct LoggedModel: Sendable, Equatable {
    /// "m-" followed by 32 lowercase hex characters.
    public var modelId: String
    public var experimentId: String
    public var name: String
    /// `<experiment artifact location>/models/<model_id>/artifacts`.
    public var artifactLocation: String
    public var creationTimestamp: Int64
    public var lastUpdatedTimestamp: Int64
    public var status: LoggedModelStatus
    public var statusMessage: String?
    public var modelType: String?
    public var sourceRunId: String?
    public var lifecycleStage: LifecycleStage
    /// In storage order; keys are unique.
    public var tags: [Tag]
    /// In storage order; keys are unique.
    public var params: [Param]
    /// Every metric observation logged with this model's id (MLflow returns them all, not only the latest).
    public var metrics: [Metric]

    public init(modelId: String, experimentId: String, name: String, artifactLocation: String,
                creationTimestamp: Int64, lastUpdatedTimestamp: Int64, status: LoggedModelStatus,
                statusMessage: String? = nil, modelType: String? = nil, sourceRunId: String? = nil,
                lifecycleStage: LifecycleStage = .active, tags: [Tag] = [], params: [Param] = [], metrics: [Metric] = []) {
        self.modelId = modelId
        self.experimentId = experimentId
        self.name = name
        self.artifactLocation = artifactLocation
        self.creationTimestamp = creationTimestamp
        self.lastUpdatedTimestamp = lastUpdatedTimestamp
        self.status = status
        self.statusMessage = statusMessage
        self.modelType = modelType
        self.sourceRunId = sourceRunId
        self.lifecycleStage = lifecycleStage
        self.tags = tags
        self.params = params
        self.metrics = metrics
    }
}

/// `LoggedModelStatus`: the proto names, and the integers MLflow stores.
public enum LoggedModelStatus: String, Sendable, Equatable, CaseIterable {
    case unspecified = "LOGGED_MODEL_STATUS_UNSPECIFIED"
    case pending = "LOGGED_MODEL_PENDING"
    case ready = "LOGGED_MODEL_READY"
    case uploadFailed = "LOGGED_MODEL_UPLOAD_FAILED"

    /// The stored integer (and the proto enum number).
    public var number: Int {
        switch self {
        case .unspecified: return 0
        case .pending: return 1
        case .ready: return 2
        case .uploadFailed: return 3
        }
    }

    public init?(number: Int) {
        guard let status = Self.allCases.first(where: { $0.number == number }) else { return nil }
        self = status
    }
}
