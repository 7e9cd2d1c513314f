public import TrackingCore

/// MLflow 3's trace records (`TraceInfoV3`): created by the client when a trace ends, then read,
/// searched, tagged and deleted. Engines implement it beside `TrackingStore`, one transaction per
/// call, failures thrown as `MLflowError`. The spans are not here yet: the client writes them as a
/// `traces.json` artifact under the trace's `mlflow.artifactLocation` tag, which `startTrace` sets.
public protocol TraceStore: Sendable {
    /// Records a trace in an active experiment, adding the `mlflow.artifactLocation` tag
    /// (`<experiment location>/traces/<trace id>/artifacts`); a trace id already recorded is refused.
    func startTrace(_ info: TraceInfo) throws -> TraceInfo
    /// MLflow's 404 "Trace with ID '<id>' not found." for an unknown id.
    func getTraceInfo(traceId: String) throws -> TraceInfo
    /// The traces found among `traceIds`, in that order (unknown ids left out), optionally only
    /// those in `experimentIds`.
    func batchGetTraceInfos(traceIds: [String], experimentIds: [String]?) throws -> [TraceInfo]
    func searchTraces(_ query: TraceSearchQuery) throws -> Page<TraceInfo>
    func setTraceTag(traceId: String, key: String, value: String) throws
    /// MLflow's 404 when the trace has no such tag.
    func deleteTraceTag(traceId: String, key: String) throws
    /// Deletes the experiment's traces older than (or at) `maxTimestampMillis`, oldest first, at
    /// most `maxTraces`; or those of `traceIds`. Returns how many went.
    func deleteTraces(experimentId: String, maxTimestampMillis: Int64?, maxTraces: Int?, traceIds: [String]) throws -> Int
    /// The experiment a trace belongs to, nil for an unknown trace (for access checks).
    func experimentId(ofTrace traceId: String) throws -> String?
}

/// Parameters of traces/search.
public struct TraceSearchQuery: Sendable {
    public var experimentIds: [String]
    public var filter: String
    public var maxResults: Int
    public var orderBy: [String]
    public var pageToken: String?

    public init(experimentIds: [String], filter: String = "", maxResults: Int = 100, orderBy: [String] = [],
                pageToken: String? = nil) {
        self.experimentIds = experimentIds
        self.filter = filter
        self.maxResults = maxResults
        self.orderBy = orderBy
        self.pageToken = pageToken
    }
}

/// Feedback and expectations on traces (MLflow 3's assessments), stored beside the traces.
public protocol AssessmentStore: Sendable {
    /// Records an assessment of an existing trace (an id `a-<hex>` when none is given); one that
    /// `overrides` another marks that one invalid (MLflow's 404 when it is not the trace's).
    func createAssessment(_ assessment: Assessment) throws -> Assessment
    func getAssessment(traceId: String, assessmentId: String) throws -> Assessment
    /// Changes name, value (a feedback's with its error, or an expectation's), rationale and metadata
    /// (merged); source, span and kind stay.
    func updateAssessment(traceId: String, assessmentId: String, _ update: AssessmentUpdate) throws -> Assessment
    /// Deletes it (an unknown id is no error, as MLflow); the assessment it overrode counts again.
    func deleteAssessment(traceId: String, assessmentId: String) throws
}
