import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Store: traces")
struct StoreTraceTests {
    private func trace(_ id: String, in experiment: String, at time: Int64, duration: Int64? = 10,
                       state: TraceState = .ok, tags: [Tag] = [], metadata: [Tag] = []) -> TraceInfo {
        TraceInfo(traceId: id, experimentId: experiment, clientRequestId: "client-\(id)", requestTime: time,
                  executionDuration: duration, state: state, requestPreview: "{\"q\": \"\(id)\"}",
                  responsePreview: "\"answer\"", tags: tags, metadata: metadata)
    }

    @Test(arguments: TestEngine.all) func startedTracesReadBackWithTheirArtifactLocation(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experiment = try store.createExperiment(name: "genai", artifactLocation: nil, tags: [])
        let started = try store.startTrace(trace(
            "tr-1", in: experiment, at: 1_700_000_000_123, tags: [Tag(key: "b", value: "1"), Tag(key: "a", value: "x"),
                                                               Tag(key: "a", value: "last"),
                                                               Tag(key: TraceKeys.artifactLocation, value: "s3://elsewhere")],
            metadata: [Tag(key: TraceKeys.sourceRun, value: "run-1"), Tag(key: "mlflow.user", value: "ann")]))
        #expect(started.traceId == "tr-1")
        #expect(started.experimentId == experiment)
        #expect(started.requestTime == 1_700_000_000_123)
        #expect(started.executionDuration == 10)
        #expect(started.state == .ok)
        #expect(started.clientRequestId == "client-tr-1")
        #expect(started.requestPreview == "{\"q\": \"tr-1\"}")
        // Tags sorted by key, the last value of a repeated key; the server's own artifact location.
        #expect(started.tags == [Tag(key: "a", value: "last"), Tag(key: "b", value: "1"),
                                 Tag(key: TraceKeys.artifactLocation, value: "/art/\(experiment)/traces/tr-1/artifacts")])
        #expect(started.metadata == [Tag(key: TraceKeys.sourceRun, value: "run-1"),
                                     Tag(key: TraceKeys.infoFinalized, value: "true"), Tag(key: "mlflow.user", value: "ann")])
        #expect(try store.getTraceInfo(traceId: "tr-1") == started)
        #expect(try store.experimentId(ofTrace: "tr-1") == experiment)
        #expect(try store.experimentId(ofTrace: "tr-none") == nil)

        let missing = #expect(throws: MLflowError.self) { try store.getTraceInfo(traceId: "tr-none") }
        #expect(missing?.code == .resourceDoesNotExist)
        #expect(missing?.message == "Trace with ID 'tr-none' not found.")
        // Started again (as after its spans came through OTLP): the later call's values are final,
        // tags and metadata merged; another experiment may not take it over.
        let again = try store.startTrace(trace("tr-1", in: experiment, at: 1, duration: 3, state: .error,
                                               tags: [Tag(key: "b", value: "2")]))
        #expect(again.requestTime == 1)
        #expect(again.executionDuration == 3)
        #expect(again.state == .error)
        #expect(again.tags.map(\.value) == ["last", "2", "/art/\(experiment)/traces/tr-1/artifacts"])
        #expect(again.metadata.count == 3)
        let other = try store.createExperiment(name: "other", artifactLocation: nil, tags: [])
        let stolen = #expect(throws: MLflowError.self) { try store.startTrace(trace("tr-1", in: other, at: 1)) }
        #expect(stolen?.code == .invalidParameterValue)
        #expect(stolen?.message == "Trace with ID 'tr-1' belongs to another experiment than \(other).")
        #expect(try store.getTraceInfo(traceId: "tr-1").experimentId == experiment)
        let nowhere = #expect(throws: MLflowError.self) { try store.startTrace(trace("tr-2", in: "999", at: 1)) }
        #expect(nowhere?.code == .resourceDoesNotExist)
        try store.deleteExperiment(id: experiment)
        let deleted = #expect(throws: MLflowError.self) { try store.startTrace(trace("tr-3", in: experiment, at: 1)) }
        #expect(deleted?.code == .invalidParameterValue)
    }

    @Test(arguments: TestEngine.all) func tagsAreSetReplacedAndDeleted(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experiment = try store.createExperiment(name: "genai", artifactLocation: nil, tags: [])
        _ = try store.startTrace(trace("tr-1", in: experiment, at: 5))
        try store.setTraceTag(traceId: "tr-1", key: "verdict", value: "good")
        try store.setTraceTag(traceId: "tr-1", key: "verdict", value: "better")
        try store.setTraceTag(traceId: "tr-1", key: "long", value: String(repeating: "é", count: 9_000))
        let info = try store.getTraceInfo(traceId: "tr-1")
        #expect(info.tag("verdict") == "better")
        #expect(info.tag("long")?.unicodeScalars.count == 8_000)
        try store.deleteTraceTag(traceId: "tr-1", key: "verdict")
        #expect(try store.getTraceInfo(traceId: "tr-1").tag("verdict") == nil)
        let gone = #expect(throws: MLflowError.self) { try store.deleteTraceTag(traceId: "tr-1", key: "verdict") }
        #expect(gone?.message == "No trace tag with key 'verdict' for trace with ID 'tr-1'")
        #expect(throws: MLflowError.self) { try store.setTraceTag(traceId: "tr-none", key: "k", value: "v") }
        let badKey = #expect(throws: MLflowError.self) { try store.setTraceTag(traceId: "tr-1", key: "../x", value: "v") }
        #expect(badKey?.code == .invalidParameterValue)
    }

    @Test(arguments: TestEngine.all) func searchFiltersOrdersAndPages(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let first = try store.createExperiment(name: "one", artifactLocation: nil, tags: [])
        let second = try store.createExperiment(name: "two", artifactLocation: nil, tags: [])
        for index in 0..<6 {
            _ = try store.startTrace(trace(
                "tr-\(index)", in: index < 5 ? first : second, at: Int64(1_000 + index * 10),
                duration: index == 2 ? nil : Int64(100 - index), state: index % 2 == 0 ? .ok : .error,
                tags: [Tag(key: "mlflow.traceName", value: "step\(index % 3)")] + (index == 4 ? [Tag(key: "team", value: "red")] : []),
                metadata: [Tag(key: TraceKeys.sourceRun, value: index < 3 ? "run-a" : "run-b")]))
        }
        func ids(_ filter: String = "", orderBy: [String] = [], experiments: [String]? = nil) throws -> [String] {
            try store.searchTraces(TraceSearchQuery(experimentIds: experiments ?? [first], filter: filter,
                                                    maxResults: 100, orderBy: orderBy)).items.map(\.traceId)
        }
        // Newest first by default.
        #expect(try ids() == ["tr-4", "tr-3", "tr-2", "tr-1", "tr-0"])
        #expect(try ids(experiments: [first, second, first]) == ["tr-5", "tr-4", "tr-3", "tr-2", "tr-1", "tr-0"])
        #expect(try ids(experiments: []) == [])
        #expect(try ids("trace.status = 'OK'") == ["tr-4", "tr-2", "tr-0"])
        #expect(try ids("status IN ('ERROR')") == ["tr-3", "tr-1"])
        #expect(try ids("trace.timestamp_ms >= 1020 AND trace.timestamp_ms < 1040") == ["tr-3", "tr-2"])
        #expect(try ids("timestamp > 1030") == ["tr-4"])
        #expect(try ids("execution_time_ms <= 97") == ["tr-4", "tr-3"])
        #expect(try ids("tags.team = 'red'") == ["tr-4"])
        #expect(try ids("tags.team IS NULL") == ["tr-3", "tr-2", "tr-1", "tr-0"])
        #expect(try ids("name = 'step1'") == ["tr-4", "tr-1"])
        #expect(try ids("tags.`mlflow.traceName` LIKE 'step%' AND metadata.`mlflow.sourceRun` = 'run-a'")
                == ["tr-2", "tr-1", "tr-0"])
        #expect(try ids("run_id = 'run-b'") == ["tr-4", "tr-3"])
        #expect(try ids("request_id = 'tr-3'") == ["tr-3"])
        #expect(try ids(orderBy: ["timestamp_ms ASC"]) == ["tr-0", "tr-1", "tr-2", "tr-3", "tr-4"])
        // A trace without a duration sorts last in both directions.
        #expect(try ids(orderBy: ["execution_time_ms"]) == ["tr-4", "tr-3", "tr-1", "tr-0", "tr-2"])
        #expect(try ids(orderBy: ["execution_time DESC"]) == ["tr-0", "tr-1", "tr-3", "tr-4", "tr-2"])
        #expect(try ids(orderBy: ["tags.team DESC"]).first == "tr-4")

        let firstPage = try store.searchTraces(TraceSearchQuery(experimentIds: [first], maxResults: 2))
        #expect(firstPage.items.map(\.traceId) == ["tr-4", "tr-3"])
        let token = try #require(firstPage.nextPageToken)
        let secondPage = try store.searchTraces(TraceSearchQuery(experimentIds: [first], maxResults: 2, pageToken: token))
        #expect(secondPage.items.map(\.traceId) == ["tr-2", "tr-1"])
        #expect(secondPage.items.first?.metadata == [Tag(key: TraceKeys.sourceRun, value: "run-a"),
                                                    Tag(key: TraceKeys.infoFinalized, value: "true")])

        for (filter, message) in [("issue.id = 'x'", "not supported by this server yet"),
                                  ("nothing.x = 'y'", "Invalid entity type 'nothing'"),
                                  ("trace.nope = 'y'", "Invalid attribute key 'nope' specified."),
                                  ("timestamp_ms LIKE 'x'", "Invalid comparator 'LIKE'"),
                                  ("tags.a > 'b'", "Invalid comparator '>'")] {
            let error = #expect(throws: MLflowError.self, "\(filter)") { try ids(filter) }
            #expect(error?.code == .invalidParameterValue)
            #expect(error?.message.contains(message) == true, "\(filter): \(error?.message ?? "")")
        }
        #expect(throws: MLflowError.self) { try ids(orderBy: ["timestamp_ms", "timestamp"]) }
    }

    @Test(arguments: TestEngine.all) func deletionByAgeCountAndIds(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experiment = try store.createExperiment(name: "genai", artifactLocation: nil, tags: [])
        let other = try store.createExperiment(name: "other", artifactLocation: nil, tags: [])
        for index in 0..<6 {
            _ = try store.startTrace(trace("tr-\(index)", in: experiment, at: Int64(index),
                                           tags: [Tag(key: "t", value: "v")], metadata: [Tag(key: "m", value: "v")]))
        }
        _ = try store.startTrace(trace("tr-other", in: other, at: 0))
        // The two oldest of those at or before 3.
        #expect(try store.deleteTraces(experimentId: experiment, maxTimestampMillis: 3, maxTraces: 2, traceIds: []) == 2)
        #expect(try store.batchGetTraceInfos(traceIds: ["tr-0", "tr-1", "tr-2", "tr-other"], experimentIds: nil)
            .map(\.traceId) == ["tr-2", "tr-other"])
        #expect(try store.deleteTraces(experimentId: experiment, maxTimestampMillis: 3, maxTraces: nil, traceIds: []) == 2)
        // Ids of another experiment are not this experiment's to delete.
        #expect(try store.deleteTraces(experimentId: experiment, maxTimestampMillis: nil, maxTraces: nil,
                                       traceIds: ["tr-4", "tr-other", "tr-none"]) == 1)
        #expect(try store.batchGetTraceInfos(traceIds: ["tr-5", "tr-4", "tr-other"], experimentIds: [experiment])
            .map(\.traceId) == ["tr-5"])
        // Tags and metadata went with their traces: a new trace may reuse the id.
        _ = try store.startTrace(trace("tr-0", in: experiment, at: 9))
        #expect(try store.getTraceInfo(traceId: "tr-0").tags.map(\.key) == [TraceKeys.artifactLocation])
        for (age, count, ids, message) in [(nil, nil, [String](), "Either `max_timestamp_millis` or `trace_ids` must be specified."),
                                           (Int64(1), nil, ["tr-5"], "Only one of `max_timestamp_millis` and `trace_ids` can be specified."),
                                           (nil, 3, ["tr-5"], "`max_traces` can't be specified if `trace_ids` is specified."),
                                           (Int64(1), 0, [], "`max_traces` must be a positive integer, received 0.")] {
            let error = #expect(throws: MLflowError.self) {
                try store.deleteTraces(experimentId: experiment, maxTimestampMillis: age, maxTraces: count, traceIds: ids)
            }
            #expect(error?.message == message)
        }
    }
}
