/// A dataset as MLflow's `Dataset` message: identified within an experiment by name and digest.
public struct Dataset: Sendable, Equatable {
    public var name: String
    public var digest: String
    public var sourceType: String
    public var source: String
    public var schema: String?
    public var profile: String?

    public init(name: String, digest: String, sourceType: String, source: String, schema: String? = nil, profile: String? = nil) {
        self.name = name
        self.digest = digest
        self.sourceType = sourceType
        self.source = source
        self.schema = schema
        self.profile = profile
    }
}

/// A dataset used by a run, with the input's tags (e.g. `mlflow.data.context`).
public struct DatasetInput: Sendable, Equatable {
    public var dataset: Dataset
    public var tags: [Tag]
    public init(dataset: Dataset, tags: [Tag] = []) { self.dataset = dataset; self.tags = tags }
}

/// A dataset used by some run of an experiment, with the context it was used in (`mlflow.data.context`).
public struct DatasetSummary: Sendable, Equatable {
    public var experimentId: String
    public var name: String
    public var digest: String
    public var context: String?

    public init(experimentId: String, name: String, digest: String, context: String?) {
        self.experimentId = experimentId
        self.name = name
        self.digest = digest
        self.context = context
    }
}
