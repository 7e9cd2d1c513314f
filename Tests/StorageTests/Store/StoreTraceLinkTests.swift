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

/// Search by what a trace's spans and assessments hold.
@Suite("Store: trace search by spans and assessments")
struct StoreTraceContentSearchTests {
    @Test(arguments: TestEngine.all) func spansAndAssessmentsFilterTraces(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experiment = try store.createExperiment(name: "content", artifactLocation: nil, tags: [])
        func span(_ trace: String, _ id: String, name: String, type: String?, status: String, content: String) -> TraceSpan {
            TraceSpan(traceId: trace, spanId: id, parentSpanId: nil, name: name, spanType: type, status: status,
                      startTimeUnixNano: 1_000_000, endTimeUnixNano: 2_000_000, content: content)
        }
        try store.logSpans(experimentId: experiment, [
            TraceSpanBatch(traceId: "tr-a", spans: [
                span("tr-a", "000000000000000a", name: "llm", type: "LLM", status: "OK",
                     content: #"{"attributes":{"model":"\"gpt-4o\"","mlflow.spanInputs":"{\"q\": \"Paris?\"}"}}"#),
                span("tr-a", "000000000000000b", name: "tool", type: "TOOL", status: "ERROR", content: "{}"),
            ]),
            TraceSpanBatch(traceId: "tr-b", spans: [
                span("tr-b", "000000000000000c", name: "llm", type: "LLM", status: "ERROR",
                     content: #"{"attributes":{"model":"\"claude\""}}"#),
            ]),
        ])
        _ = try store.createAssessment(Assessment(assessmentId: "", traceId: "tr-a", name: "correct", kind: .feedback,
                                                  value: .string("yes"), sourceType: "HUMAN", createTime: 1, lastUpdateTime: 1))
        _ = try store.createAssessment(Assessment(assessmentId: "", traceId: "tr-b", name: "score", kind: .feedback,
                                                  value: .integer(5), sourceType: "CODE", createTime: 1, lastUpdateTime: 1))
        let ids = { (filter: String) throws -> [String] in
            try store.searchTraces(TraceSearchQuery(experimentIds: [experiment], filter: filter)).items.map(\.traceId).sorted()
        }
        #expect(try ids("span.name = 'llm'") == ["tr-a", "tr-b"])
        #expect(try ids("span.type IN ('TOOL')") == ["tr-a"])
        // One span must match every span term: tr-a's failed span is its tool, not its llm.
        #expect(try ids("span.name = 'llm' AND span.status = 'ERROR'") == ["tr-b"])
        #expect(try ids("span.attributes.model LIKE '%gpt%'") == ["tr-a"])
        #expect(try ids("text ILIKE '%paris%'") == ["tr-a"])
        #expect(try ids("feedback.correct = 'yes'") == ["tr-a"])
        #expect(try ids("feedback.correct != 'yes'").isEmpty)
        #expect(try ids("feedback.score = 5") == ["tr-b"])
        #expect(try ids("feedback.correct IS NULL") == ["tr-b"])
        #expect(try ids("feedback.score IS NOT NULL AND span.name = 'llm'") == ["tr-b"])
        #expect(try ids("expectation.correct IS NOT NULL").isEmpty)
        // Ordered comparisons read numbers only ("yes" is not one).
        #expect(try ids("feedback.score > 4") == ["tr-b"])
        #expect(try ids("feedback.score <= 4.5").isEmpty)
        #expect(try ids("feedback.score >= 5.0") == ["tr-b"])
        #expect(try ids("feedback.correct > 0").isEmpty)
    }
}
