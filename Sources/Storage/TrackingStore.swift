public import TrackingCore

/// The tracking store: every engine (SQLite, PostgreSQL, MySQL) implements it.
/// Each call is one transaction; failures are thrown as `MLflowError`.
public protocol TrackingStore: Sendable {
    // Experiments
    func createExperiment(name: String, artifactLocation: String?, tags: [Tag]) throws -> String
    func getExperiment(id: String) throws -> Experiment
    /// nil when no experiment (active or deleted) has the name.
    func getExperimentByName(_ name: String) throws -> Experiment?
    func searchExperiments(_ query: ExperimentSearchQuery) throws -> Page<Experiment>
    func renameExperiment(id: String, newName: String) throws
    func deleteExperiment(id: String) throws
    func restoreExperiment(id: String) throws
    func setExperimentTag(id: String, tag: Tag) throws
    func deleteExperimentTag(id: String, key: String) throws
    /// Where a new experiment's artifacts go when it names no location: `<root>/<experiment id>`.
    var defaultArtifactRoot: String { get }
    /// Every experiment (active or deleted) whose artifact location contains `fragment` as exact,
    /// case-sensitive text (`_` and `%` are themselves; "" matches every location), with that location:
    /// the candidates from which the artifact proxy picks the experiment owning a path.
    func experimentArtifactLocations(containing fragment: String) throws -> [ExperimentArtifactLocation]

    // Runs
    func createRun(_ request: CreateRunRequest) throws -> Run
    func getRun(id: String) throws -> Run
    /// The experiment of a run (deleted or not), nil for an unknown run: what access checks need,
    /// without loading the run.
    func experimentId(ofRun runId: String) throws -> String?
    /// Applies the given changes; nil fields stay as they are. Returns the updated info.
    func updateRun(id: String, status: RunStatus?, endTime: Int64?, runName: String?) throws -> RunInfo
    func deleteRun(id: String) throws
    func restoreRun(id: String) throws
    func searchRuns(_ query: RunSearchQuery) throws -> Page<Run>
    /// Logs all or nothing, in one transaction.
    func logBatch(runId: String, metrics: [Metric], params: [Param], tags: [Tag]) throws
    /// Logs one param (runs/log-parameter): MLflow words a changed value differently than log-batch does.
    func logParam(runId: String, param: Param) throws
    func deleteTag(runId: String, key: String) throws
    /// Sets the run tag `key` to `newValue(its current value)` in one transaction, the run locked and
    /// required active (runs/log-model appends to `mlflow.log-model.history` this way).
    func updateRunTag(runId: String, key: String, _ newValue: (String?) throws -> String) throws
    func logInputs(runId: String, datasets: [DatasetInput], modelIds: [String]) throws
    /// The distinct (experiment, dataset name, digest, context tag) of the runs' dataset inputs in
    /// these experiments, at most `limit` (MLflow's `_search_datasets`, which the UI's filters use).
    func searchDatasetSummaries(experimentIds: [String], limit: Int) throws -> [DatasetSummary]

    // Metrics
    func getMetricHistory(runId: String, key: String, maxResults: Int?, pageToken: String?) throws -> Page<Metric>
    /// Up to `maxResults` evenly spaced steps per run in [startStep, endStep] (the UI's chart sampling).
    func getMetricHistoryBulkInterval(runIds: [String], key: String, startStep: Int64?, endStep: Int64?,
                                      maxResults: Int) throws -> [Metric]
}

extension TrackingStore {
    /// Engines without their own wording log one param as a batch of one.
    public func logParam(runId: String, param: Param) throws {
        try logBatch(runId: runId, metrics: [], params: [param], tags: [])
    }
}

/// An experiment's id and its artifact location as stored.
public struct ExperimentArtifactLocation: Sendable, Equatable {
    public var experimentId: String
    public var artifactLocation: String
    public init(experimentId: String, artifactLocation: String) {
        self.experimentId = experimentId
        self.artifactLocation = artifactLocation
    }
}

/// One page of results and the opaque token for the next, if any.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextPageToken: String?
    public init(items: [Item], nextPageToken: String?) { self.items = items; self.nextPageToken = nextPageToken }
}

/// Parameters of `runs/create`.
public struct CreateRunRequest: Sendable {
    public var experimentId: String
    public var userId: String
    public var runName: String?
    public var startTime: Int64?
    public var tags: [Tag]
    public init(experimentId: String, userId: String, runName: String?, startTime: Int64?, tags: [Tag]) {
        self.experimentId = experimentId
        self.userId = userId
        self.runName = runName
        self.startTime = startTime
        self.tags = tags
    }
}

/// Parameters of `experiments/search`.
public struct ExperimentSearchQuery: Sendable {
    public var filter: String
    public var orderBy: [String]
    public var maxResults: Int
    public var pageToken: String?
    public var viewType: ViewType
    /// The experiments the caller may read (access control); others are never answered.
    public var visibleExperiments: IdentifierFilter = .all
    public init(filter: String = "", orderBy: [String] = [], maxResults: Int = 1000, pageToken: String? = nil,
                viewType: ViewType = .activeOnly, visibleExperiments: IdentifierFilter = .all) {
        self.filter = filter
        self.orderBy = orderBy
        self.maxResults = maxResults
        self.pageToken = pageToken
        self.viewType = viewType
        self.visibleExperiments = visibleExperiments
    }
}

/// Parameters of `runs/search`.
public struct RunSearchQuery: Sendable {
    public var experimentIds: [String]
    public var filter: String
    public var orderBy: [String]
    public var maxResults: Int
    public var pageToken: String?
    public var viewType: ViewType
    public init(experimentIds: [String], filter: String = "", orderBy: [String] = [], maxResults: Int = 1000,
                pageToken: String? = nil, viewType: ViewType = .activeOnly) {
        self.experimentIds = experimentIds
        self.filter = filter
        self.orderBy = orderBy
        self.maxResults = maxResults
        self.pageToken = pageToken
        self.viewType = viewType
    }
}
