import JSON
import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Store: assessments")
struct StoreAssessmentTests {
    private func store(_ engine: TestEngine) throws -> (SQLTrackingStore, String) {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experiment = try store.createExperiment(name: "genai", artifactLocation: nil, tags: [])
        _ = try store.startTrace(TraceInfo(traceId: "tr-1", experimentId: experiment, requestTime: 1_000, state: .ok))
        return (store, experiment)
    }

    private func feedback(_ value: JSONValue, name: String = "quality", overrides: String? = nil) -> Assessment {
        Assessment(assessmentId: "", traceId: "tr-1", name: name, kind: .feedback, value: value,
                   sourceType: "LLM_JUDGE", sourceId: "gpt", rationale: "because", overrides: overrides,
                   metadata: [Tag(key: "m", value: "1")], createTime: 0, lastUpdateTime: 0)
    }

    @Test(arguments: TestEngine.all) func valuesOfEveryJSONTypeReadBack(engine: TestEngine) throws {
        let (store, _) = try store(engine)
        let values: [JSONValue] = [.bool(true), .integer(5), .double(0.25), .string("great"), .null,
                                   .array([.integer(1), .string("a")]),
                                   .object([("score", .double(4.5)), ("tags", .array([.string("x")]))])]
        var ids: [String] = []
        for value in values {
            let created = try store.createAssessment(feedback(value))
            #expect(created.assessmentId.hasPrefix("a-") && created.assessmentId.count == 34)
            #expect(created.valid)
            #expect(created.createTime > 1_700_000_000_000 && created.lastUpdateTime == created.createTime)
            let read = try store.getAssessment(traceId: "tr-1", assessmentId: created.assessmentId)
            #expect(read == created)
            #expect(read.value == value)
            ids.append(created.assessmentId)
        }
        let expectation = try store.createAssessment(Assessment(
            assessmentId: "", traceId: "tr-1", name: "expected", kind: .expectation, value: .string("42"),
            sourceType: "HUMAN", sourceId: "ann", createTime: 1_000, lastUpdateTime: 1_000))
        #expect(expectation.createTime == 1_000)
        let failed = try store.createAssessment(Assessment(
            assessmentId: "", traceId: "tr-1", name: "judge", kind: .feedback, value: .null,
            error: AssessmentError(errorCode: "RATE_LIMIT", errorMessage: "slow down"), sourceType: "CODE",
            createTime: 0, lastUpdateTime: 0))
        #expect(try store.getAssessment(traceId: "tr-1", assessmentId: failed.assessmentId).error?.errorCode == "RATE_LIMIT")
        // They come with the trace, oldest first.
        let trace = try store.getTraceInfo(traceId: "tr-1")
        #expect(trace.assessments.first?.assessmentId == expectation.assessmentId)
        #expect(Set(trace.assessments.map(\.assessmentId)) == Set(ids + [expectation.assessmentId, failed.assessmentId]))
    }

    @Test(arguments: TestEngine.all) func overridesUpdatesAndDeletes(engine: TestEngine) throws {
        let (store, experiment) = try store(engine)
        let first = try store.createAssessment(feedback(.string("bad")))
        let second = try store.createAssessment(feedback(.string("good"), overrides: first.assessmentId))
        #expect(try store.getAssessment(traceId: "tr-1", assessmentId: first.assessmentId).valid == false)
        #expect(second.overrides == first.assessmentId && second.valid)
        let missing = #expect(throws: MLflowError.self) { try store.createAssessment(feedback(.null, overrides: "a-none")) }
        #expect(missing?.message == "Assessment with ID 'a-none' not found for trace 'tr-1'")

        let updated = try store.updateAssessment(traceId: "tr-1", assessmentId: second.assessmentId, AssessmentUpdate(
            name: "renamed", feedback: (.integer(3), nil), rationale: "new reason", metadata: [Tag(key: "n", value: "2")]))
        #expect(updated.name == "renamed" && updated.value == .integer(3) && updated.rationale == "new reason")
        #expect(updated.metadata == [Tag(key: "m", value: "1"), Tag(key: "n", value: "2")])
        #expect(updated.sourceId == "gpt" && updated.createTime == second.createTime)
        #expect(updated.lastUpdateTime >= second.lastUpdateTime)
        #expect(try store.getAssessment(traceId: "tr-1", assessmentId: second.assessmentId) == updated)
        let wrongKind = #expect(throws: MLflowError.self) {
            try store.updateAssessment(traceId: "tr-1", assessmentId: second.assessmentId, AssessmentUpdate(expectation: .bool(true)))
        }
        #expect(wrongKind?.message == "Cannot update expectation value on a Feedback assessment.")

        // Deleting the override makes the first count again; deleting an unknown one is no error.
        try store.deleteAssessment(traceId: "tr-1", assessmentId: second.assessmentId)
        #expect(try store.getAssessment(traceId: "tr-1", assessmentId: first.assessmentId).valid)
        try store.deleteAssessment(traceId: "tr-1", assessmentId: second.assessmentId)
        #expect(throws: MLflowError.self) { try store.getAssessment(traceId: "tr-1", assessmentId: second.assessmentId) }
        #expect(throws: MLflowError.self) { try store.deleteAssessment(traceId: "tr-none", assessmentId: "a-1") }
        #expect(throws: MLflowError.self) { try store.createAssessment(Assessment(
            assessmentId: "", traceId: "tr-none", name: "q", kind: .feedback, value: .null, sourceType: "HUMAN",
            createTime: 0, lastUpdateTime: 0)) }
        let badSource = #expect(throws: MLflowError.self) { try store.createAssessment(Assessment(
            assessmentId: "", traceId: "tr-1", name: "q", kind: .feedback, value: .null, sourceType: "ROBOT",
            createTime: 0, lastUpdateTime: 0)) }
        #expect(badSource?.code == .invalidParameterValue)

        // Deleting the trace takes its assessments.
        #expect(try store.deleteTraces(experimentId: experiment, maxTimestampMillis: nil, maxTraces: nil, traceIds: ["tr-1"]) == 1)
        _ = try store.startTrace(TraceInfo(traceId: "tr-1", experimentId: experiment, requestTime: 1, state: .ok))
        #expect(try store.getTraceInfo(traceId: "tr-1").assessments.isEmpty)
    }
}
