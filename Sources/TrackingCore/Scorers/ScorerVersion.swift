/// One version of a registered scorer (MLflow 3's `ScorerVersion`): the scorer as the client
/// serialized it (`json.dumps(scorer.model_dump())`), kept as sent and never run by the server.
/// Versions count from 1 per scorer (a name in an experiment); the scorer's id stays the same
/// across its versions.
public struct ScorerVersion: Sendable, Equatable {
    public var experimentId: String
    public var name: String
    public var version: Int64
    public var serializedScorer: String
    /// Epoch milliseconds.
    public var creationTime: Int64
    public var scorerId: String

    public init(experimentId: String, name: String, version: Int64, serializedScorer: String, creationTime: Int64,
                scorerId: String) {
        self.experimentId = experimentId
        self.name = name
        self.version = version
        self.serializedScorer = serializedScorer
        self.creationTime = creationTime
        self.scorerId = scorerId
    }
}

/// How much of an experiment's traffic a registered scorer should judge automatically (MLflow 3's
/// `OnlineScoringConfig`, at most one per scorer). Swiftrack stores and returns it; it never runs
/// a scorer (that needs Python, and the scorer's model behind an AI gateway Swiftrack does not have).
public struct OnlineScoringConfig: Sendable, Equatable {
    public var configId: String
    public var scorerId: String
    /// 0 to 1; 0 is "stopped".
    public var sampleRate: Double
    public var experimentId: String
    public var filterString: String?

    public init(configId: String, scorerId: String, sampleRate: Double, experimentId: String, filterString: String?) {
        self.configId = configId
        self.scorerId = scorerId
        self.sampleRate = sampleRate
        self.experimentId = experimentId
        self.filterString = filterString
    }
}
