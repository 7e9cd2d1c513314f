/// What `swiftrack gc` decides from, read from the store in one snapshot: the deleted runs,
/// experiments and logged models (and every run and logged model of a deleted experiment, since
/// the experiment can go only with them), the ids the caller named in any stage, and every
/// registered model version's pointers (which keep what they point to).
public struct GarbageCollectionInventory: Sendable, Equatable {
    public struct Run: Sendable, Equatable {
        public var runId: String
        public var experimentId: String
        public var lifecycleStage: LifecycleStage
        /// When the run was deleted; nil for runs deleted before MLflow recorded it.
        public var deletedTime: Int64?
        public var artifactURI: String

        public init(runId: String, experimentId: String, lifecycleStage: LifecycleStage, deletedTime: Int64?,
                    artifactURI: String) {
            self.runId = runId
            self.experimentId = experimentId
            self.lifecycleStage = lifecycleStage
            self.deletedTime = deletedTime
            self.artifactURI = artifactURI
        }
    }

    public struct Experiment: Sendable, Equatable {
        public var experimentId: String
        public var lifecycleStage: LifecycleStage
        /// Set when the experiment is deleted and unchanged while it stays deleted: MLflow's deletion time.
        public var lastUpdateTime: Int64?
        public var artifactLocation: String?

        public init(experimentId: String, lifecycleStage: LifecycleStage, lastUpdateTime: Int64?,
                    artifactLocation: String?) {
            self.experimentId = experimentId
            self.lifecycleStage = lifecycleStage
            self.lastUpdateTime = lastUpdateTime
            self.artifactLocation = artifactLocation
        }
    }

    public struct LoggedModel: Sendable, Equatable {
        public var modelId: String
        public var experimentId: String
        public var lifecycleStage: LifecycleStage
        /// Set when the model is deleted: MLflow's deletion time for logged models.
        public var lastUpdatedTime: Int64
        public var artifactLocation: String

        public init(modelId: String, experimentId: String, lifecycleStage: LifecycleStage, lastUpdatedTime: Int64,
                    artifactLocation: String) {
            self.modelId = modelId
            self.experimentId = experimentId
            self.lifecycleStage = lifecycleStage
            self.lastUpdatedTime = lastUpdatedTime
            self.artifactLocation = artifactLocation
        }
    }

    /// A registered model version's pointers to runs and logged models.
    public struct VersionReference: Sendable, Equatable {
        public var name: String
        public var version: Int64
        public var runId: String?
        public var modelId: String?
        public var source: String?
        public var storageLocation: String?

        public init(name: String, version: Int64, runId: String?, modelId: String?, source: String?,
                    storageLocation: String?) {
            self.name = name
            self.version = version
            self.runId = runId
            self.modelId = modelId
            self.source = source
            self.storageLocation = storageLocation
        }
    }

    public var runs: [Run]
    public var experiments: [Experiment]
    public var loggedModels: [LoggedModel]
    public var versions: [VersionReference]

    public init(runs: [Run] = [], experiments: [Experiment] = [], loggedModels: [LoggedModel] = [],
                versions: [VersionReference] = []) {
        self.runs = runs
        self.experiments = experiments
        self.loggedModels = loggedModels
        self.versions = versions
    }
}
