import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

/// Spans that arrive through OTLP (`logSpans`): the trace they make or update, on every engine.
@Suite("Store: spans")
struct StoreSpanTests {
    private func span(_ id: String, of trace: String = "tr-1", parent: String? = "00000000000000aa", start: Int64,
                      end: Int64?, status: String = "OK") -> TraceSpan {
        TraceSpan(traceId: trace, spanId: id, parentSpanId: parent, name: "span-\(id)", spanType: "LLM", status: status,
                  startTimeUnixNano: start, endTimeUnixNano: end, content: "{\"span_id\": \"\(id)\"}")
    }

    @Test(arguments: TestEngine.all) func spansMakeTheTraceAndItsRootSpanFinishesIt(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experiment = try store.createExperiment(name: "otel", artifactLocation: nil, tags: [])
        // A child first: the trace exists, in progress, over the child's time.
        try store.logSpans(experimentId: experiment, [TraceSpanBatch(
            traceId: "tr-1", spans: [span("00000000000000b1", start: 2_000_000_000, end: 3_000_000_000)],
            resourceTags: [Tag(key: "service.name", value: "shop")], user: "ann")])
        var info = try store.getTraceInfo(traceId: "tr-1")
        #expect(info.experimentId == experiment)
        #expect(info.state == .inProgress)
        #expect(info.requestTime == 2_000)
        #expect(info.executionDuration == 1_000)
        #expect(info.tags == [Tag(key: TraceKeys.artifactLocation, value: "/art/\(experiment)/traces/tr-1/artifacts"),
                              Tag(key: TraceKeys.spansLocation, value: "TRACKING_STORE"),
                              Tag(key: "service.name", value: "shop")])
        #expect(info.metadata == [Tag(key: TraceKeys.user, value: "ann")])

        // The root, earlier and later than the child, and the child again (now failed, and sent
        // twice, the last copy counting): the range widens, the state and previews come from the
        // root, the child's row is replaced.
        try store.logSpans(experimentId: experiment, [TraceSpanBatch(
            traceId: "tr-1",
            spans: [span("00000000000000b1", start: 2_000_000_000, end: 3_000_000_000, status: "UNSET"),
                    span("00000000000000aa", parent: nil, start: 1_000_000_000, end: 5_500_000_000),
                    span("00000000000000b1", start: 2_000_000_000, end: 3_000_000_000, status: "ERROR")],
            root: RootSpanFacts(state: .ok, requestPreview: "{\"q\": 1}", responsePreview: "\"a\"",
                                tags: [Tag(key: "mlflow.traceName", value: "agent"), Tag(key: "bad key/..", value: "x"),
                                       Tag(key: TraceKeys.artifactLocation, value: "s3://elsewhere")]),
            user: "bob")])
        info = try store.getTraceInfo(traceId: "tr-1")
        #expect(info.state == .ok)
        #expect(info.requestTime == 1_000)
        #expect(info.executionDuration == 4_500)
        #expect(info.requestPreview == "{\"q\": 1}")
        #expect(info.responsePreview == "\"a\"")
        #expect(info.tag("mlflow.traceName") == "agent")
        #expect(info.tag("bad key/..") == nil)
        #expect(info.tag(TraceKeys.artifactLocation) == "/art/\(experiment)/traces/tr-1/artifacts")
        #expect(info.metadata == [Tag(key: TraceKeys.user, value: "ann")])
        let spans = try #require(try store.spans(ofTraces: ["tr-1", "tr-none"])["tr-1"])
        #expect(spans.map(\.spanId) == ["00000000000000aa", "00000000000000b1"])
        #expect(spans.map(\.status) == ["OK", "ERROR"])
        #expect(spans[0].parentSpanId == nil)
        #expect(spans[1].content == "{\"span_id\": \"00000000000000b1\"}")
        #expect(try store.spans(ofTraces: ["tr-none"]).isEmpty)
    }

    @Test(arguments: TestEngine.all) func startTraceIsFinalAndOtherExperimentsAreRefused(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experiment = try store.createExperiment(name: "otel", artifactLocation: nil, tags: [])
        let other = try store.createExperiment(name: "other", artifactLocation: nil, tags: [])
        try store.logSpans(experimentId: experiment, [TraceSpanBatch(
            traceId: "tr-1", spans: [span("00000000000000aa", parent: nil, start: 1_000_000_000, end: 2_000_000_000)],
            root: RootSpanFacts(state: .error, requestPreview: "from spans"))])
        let started = try store.startTrace(TraceInfo(traceId: "tr-1", experimentId: experiment, requestTime: 999,
                                                     executionDuration: 1_001, state: .ok,
                                                     tags: [Tag(key: "mlflow.traceName", value: "client")]))
        #expect(started.state == .ok)
        #expect(started.requestTime == 999)
        #expect(started.requestPreview == "from spans")
        #expect(started.tag(TraceKeys.spansLocation) == "TRACKING_STORE")
        #expect(started.metadata == [Tag(key: TraceKeys.infoFinalized, value: "true")])
        // Finalized: a late span is kept but moves the trace's range no more.
        try store.logSpans(experimentId: experiment, [TraceSpanBatch(
            traceId: "tr-1", spans: [span("00000000000000b2", start: 9_000_000_000, end: 9_500_000_000)])])
        let info = try store.getTraceInfo(traceId: "tr-1")
        #expect(info.requestTime == 999)
        #expect(info.executionDuration == 1_001)
        #expect(try store.spans(ofTraces: ["tr-1"])["tr-1"]?.count == 2)

        let stolen = #expect(throws: MLflowError.self) {
            try store.logSpans(experimentId: other, [TraceSpanBatch(
                traceId: "tr-1", spans: [span("00000000000000b3", start: 1, end: 2)])])
        }
        #expect(stolen?.code == .invalidParameterValue)
        #expect(try store.spans(ofTraces: ["tr-1"])["tr-1"]?.count == 2)

        // Deleting the trace deletes its spans.
        #expect(try store.deleteTraces(experimentId: experiment, maxTimestampMillis: nil, maxTraces: nil,
                                       traceIds: ["tr-1"]) == 1)
        #expect(try store.spans(ofTraces: ["tr-1"]).isEmpty)
        try store.deleteExperiment(id: other)
        let inactive = #expect(throws: MLflowError.self) {
            try store.logSpans(experimentId: other, [TraceSpanBatch(traceId: "tr-2", spans: [span("00000000000000b4", of: "tr-2", start: 1, end: 2)])])
        }
        #expect(inactive?.code == .invalidParameterValue)
        let unknown = #expect(throws: MLflowError.self) {
            try store.logSpans(experimentId: "4242", [TraceSpanBatch(traceId: "tr-2", spans: [span("00000000000000b4", of: "tr-2", start: 1, end: 2)])])
        }
        #expect(unknown?.code == .resourceDoesNotExist)
    }

    /// A trace made in one request from spans that name their own artifact location: the server's
    /// location is stored, and the trace holds the spans' range and root state (the path that skips
    /// re-reading the row it just inserted).
    @Test(arguments: TestEngine.all) func aNewTraceTakesTheServersArtifactLocation(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experiment = try store.createExperiment(name: "otel", artifactLocation: nil, tags: [])
        try store.logSpans(experimentId: experiment, [
            TraceSpanBatch(traceId: "tr-2", spans: [span("00000000000000c1", of: "tr-2", parent: nil, start: 7_000_000, end: 9_000_000)],
                           root: RootSpanFacts(state: .ok, tags: [Tag(key: TraceKeys.artifactLocation, value: "file:///etc"),
                                                                  Tag(key: TraceKeys.spansLocation, value: "ARTIFACT_REPO")])),
            TraceSpanBatch(traceId: "tr-1", spans: [span("00000000000000c2", start: 1_000_000, end: nil)])])
        let made = try store.getTraceInfo(traceId: "tr-2")
        #expect(made.tags == [Tag(key: TraceKeys.artifactLocation, value: "/art/\(experiment)/traces/tr-2/artifacts"),
                              Tag(key: TraceKeys.spansLocation, value: "TRACKING_STORE")])
        #expect(made.state == .ok)
        #expect(made.requestTime == 7)
        #expect(made.executionDuration == 2)
        let open = try store.getTraceInfo(traceId: "tr-1")
        #expect(open.state == .inProgress)
        #expect(open.executionDuration == nil)
        #expect(open.tag(TraceKeys.artifactLocation) == "/art/\(experiment)/traces/tr-1/artifacts")
    }
}
