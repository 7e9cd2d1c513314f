/// One span of a trace as the store keeps it (MLflow's `spans` table): the columns searches and
/// summaries read, and the whole span as MLflow's `Span.to_dict()` writes it (`content`), which is
/// what a `traces.json` lists and what `traces/get` re-encodes as an OpenTelemetry span.
public struct TraceSpan: Sendable, Equatable {
    /// MLflow's trace id, `tr-` and the OpenTelemetry trace id in 32 hex digits.
    public var traceId: String
    /// 16 hex digits.
    public var spanId: String
    /// nil for the trace's root span.
    public var parentSpanId: String?
    public var name: String
    /// The `mlflow.spanType` attribute (`LLM`, `CHAIN`, ...), when set.
    public var spanType: String?
    /// `OK`, `ERROR` or `UNSET` (MLflow's `SpanStatusCode`).
    public var status: String
    public var startTimeUnixNano: Int64
    /// nil while the span has not ended (sent as 0).
    public var endTimeUnixNano: Int64?
    /// The span as a JSON object in MLflow's `Span.to_dict()` shape.
    public var content: String

    public init(traceId: String, spanId: String, parentSpanId: String?, name: String, spanType: String?,
                status: String, startTimeUnixNano: Int64, endTimeUnixNano: Int64?, content: String) {
        self.traceId = traceId
        self.spanId = spanId
        self.parentSpanId = parentSpanId
        self.name = name
        self.spanType = spanType
        self.status = status
        self.startTimeUnixNano = startTimeUnixNano
        self.endTimeUnixNano = endTimeUnixNano
        self.content = content
    }
}

/// What the spans of one trace that arrived together say about the trace, beside the spans
/// themselves: its time range, and what its root span (when among them) tells.
public struct TraceSpanBatch: Sendable, Equatable {
    public var traceId: String
    public var spans: [TraceSpan]
    /// Tags from the OpenTelemetry resource that produced the spans (`service.name`, ...).
    public var resourceTags: [Tag]
    public var root: RootSpanFacts?
    /// The first `user.id` attribute among the spans (OpenTelemetry's convention), recorded as the
    /// trace's `mlflow.trace.user` metadata unless it has one.
    public var user: String?

    public init(traceId: String, spans: [TraceSpan], resourceTags: [Tag] = [], root: RootSpanFacts? = nil,
                user: String? = nil) {
        self.traceId = traceId
        self.spans = spans
        self.resourceTags = resourceTags
        self.root = root
        self.user = user
    }

    /// The earliest start among the spans, epoch milliseconds.
    public var startMillis: Int64 { (spans.map(\.startTimeUnixNano).min() ?? 0) / 1_000_000 }
    /// The latest end among the spans that ended, epoch milliseconds; nil when none has.
    public var endMillis: Int64? { spans.compactMap(\.endTimeUnixNano).max().map { $0 / 1_000_000 } }
}

/// What a trace's root span says about the trace (MLflow's `log_spans`): its state (ERROR when the
/// root span failed, else OK), previews of its inputs and outputs, the tags the client carried as
/// `mlflow.traceTag.<key>` attributes.
public struct RootSpanFacts: Sendable, Equatable {
    public var state: TraceState
    public var requestPreview: String?
    public var responsePreview: String?
    public var tags: [Tag]

    public init(state: TraceState, requestPreview: String? = nil, responsePreview: String? = nil, tags: [Tag] = []) {
        self.state = state
        self.requestPreview = requestPreview
        self.responsePreview = responsePreview
        self.tags = tags
    }
}
