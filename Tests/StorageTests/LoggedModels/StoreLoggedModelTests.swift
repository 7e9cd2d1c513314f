import Foundation
import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Store: logged models")
struct StoreLoggedModelTests {
    @Test(arguments: TestEngine.all) func createFillsInfoAndLoadsBack(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experimentId = try store.createExperiment(name: "lm", artifactLocation: nil, tags: [])
        let run = try makeRun(store, experimentName: "lm")
        let before = currentTimeMillis()
        let model = try store.createLoggedModel(CreateLoggedModelRequest(
            experimentId: experimentId, name: "clf", modelType: "sklearn", sourceRunId: run.info.runId,
            params: [Param(key: "alpha", value: "0.5")], tags: [Tag(key: "team", value: "ml")]))
        #expect(model.modelId.hasPrefix("m-"))
        #expect(model.modelId.count == 34)
        #expect(model.modelId.dropFirst(2).allSatisfy { "0123456789abcdef".contains($0) })
        #expect(model.experimentId == experimentId)
        #expect(model.name == "clf")
        #expect(model.artifactLocation == "/art/\(experimentId)/models/\(model.modelId)/artifacts")
        #expect(model.status == .pending)
        #expect(model.modelType == "sklearn")
        #expect(model.sourceRunId == run.info.runId)
        #expect(model.creationTimestamp >= before)
        #expect(model.lastUpdatedTimestamp == model.creationTimestamp)
        #expect(model.lifecycleStage == .active)
        #expect(model.params == [Param(key: "alpha", value: "0.5")])
        #expect(model.tags == [Tag(key: "team", value: "ml")])
        #expect(model.metrics.isEmpty)
        #expect(try store.getLoggedModel(id: model.modelId, allowDeleted: false) == model)
    }

