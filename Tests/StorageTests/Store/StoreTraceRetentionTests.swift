import Foundation
import Testing
@testable import Storage
import TrackingCore

/// Traces deleted by age in bounded batches (trace retention, and gc of a deleted experiment), on
/// every engine.
@Suite("Store: trace retention")
struct StoreTraceRetentionTests {
    /// A trace received (as if) at `millis`: retention goes by the server's receipt time, which no
    /// request can set, so the test dates it back in the row.
    private func trace(_ store: SQLTrackingStore, _ id: String, in experiment: String, at millis: Int64) throws {
        _ = try store.startTrace(TraceInfo(traceId: id, experimentId: experiment, requestTime: 5_000_000_000_000, state: .ok,
                                           tags: [Tag(key: "k", value: id)]))
        try store.database.write { connection in
            _ = try connection.execute("UPDATE trace_info SET received_ms = ? WHERE request_id = ?", [.integer(millis), .text(id)])
        }
    }

    @Test(arguments: TestEngine.all) func purgesOldestFirstPerScopeWithEverythingOfTheTrace(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let retention = store.traceRetention
        let tagged = try store.createExperiment(name: "tagged", artifactLocation: nil,
                                                tags: [Tag(key: TraceRetention.tag, value: "7d")])
        let plain = try store.createExperiment(name: "plain", artifactLocation: "s3://bucket/plain", tags: [])
        let gone = try store.createExperiment(name: "gone", artifactLocation: nil, tags: [])
        for i in 0..<5 { try trace(store, "tr-t\(i)", in: tagged, at: Int64(100 + i)) }
        for i in 0..<5 { try trace(store, "tr-p\(i)", in: plain, at: Int64(104 - i)) }
        try trace(store, "tr-g0", in: gone, at: 1)
        try store.deleteExperiment(id: gone)
        // Everything hanging off tr-p4 (the plain experiment's oldest): spans, an assessment, a run link.
        try store.logSpans(experimentId: plain, [TraceSpanBatch(traceId: "tr-p4", spans: [
            TraceSpan(traceId: "tr-p4", spanId: "00000000000000a1", parentSpanId: nil, name: "root", spanType: nil,
                      status: "OK", startTimeUnixNano: 100_000_000, endTimeUnixNano: 101_000_000, content: "{}")])])
        _ = try store.createAssessment(Assessment(assessmentId: "", traceId: "tr-p4", name: "ok", kind: .feedback,
                                                  value: .bool(true), sourceType: "HUMAN", createTime: 1, lastUpdateTime: 1))
        let run = try store.createRun(CreateRunRequest(experimentId: plain, userId: "u", runName: nil, startTime: 1, tags: []))
        try store.linkTracesToRun(traceIds: ["tr-p4", "tr-p3"], runId: run.info.runId)

        #expect(try retention.traceRetentionTags() == [tagged: "7d"])

        // The untagged active experiments only (not the tagged one, not the deleted one), oldest first.
        let first = try retention.purgeTraces(.untaggedExperiments, receivedBefore: 103, limit: 2)
        #expect(first.deleted == 2)
        #expect(first.traces == [PurgedTrace(traceId: "tr-p4", experimentId: plain, artifactFolder: "s3://bucket/plain/traces/tr-p4"),
                          PurgedTrace(traceId: "tr-p3", experimentId: plain, artifactFolder: "s3://bucket/plain/traces/tr-p3")])
        #expect(try retention.purgeTraces(.untaggedExperiments, receivedBefore: 103, limit: 2).traces.map(\.traceId) == ["tr-p2"])
        #expect(try retention.purgeTraces(.untaggedExperiments, receivedBefore: 103, limit: 2)
                    == PurgedTraces(traces: [], deleted: 0))
        #expect(try store.spans(ofTraces: ["tr-p4"]).isEmpty)
        let linked = try store.searchTraces(TraceSearchQuery(experimentIds: [plain], filter: "run_id = '\(run.info.runId)'"))
        #expect(linked.items.isEmpty)
        let missing = #expect(throws: MLflowError.self) { try store.getTraceInfo(traceId: "tr-p4") }
        #expect(missing?.code == .resourceDoesNotExist)
        #expect(try store.getTraceInfo(traceId: "tr-p1").tag("k") == "tr-p1")

        // One experiment's, in batches; a deleted experiment's too (gc's case).
        let tagged1 = try retention.purgeTraces(.experiment(tagged), receivedBefore: 104, limit: 3).traces
        #expect(tagged1.map(\.traceId) == ["tr-t0", "tr-t1", "tr-t2"])
        #expect(tagged1[0].artifactFolder == "/art/\(tagged)/traces/tr-t0")
        #expect(try retention.purgeTraces(.experiment(tagged), receivedBefore: 104, limit: 3).traces.map(\.traceId) == ["tr-t3"])
        #expect(try retention.purgeTraces(.experiment(gone), receivedBefore: .max, limit: 10).traces.map(\.traceId) == ["tr-g0"])
        #expect(try retention.purgeTraces(.experiment(plain), receivedBefore: .max, limit: 0).traces.isEmpty)
        let remaining = try store.searchTraces(TraceSearchQuery(experimentIds: [tagged, plain, gone], filter: ""))
        #expect(Set(remaining.items.map(\.traceId)) == ["tr-t4", "tr-p0", "tr-p1"])
        let bad = #expect(throws: MLflowError.self) { try retention.purgeTraces(.experiment("x"), receivedBefore: 1, limit: 1) }
        #expect(bad != nil)
    }

    /// A trace's client-given times (start_trace's request time, early spans) do not date it for
    /// retention: only when the server received it does.
    @Test(arguments: TestEngine.all) func clientTimesDoNotDateATraceForRetention(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experiment = try store.createExperiment(name: "dated", artifactLocation: nil, tags: [])
        let before = Int64(Date().timeIntervalSince1970 * 1000) - 1
        _ = try store.startTrace(TraceInfo(traceId: "tr-old", experimentId: experiment, requestTime: 1, state: .ok))
        try store.logSpans(experimentId: experiment, [TraceSpanBatch(traceId: "tr-spans", spans: [
            TraceSpan(traceId: "tr-spans", spanId: "00000000000000a1", parentSpanId: nil, name: "root", spanType: nil,
                      status: "OK", startTimeUnixNano: 1_000_000, endTimeUnixNano: 2_000_000, content: "{}")])])
        #expect(try store.getTraceInfo(traceId: "tr-old").requestTime == 1)
        #expect(try store.traceRetention.purgeTraces(.experiment(experiment), receivedBefore: before, limit: 10).traces.isEmpty)
        #expect(try store.traceRetention.purgeTraces(.untaggedExperiments, receivedBefore: before, limit: 10).traces.isEmpty)
        let later = Int64(Date().timeIntervalSince1970 * 1000) + 1_000
        #expect(Set(try store.traceRetention.purgeTraces(.experiment(experiment), receivedBefore: later, limit: 10)
                        .traces.map(\.traceId)) == ["tr-old", "tr-spans"])
    }
}
