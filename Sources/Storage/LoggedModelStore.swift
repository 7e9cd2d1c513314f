public import TrackingCore

/// MLflow 3 logged models and run outputs. Engines implement it beside `TrackingStore`;
/// each call is one transaction and failures are thrown as `MLflowError`.
public protocol LoggedModelStore: Sendable {
    /// Creates a PENDING model; the experiment must exist and be active. A nil name is generated.
    func createLoggedModel(_ request: CreateLoggedModelRequest) throws -> LoggedModel
    /// A model; a deleted one only when `allowDeleted`.
    func getLoggedModel(id: String, allowDeleted: Bool) throws -> LoggedModel
    /// Sets the status (READY or FAILED, as the client sends) and the update time.
    func finalizeLoggedModel(id: String, status: LoggedModelStatus) throws -> LoggedModel
    /// Marks the model deleted (it stays readable with `allowDeleted`).
    func deleteLoggedModel(id: String) throws
    func searchLoggedModels(_ query: LoggedModelSearchQuery) throws -> Page<LoggedModel>
    /// Upserts tags; a repeated key keeps its last value.
    func setLoggedModelTags(id: String, tags: [Tag]) throws
    func deleteLoggedModelTag(id: String, key: String) throws
    func logLoggedModelParams(id: String, params: [Param]) throws
    /// Records models as outputs of an active run (`/runs/outputs`); runs/get reports them.
    func logOutputs(runId: String, models: [ModelOutput]) throws
}

/// Parameters of `logged-models` create.
public struct CreateLoggedModelRequest: Sendable {
    public var experimentId: String
    public var name: String?
    public var modelType: String?
    public var sourceRunId: String?
    public var params: [Param]
    public var tags: [Tag]

    public init(experimentId: String, name: String? = nil, modelType: String? = nil, sourceRunId: String? = nil,
                params: [Param] = [], tags: [Tag] = []) {
        self.experimentId = experimentId
        self.name = name
        self.modelType = modelType
        self.sourceRunId = sourceRunId
        self.params = params
        self.tags = tags
    }
}

/// Parameters of `logged-models/search`.
public struct LoggedModelSearchQuery: Sendable {
    public var experimentIds: [String]
    public var filter: String?
    public var datasets: [LoggedModelDatasetFilter]
    public var orderBy: [LoggedModelOrderBy]
    /// MLflow's store default is 100 (its REST handler's proto default is 50).
    public var maxResults: Int
    public var pageToken: String?

    public init(experimentIds: [String], filter: String? = nil, datasets: [LoggedModelDatasetFilter] = [],
                orderBy: [LoggedModelOrderBy] = [], maxResults: Int = 100, pageToken: String? = nil) {
        self.experimentIds = experimentIds
        self.filter = filter
        self.datasets = datasets
        self.orderBy = orderBy
        self.maxResults = maxResults
        self.pageToken = pageToken
    }
}
