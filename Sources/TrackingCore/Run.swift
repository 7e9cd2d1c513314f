/// A run: its info, data and inputs/outputs, as MLflow's `Run` message.
public struct Run: Sendable, Equatable {
    public var info: RunInfo
    public var metrics: [Metric]
    public var params: [Param]
    public var tags: [Tag]
    public var datasetInputs: [DatasetInput]
    public var modelInputs: [String]
    public var modelOutputs: [ModelOutput]

    public init(info: RunInfo, metrics: [Metric] = [], params: [Param] = [], tags: [Tag] = [],
                datasetInputs: [DatasetInput] = [], modelInputs: [String] = [], modelOutputs: [ModelOutput] = []) {
        self.info = info
        self.metrics = metrics
        self.params = params
        self.tags = tags
        self.datasetInputs = datasetInputs
        self.modelInputs = modelInputs
        self.modelOutputs = modelOutputs
    }
}

/// `RunInfo`: the run's attributes.
public struct RunInfo: Sendable, Equatable {
    public var runId: String
    public var runName: String
    public var experimentId: String
    public var userId: String
    public var status: RunStatus
    public var startTime: Int64?
    public var endTime: Int64?
    public var artifactUri: String
    public var lifecycleStage: LifecycleStage

    public init(runId: String, runName: String, experimentId: String, userId: String, status: RunStatus,
                startTime: Int64?, endTime: Int64?, artifactUri: String, lifecycleStage: LifecycleStage) {
        self.runId = runId
        self.runName = runName
        self.experimentId = experimentId
        self.userId = userId
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
        self.artifactUri = artifactUri
        self.lifecycleStage = lifecycleStage
    }
}

/// MLflow's `RunStatus` enum.
public enum RunStatus: String, Sendable, Equatable, CaseIterable {
    case running = "RUNNING"
    case scheduled = "SCHEDULED"
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"

    /// A run in one of these states has ended (its end_time is set).
    public var isTerminated: Bool { self == .finished || self == .failed || self == .killed }
}

/// A run parameter; immutable once logged.
public struct Param: Sendable, Equatable, Hashable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
}

/// One metric observation.
public struct Metric: Sendable, Equatable {
    public var key: String
    public var value: Double
    public var timestamp: Int64
    public var step: Int64
    public var runId: String?
    public var modelId: String?
    public var datasetName: String?
    public var datasetDigest: String?

    public init(key: String, value: Double, timestamp: Int64, step: Int64, runId: String? = nil,
                modelId: String? = nil, datasetName: String? = nil, datasetDigest: String? = nil) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.step = step
        self.runId = runId
        self.modelId = modelId
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }
}

/// A model logged as a run output (MLflow 3).
public struct ModelOutput: Sendable, Equatable {
    public var modelId: String
    public var step: Int64
    public init(modelId: String, step: Int64) { self.modelId = modelId; self.step = step }
}
