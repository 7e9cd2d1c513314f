import Testing
@testable import Storage
import TrackingCore

/// Traces linked to runs and prompt versions (MLflow's entity associations), found by search.
@Suite("Store: trace links")
struct StoreTraceLinkTests {
    @Test(arguments: TestEngine.all) func linkedTracesAreFoundByRunAndPrompt(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experiment = try store.createExperiment(name: "links", artifactLocation: nil, tags: [])
        let run = try store.createRun(CreateRunRequest(experimentId: experiment, userId: "u", runName: nil, startTime: 1, tags: []))
        for (index, id) in ["tr-a", "tr-b", "tr-c"].enumerated() {
            _ = try store.startTrace(TraceInfo(traceId: id, experimentId: experiment, requestTime: Int64(index), state: .ok,
                                               metadata: id == "tr-c" ? [Tag(key: TraceKeys.sourceRun, value: run.info.runId)] : []))
        }
        let byRun = { () throws -> [String] in
            try store.searchTraces(TraceSearchQuery(experimentIds: [experiment], filter: "run_id = '\(run.info.runId)'"))
                .items.map(\.traceId)
        }
        #expect(try byRun() == ["tr-c"])
        // Linked twice (kept once); an unknown trace passed over.
        try store.linkTracesToRun(traceIds: ["tr-a", "tr-none"], runId: run.info.runId)
        try store.linkTracesToRun(traceIds: ["tr-a"], runId: run.info.runId)
        #expect(try byRun() == ["tr-c", "tr-a"])
        let unknownRun = #expect(throws: MLflowError.self) { try store.linkTracesToRun(traceIds: ["tr-b"], runId: "nope") }
        #expect(unknownRun?.code == .resourceDoesNotExist)
        let tooMany = #expect(throws: MLflowError.self) {
            try store.linkTracesToRun(traceIds: (0...100).map { "tr-\($0)" }, runId: run.info.runId)
        }
        #expect(tooMany?.message == "Cannot link more than 100 traces to a run in a single request. Provided 101 traces.")

        try store.linkPromptsToTrace(traceId: "tr-b", prompts: [(name: "qa", version: "2"), (name: "qa", version: "2")])
        #expect(try store.linkedPromptVersions(traceId: "tr-b") == ["qa/2"])
        let byPrompt = try store.searchTraces(TraceSearchQuery(experimentIds: [experiment],
                                                               filter: "tags.`mlflow.linkedPrompts` = 'qa/2'"))
        #expect(byPrompt.items.map(\.traceId) == ["tr-b"])
        let badPrompt = #expect(throws: MLflowError.self) {
            try store.searchTraces(TraceSearchQuery(experimentIds: [experiment], filter: "tags.`mlflow.linkedPrompts` = 'qa'"))
        }
        #expect(badPrompt?.message == "Invalid prompts filter value 'qa'. Expected format: prompt = \"name/version\"")
        let noTrace = #expect(throws: MLflowError.self) { try store.linkPromptsToTrace(traceId: "tr-none", prompts: [(name: "qa", version: "1")]) }
        #expect(noTrace?.code == .resourceDoesNotExist)

        // Deleting traces deletes their links.
        #expect(try store.deleteTraces(experimentId: experiment, maxTimestampMillis: nil, maxTraces: nil,
                                       traceIds: ["tr-a", "tr-b"]) == 2)
        #expect(try store.linkedPromptVersions(traceId: "tr-b").isEmpty)
        _ = try store.startTrace(TraceInfo(traceId: "tr-a", experimentId: experiment, requestTime: 5, state: .ok))
        #expect(try byRun() == ["tr-c"])
    }
}
