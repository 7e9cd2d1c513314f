import Foundation
@testable import SQL
import Synchronization
import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

/// Each `trace_tags` row's copies of its trace's experiment and time (migration 18, read by the
/// common trace search) equal `trace_info`'s after every kind of write, on every engine: a stale
/// copy would make that search miss or misorder a trace.
@Suite("Store: trace tag copies")
struct StoreTraceTagCopyTests {
    /// Tag rows whose copies differ from their trace's row, or that have no trace.
    static func staleCopies(_ store: SQLTrackingStore) throws -> [String] {
        try store.database.read { connection in
            try connection.query(
                """
                SELECT g.request_id, g.key FROM trace_tags AS g LEFT JOIN trace_info AS t ON t.request_id = g.request_id
                WHERE t.request_id IS NULL OR g.experiment_id <> t.experiment_id OR g.timestamp_ms <> t.timestamp_ms
                ORDER BY g.request_id, g.key
                """, []) { "\($0.string(0)) \($0.string(1))" }
        }
    }

    /// The distinct copied times of a trace's tags, and how many tags it has.
    static func copiedTimes(_ store: SQLTrackingStore, _ traceId: String) throws -> (times: [Int64], tags: Int) {
        try store.database.read { connection in
            let times = try connection.query(
                "SELECT DISTINCT timestamp_ms FROM trace_tags WHERE request_id = ? ORDER BY timestamp_ms",
                [.text(traceId)]) { $0.int64(0) }
            let count = try connection.queryFirst("SELECT COUNT(*) FROM trace_tags WHERE request_id = ?",
                                                  [.text(traceId)]) { $0.int64(0) } ?? 0
            return (times, Int(count))
        }
    }

    private func span(_ id: String, of trace: String, parent: String? = "00000000000000aa", startMillis: Int64,
                      endMillis: Int64?) -> TraceSpan {
        TraceSpan(traceId: trace, spanId: id, parentSpanId: parent, name: "span-\(id)", spanType: "LLM", status: "OK",
                  startTimeUnixNano: startMillis * 1_000_000, endTimeUnixNano: endMillis.map { $0 * 1_000_000 },
                  content: "{}")
    }

    private func info(_ id: String, in experiment: String, at time: Int64, tags: [Tag] = []) -> TraceInfo {
        TraceInfo(traceId: id, experimentId: experiment, clientRequestId: nil, requestTime: time, executionDuration: 10,
                  state: .ok, requestPreview: nil, responsePreview: nil, tags: tags, metadata: [])
    }

