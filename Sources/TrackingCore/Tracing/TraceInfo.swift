/// MLflow 3's `TraceInfoV3` as the store keeps it: one record per trace, in an experiment.
/// Times are epoch milliseconds (the wire's Timestamp and Duration are converted at the API edge).
public struct TraceInfo: Sendable, Equatable {
    public var traceId: String
    public var experimentId: String
    public var clientRequestId: String?
    /// When the trace started, epoch milliseconds (`request_time`).
    public var requestTime: Int64
    /// How long it ran, milliseconds (`execution_duration`); nil while unknown.
    public var executionDuration: Int64?
    public var state: TraceState
    public var requestPreview: String?
    public var responsePreview: String?
    /// Tags by key (one value each), sorted by key.
    public var tags: [Tag]
    /// Request metadata by key (one value each), sorted by key.
    public var metadata: [Tag]
    /// Its feedback and expectations, oldest first.
    public var assessments: [Assessment] = []

    public init(traceId: String, experimentId: String, clientRequestId: String? = nil, requestTime: Int64,
                executionDuration: Int64? = nil, state: TraceState, requestPreview: String? = nil,
                responsePreview: String? = nil, tags: [Tag] = [], metadata: [Tag] = []) {
        self.traceId = traceId
        self.experimentId = experimentId
        self.clientRequestId = clientRequestId
        self.requestTime = requestTime
        self.executionDuration = executionDuration
        self.state = state
        self.requestPreview = requestPreview
        self.responsePreview = responsePreview
        self.tags = tags
        self.metadata = metadata
    }

    /// The value of a tag, if set.
    public func tag(_ key: String) -> String? { tags.last { $0.key == key }?.value }
}

/// `TraceInfoV3.State`, stored as its name (MLflow's `status` column).
public enum TraceState: String, Sendable, Equatable, CaseIterable {
    case unspecified = "STATE_UNSPECIFIED"
    case ok = "OK"
    case error = "ERROR"
    case inProgress = "IN_PROGRESS"
}

/// The tag and metadata keys MLflow gives a meaning to.
public enum TraceKeys {
    /// Where the client writes and reads the trace's spans (`traces.json`) through the artifact store.
    public static let artifactLocation = "mlflow.artifactLocation"
    /// The run a trace was logged in (metadata), used by search's run filter and `link-to-run`.
    public static let sourceRun = "mlflow.sourceRun"
    /// Where the trace's spans are: `TRACKING_STORE` once spans arrived through OTLP (the client then
    /// reads them with `traces/get` and uploads no `traces.json`).
    public static let spansLocation = "mlflow.trace.spansLocation"
    public static let spansInTrackingStore = "TRACKING_STORE"
    /// Metadata `start_trace` adds: the client's record of the trace is final, so spans arriving
    /// later no longer move its time range.
    public static let infoFinalized = "mlflow.trace.infoFinalized"
    /// Metadata naming the trace's user (from a span's `user.id` attribute when the client gave none).
    public static let user = "mlflow.trace.user"
    /// The prompt versions a trace used (a JSON list the client keeps; search reads the links).
    public static let linkedPrompts = "mlflow.linkedPrompts"
    /// Tags only the server sets: where a trace's artifacts and spans are. A client that could set
    /// them would point its trace's artifact reads at another experiment's files (break-in review 3).
    public static let serverOwnedTags: Set<String> = [artifactLocation, spansLocation]
    /// The folder of an experiment's artifact location that holds its traces.
    public static let traceFolder = "traces"
}