    @Test(arguments: TestEngine.all) func nameIsGeneratedOrValidated(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let generated = try makeLoggedModel(store)
        #expect(generated.name.split(separator: "-").count == 3)
        #expect(generated.modelType == nil && generated.sourceRunId == nil)
        for bad in ["a/b", "", "x.y", "it's"] {
            let shown = bad.contains("'") ? "\"\(bad)\"" : "'\(bad)'"
            #expect(throws: MLflowError(.invalidParameterValue,
                "Invalid model name (\(shown)) provided. Model name must be a non-empty string and cannot contain "
                + "the following characters: ('/', ':', '.', '%', '\"', \"'\")")) {
                try makeLoggedModel(store, name: bad)
            }
        }
    }

    @Test(arguments: TestEngine.all) func createNeedsAnActiveExperiment(engine: TestEngine) throws {
        let store = try engine.makeStore()
        #expect(throws: MLflowError(.resourceDoesNotExist, "No Experiment with id=999 exists")) {
            try makeLoggedModel(store, experimentId: "999")
        }
        #expect(throws: MLflowError(.invalidParameterValue,
                                    "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.")) {
            try makeLoggedModel(store, experimentId: "abc")
        }
        let experimentId = try store.createExperiment(name: "gone", artifactLocation: nil, tags: [])
        try store.deleteExperiment(id: experimentId)
        #expect(throws: MLflowError(.invalidParameterValue,
            "The experiment \(experimentId) must be in the 'active' state. Current state is deleted.")) {
            try makeLoggedModel(store, experimentId: experimentId)
        }
    }

    @Test(arguments: TestEngine.all) func getMissingModelAnswersMLflowsMessage(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let missing = MLflowError(.resourceDoesNotExist, "Logged model with ID 'm-nope' not found.")
        #expect(throws: missing) { try store.getLoggedModel(id: "m-nope", allowDeleted: true) }
        #expect(throws: missing) { try store.finalizeLoggedModel(id: "m-nope", status: .ready) }
        #expect(throws: missing) { try store.deleteLoggedModel(id: "m-nope") }
        #expect(throws: missing) { try store.setLoggedModelTags(id: "m-nope", tags: []) }
        #expect(throws: missing) { try store.deleteLoggedModelTag(id: "m-nope", key: "k") }
        #expect(throws: missing) { try store.logLoggedModelParams(id: "m-nope", params: []) }
    }

    @Test(arguments: TestEngine.all) func finalizeSetsStatusAndUpdateTime(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let model = try makeLoggedModel(store)
        Thread.sleep(forTimeInterval: 0.005)
        let ready = try store.finalizeLoggedModel(id: model.modelId, status: .ready)
        #expect(ready.status == .ready)
        #expect(ready.lastUpdatedTimestamp > model.lastUpdatedTimestamp)
        #expect(try store.finalizeLoggedModel(id: model.modelId, status: .uploadFailed).status == .uploadFailed)
        #expect(try store.getLoggedModel(id: model.modelId, allowDeleted: false).status == .uploadFailed)
    }

    @Test(arguments: TestEngine.all) func deleteIsSoft(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let model = try makeLoggedModel(store, name: "doomed")
        try store.deleteLoggedModel(id: model.modelId)
        #expect(throws: MLflowError(.resourceDoesNotExist, "Logged model with ID '\(model.modelId)' not found.")) {
            try store.getLoggedModel(id: model.modelId, allowDeleted: false)
        }
        let deleted = try store.getLoggedModel(id: model.modelId, allowDeleted: true)
        #expect(deleted.lifecycleStage == .deleted)
        #expect(deleted.name == "doomed")
        // As MLflow: a deleted model can still be tagged, and it never appears in search.
        try store.setLoggedModelTags(id: model.modelId, tags: [Tag(key: "k", value: "v")])
        try store.deleteLoggedModel(id: model.modelId)
        #expect(try searchNames(store, ["0"]).isEmpty)
    }

    @Test(arguments: TestEngine.all) func tagsUpsertAndDelete(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let model = try makeLoggedModel(store, tags: [Tag(key: "a", value: "1")])
        try store.setLoggedModelTags(id: model.modelId, tags: [Tag(key: "b", value: "2"), Tag(key: "a", value: "3"),
                                                               Tag(key: "b", value: "4")])
        #expect(try store.getLoggedModel(id: model.modelId, allowDeleted: false).tags
                == [Tag(key: "a", value: "3"), Tag(key: "b", value: "4")])
        try store.deleteLoggedModelTag(id: model.modelId, key: "a")
        #expect(try store.getLoggedModel(id: model.modelId, allowDeleted: false).tags == [Tag(key: "b", value: "4")])
        #expect(throws: MLflowError(.resourceDoesNotExist,
                                    "No tag with key 'a' found for model with ID '\(model.modelId)'.")) {
            try store.deleteLoggedModelTag(id: model.modelId, key: "a")
        }
    }

    @Test(arguments: TestEngine.all) func paramsAreImmutable(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let model = try makeLoggedModel(store, params: [Param(key: "p", value: "1")])
        try store.logLoggedModelParams(id: model.modelId, params: [Param(key: "q", value: "2"), Param(key: "p", value: "1")])
        #expect(try store.getLoggedModel(id: model.modelId, allowDeleted: false).params
                == [Param(key: "p", value: "1"), Param(key: "q", value: "2")])
        #expect(throws: MLflowError(.invalidParameterValue,
            "Changing param values is not allowed. Param with key='p' was already logged with value='1' for logged "
            + "model ID='\(model.modelId)'. Attempted logging new value '9'.")) {
            try store.logLoggedModelParams(id: model.modelId, params: [Param(key: "p", value: "9")])
        }
    }

    @Test(arguments: TestEngine.all) func metricsWithAModelIdLandOnTheModel(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let run = try makeRun(store, experimentName: "Default")
        let model = try makeLoggedModel(store)
        try logModelMetric(store, runId: run.info.runId, modelId: model.modelId, key: "acc", value: 0.9,
                           timestamp: 10, dataset: ("eval", "d1"))
        try logModelMetric(store, runId: run.info.runId, modelId: model.modelId, key: "acc", value: 0.1,
                           timestamp: 5, step: 1)
        try logModelMetric(store, runId: run.info.runId, modelId: model.modelId, key: "nan", value: .nan, timestamp: 5)
        // The same observation again is kept once.
        try logModelMetric(store, runId: run.info.runId, modelId: model.modelId, key: "acc", value: 0.1,
                           timestamp: 5, step: 1)
        let metrics = try store.getLoggedModel(id: model.modelId, allowDeleted: false).metrics
        #expect(metrics == [
            Metric(key: "acc", value: 0.9, timestamp: 10, step: 0, runId: run.info.runId, modelId: model.modelId,
                   datasetName: "eval", datasetDigest: "d1"),
            Metric(key: "acc", value: 0.1, timestamp: 5, step: 1, runId: run.info.runId, modelId: model.modelId),
            // MLflow stores a NaN model metric as 0.
            Metric(key: "nan", value: 0, timestamp: 5, step: 0, runId: run.info.runId, modelId: model.modelId),
        ])
        // The run keeps its own metrics as before.
        #expect(try store.getRun(id: run.info.runId).metrics.map(\.key).sorted() == ["acc", "nan"])
    }

    @Test(arguments: TestEngine.all) func metricForAnUnknownModelWritesNothing(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let run = try makeRun(store)
        #expect(throws: MLflowError(.resourceDoesNotExist, "Logged model with ID 'm-nope' not found.")) {
            try logModelMetric(store, runId: run.info.runId, modelId: "m-nope", key: "acc", value: 1, timestamp: 1)
        }
        #expect(try store.getRun(id: run.info.runId).metrics.isEmpty)
    }

    @Test(arguments: TestEngine.all) func outputsAppearOnTheRun(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let run = try makeRun(store)
        let model = try makeLoggedModel(store)
        try store.logOutputs(runId: run.info.runId, models: [ModelOutput(modelId: model.modelId, step: 3),
                                                            ModelOutput(modelId: "m-elsewhere", step: 0)])
        #expect(try store.getRun(id: run.info.runId).modelOutputs
                == [ModelOutput(modelId: model.modelId, step: 3), ModelOutput(modelId: "m-elsewhere", step: 0)])
        let searched = try store.searchRuns(RunSearchQuery(experimentIds: [run.info.experimentId]))
        #expect(searched.items.first?.modelOutputs.count == 2)
        #expect(throws: MLflowError(.resourceAlreadyExists,
                                    "Model \(model.modelId) is already an output of run \(run.info.runId).")) {
            try store.logOutputs(runId: run.info.runId, models: [ModelOutput(modelId: model.modelId, step: 4)])
        }
        #expect(throws: MLflowError(.resourceDoesNotExist, "Run with id=nope not found")) {
            try store.logOutputs(runId: "nope", models: [])
        }
        try store.deleteRun(id: run.info.runId)
        #expect(throws: MLflowError(.invalidParameterValue,
            "The run \(run.info.runId) must be in the 'active' state. Current state is deleted.")) {
            try store.logOutputs(runId: run.info.runId, models: [])
        }
    }
}
