public import Storage

/// The stores the API serves, each capability named: a route group exists when its store does,
/// and nothing is found by casting. `APIStores(store)` is Swiftrack's SQL store with all of them.
public struct APIStores: Sendable {
    public var tracking: any TrackingStore
    public var loggedModels: (any LoggedModelStore)?
    public var registry: (any RegistryStore)?
    public var transitionRequests: (any TransitionRequestStore)?
    public var traces: (any TraceStore)?
    public var assessments: (any AssessmentStore)?
    public var datasets: (any DatasetStore)?
    public var scorers: (any ScorerStore)?

    public init(tracking: any TrackingStore, loggedModels: (any LoggedModelStore)? = nil,
                registry: (any RegistryStore)? = nil, transitionRequests: (any TransitionRequestStore)? = nil,
                traces: (any TraceStore)? = nil, assessments: (any AssessmentStore)? = nil,
                datasets: (any DatasetStore)? = nil, scorers: (any ScorerStore)? = nil) {
        self.tracking = tracking
        self.loggedModels = loggedModels
        self.registry = registry
        self.transitionRequests = transitionRequests
        self.traces = traces
        self.assessments = assessments
        self.datasets = datasets
        self.scorers = scorers
    }

    /// The tracking store and the registry beside it on one database.
    public init(_ store: SQLTrackingStore) {
        let registry = store.registryStore
        self.init(tracking: store, loggedModels: store, registry: registry, transitionRequests: registry, traces: store,
                  assessments: store, datasets: store, scorers: store)
    }
}