    @Test(arguments: TestEngine.all) func everyWriteKeepsTheCopiesEqual(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let experiment = try store.createExperiment(name: "copies", artifactLocation: nil, tags: [])
        let other = try store.createExperiment(name: "other", artifactLocation: nil, tags: [])
        func expectFresh(_ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(try Self.staleCopies(store) == [], "after \(step)", sourceLocation: sourceLocation)
        }

        // start_trace makes a trace; again with another time moves it (and its tags' copies).
        _ = try store.startTrace(info("tr-1", in: experiment, at: 5_000, tags: [Tag(key: "env", value: "prod")]))
        try expectFresh("start trace")
        _ = try store.startTrace(info("tr-1", in: experiment, at: 4_000, tags: [Tag(key: "b", value: "1")]))
        try expectFresh("start trace again, earlier")
        #expect(try Self.copiedTimes(store, "tr-1") == ([4_000], 3))

        // Spans make a trace (the new-trace path), then an earlier root widens it.
        try store.logSpans(experimentId: experiment, [TraceSpanBatch(
            traceId: "tr-2", spans: [span("00000000000000b1", of: "tr-2", startMillis: 2_000, endMillis: 3_000)],
            resourceTags: [Tag(key: "env", value: "dev")])])
        try expectFresh("spans of a new trace")
        try store.logSpans(experimentId: experiment, [TraceSpanBatch(
            traceId: "tr-2", spans: [span("00000000000000aa", of: "tr-2", parent: nil, startMillis: 1_000, endMillis: 6_000)],
            resourceTags: [Tag(key: "service.name", value: "shop")],
            root: RootSpanFacts(state: .ok, requestPreview: nil, responsePreview: nil,
                                tags: [Tag(key: "mlflow.traceName", value: "agent")]))])
        try expectFresh("spans that move the trace's start")
        #expect(try Self.copiedTimes(store, "tr-2") == ([1_000], 5))
        // A later span only lengthens it: the start and its copies stay.
        try store.logSpans(experimentId: experiment, [TraceSpanBatch(
            traceId: "tr-2", spans: [span("00000000000000b2", of: "tr-2", startMillis: 5_000, endMillis: 9_000)])])
        try expectFresh("spans that lengthen the trace")
        // Spans of a finalized trace do not move it.
        try store.logSpans(experimentId: experiment, [TraceSpanBatch(
            traceId: "tr-1", spans: [span("00000000000000c1", of: "tr-1", startMillis: 100, endMillis: 200)],
            resourceTags: [Tag(key: "late", value: "x")])])
        try expectFresh("spans of a finalized trace")
        #expect(try Self.copiedTimes(store, "tr-1") == ([4_000], 5))
        // start_trace after the spans is final: its time wins.
        _ = try store.startTrace(info("tr-2", in: experiment, at: 900, tags: [Tag(key: "env", value: "prod")]))
        try expectFresh("start trace after its spans")
        #expect(try Self.copiedTimes(store, "tr-2") == ([900], 5))
        // Several traces in one span request, one in another experiment.
        try store.logSpans(experimentId: other, [
            TraceSpanBatch(traceId: "tr-3", spans: [span("00000000000000d1", of: "tr-3", startMillis: 7_000, endMillis: nil)],
                           resourceTags: [Tag(key: "env", value: "prod")]),
            TraceSpanBatch(traceId: "tr-4", spans: [span("00000000000000e1", of: "tr-4", startMillis: 8_000, endMillis: nil)]),
        ])
        try expectFresh("spans of two new traces")
        #expect(try Self.copiedTimes(store, "tr-3").times == [7_000])

        try store.setTraceTag(traceId: "tr-2", key: "verdict", value: "good")
        try store.setTraceTag(traceId: "tr-3", key: "verdict", value: "bad")
        try store.setTraceTag(traceId: "tr-2", key: "verdict", value: "better")
        try expectFresh("set trace tag")
        try store.deleteTraceTag(traceId: "tr-2", key: "verdict")
        try expectFresh("delete trace tag")
        let run = try makeRun(store, experimentName: "copies")
        try store.linkTracesToRun(traceIds: ["tr-1", "tr-2"], runId: run.info.runId)
        try store.linkPromptsToTrace(traceId: "tr-1", prompts: [(name: "p", version: "1")])
        try expectFresh("links")
        #expect(try store.deleteTraces(experimentId: experiment, maxTimestampMillis: nil, maxTraces: nil,
                                       traceIds: ["tr-2"]) == 1)
        try expectFresh("delete traces by id")
        #expect(try store.deleteTraces(experimentId: experiment, maxTimestampMillis: 10_000, maxTraces: 10,
                                       traceIds: []) == 1)
        try expectFresh("delete traces by time")
        _ = try store.traceRetention.purgeTraces(.experiment(other), receivedBefore: Int64.max, limit: 10)
        try expectFresh("retention purge")
        #expect(try store.database.read { try $0.queryFirst("SELECT COUNT(*) FROM trace_tags", []) { $0.int64(0) } } == 0)
    }

    /// A tag set while span requests keep moving the trace's start: the tag write waits for the
    /// trace's row (it reads the time under the same lock), so its copy is the time that stays.
    @Test(arguments: TestEngine.all) func aTagSetWhileSpansMoveTheTraceCopiesTheFinalTime(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let experiment = try store.createExperiment(name: "race", artifactLocation: nil, tags: [])
        try store.logSpans(experimentId: experiment, [TraceSpanBatch(
            traceId: "tr-r", spans: [span("00000000000000b1", of: "tr-r", startMillis: 100_000, endMillis: 100_001)])])
        let failures = Mutex<[String]>([])
        let rounds = 60
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for round in 0..<rounds {
                do {
                    if worker == 0 {
                        try store.logSpans(experimentId: experiment, [TraceSpanBatch(
                            traceId: "tr-r", spans: [span(String(format: "%016x", round + 1), of: "tr-r",
                                                          startMillis: Int64(100_000 - round - 1), endMillis: 100_001)])])
                    } else {
                        try store.setTraceTag(traceId: "tr-r", key: "k\(round)", value: "v")
                    }
                } catch {
                    failures.withLock { $0.append("\(worker)/\(round): \(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(try Self.staleCopies(store) == [])
        #expect(try Self.copiedTimes(store, "tr-r") == ([Int64(100_000 - rounds)], rounds + 2))
    }

    /// Migration 18 fills the copies of the tags a database already holds.
    @Test(arguments: TestEngine.all) func theMigrationCopiesEachTracesValues(engine: TestEngine) throws {
        let database = try engine.makeDatabase()
        try database.migrate(TrackingMigrations.all.filter { $0.version < 18 })
        try database.write { connection in
            try connection.execute("INSERT INTO experiments (name, artifact_location, lifecycle_stage) VALUES ('e', '/e', 'active')", [])
            let experiment = try connection.queryFirst("SELECT MAX(experiment_id) FROM experiments", []) { $0.int64(0) } ?? 0
            for (id, time) in [("tr-a", Int64(10)), ("tr-b", 20)] {
                try connection.execute(
                    "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, status, received_ms) VALUES (?, ?, ?, 'OK', ?)",
                    [.text(id), .integer(experiment), .integer(time), .integer(time)])
                for key in ["env", "mlflow.traceName"] {
                    try connection.execute("INSERT INTO trace_tags (request_id, key, value) VALUES (?, ?, ?)",
                                           [.text(id), .text(key), .text("\(key)-\(id)")])
                }
            }
        }
        #expect(try database.migrate() == TrackingMigrations.all.map(\.version).filter { $0 >= 18 })
        let store = try SQLTrackingStore(database: database, defaultArtifactRoot: "/a")
        #expect(try Self.staleCopies(store) == [])
        #expect(try Self.copiedTimes(store, "tr-a") == ([10], 2))
        #expect(try Self.copiedTimes(store, "tr-b") == ([20], 2))
        #expect(try store.getTraceInfo(traceId: "tr-b").tag("env") == "env-tr-b")
    }
}
