public import TrackingCore

/// MLflow 3's traces (`TraceInfoV3` and their spans): recorded by the client when a trace ends,
/// spans arriving before through OTLP, then read, searched, tagged and deleted. Engines implement it
/// beside `TrackingStore`, one transaction per call, failures thrown as `MLflowError`. A trace's
/// spans are either here (`logSpans`, tag `mlflow.trace.spansLocation` = `TRACKING_STORE`) or, from
/// a client that did not send them through OTLP, a `traces.json` artifact under the trace's
/// `mlflow.artifactLocation` tag, which the store sets.
public protocol TraceStore: Sendable {
    /// Records a trace in an active experiment, adding the `mlflow.artifactLocation` tag
    /// (`<experiment location>/traces/<trace id>/artifacts`) and the `mlflow.trace.infoFinalized`
    /// metadata. A trace already there (its spans came first) takes these values, tags and metadata;
    /// one in another experiment is refused.
    func startTrace(_ info: TraceInfo) throws -> TraceInfo
    /// Records spans an OTLP request delivered for an active experiment (MLflow's `log_spans`), the
    /// traces they belong to created or updated from them; a trace of another experiment is refused.
    func logSpans(experimentId: String, _ batches: [TraceSpanBatch]) throws
    /// The stored spans of each trace, in start order; a trace with none stored is left out.
    func spans(ofTraces traceIds: [String]) throws -> [String: [TraceSpan]]
    /// Links up to 100 traces to an existing run (search's run filter then finds them); unknown
    /// trace ids are passed over, as MLflow does.
    func linkTracesToRun(traceIds: [String], runId: String) throws
    /// Links prompt versions to an existing trace.
    func linkPromptsToTrace(traceId: String, prompts: [(name: String, version: String)]) throws
    /// MLflow's trace metrics (the UI overview's charts): aggregates over the experiments' traces,
    /// spans or assessments.
    func queryTraceMetrics(_ query: TraceMetricsQuery) throws -> [MetricDataPoint]
    /// The prompt versions (`name/version`) a trace is linked to.
    func linkedPromptVersions(traceId: String) throws -> [String]
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
    /// Where the trace's artifacts (`traces.json`, `attachments/`) are: its experiment's artifact
    /// location and `traces/<id>/artifacts`, as `startTrace` tags it (MLflow's 404 for an unknown trace).
    func traceArtifactLocation(traceId: String) throws -> String
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
