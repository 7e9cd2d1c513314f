import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Store: experiments")
struct StoreExperimentTests {
    @Test(arguments: TestEngine.all) func defaultExperimentExists(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/data/artifacts/")
        let experiment = try store.getExperiment(id: "0")
        #expect(experiment.name == "Default")
        #expect(experiment.artifactLocation == "/data/artifacts/0")
        #expect(experiment.lifecycleStage == .active)
        #expect(experiment.creationTime != nil && experiment.creationTime == experiment.lastUpdateTime)
        // MLflow reads an empty id as the Default experiment.
        #expect(try store.getExperiment(id: "").experimentId == "0")
    }

    @Test(arguments: TestEngine.all) func createAssignsIncreasingIdsAndDefaultLocation(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "mlflow-artifacts:")
        let first = try store.createExperiment(name: "a", artifactLocation: nil, tags: [Tag(key: "k", value: "v")])
        let second = try store.createExperiment(name: "b", artifactLocation: "s3://bucket/b", tags: [])
        #expect(first == "1")
        #expect(second == "2")
        let a = try store.getExperiment(id: first)
        #expect(a.artifactLocation == "mlflow-artifacts:/1")
        #expect(a.tags == [Tag(key: "k", value: "v")])
        #expect(a.creationTime == a.lastUpdateTime)
        #expect(try store.getExperiment(id: second).artifactLocation == "s3://bucket/b")
        #expect(try store.getExperimentByName("b")?.experimentId == "2")
        #expect(try store.getExperimentByName("nope") == nil)
    }

    @Test(arguments: TestEngine.all) func artifactRootQueryStringStaysAtTheEnd(engine: TestEngine) {
        #expect(ArtifactURI.appending("s3://bucket/root?region=x", "3") == "s3://bucket/root/3?region=x")
        #expect(ArtifactURI.appending("/root/", "3", "abc", "artifacts") == "/root/3/abc/artifacts")
    }

    @Test(arguments: TestEngine.all) func duplicateNamesAreRejectedEvenWhenDeleted(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try store.createExperiment(name: "dup", artifactLocation: nil, tags: [])
        #expect(throws: MLflowError(.resourceAlreadyExists, "Experiment(name=dup) already exists.")) {
            _ = try store.createExperiment(name: "dup", artifactLocation: nil, tags: [])
        }
        try store.deleteExperiment(id: id)
        #expect(throws: MLflowError(.resourceAlreadyExists, "Experiment(name=dup) already exists.")) {
            _ = try store.createExperiment(name: "dup", artifactLocation: nil, tags: [])
        }
        #expect(throws: MLflowError(.invalidParameterValue, "Invalid experiment name: ''")) {
            _ = try store.createExperiment(name: "", artifactLocation: nil, tags: [])
        }
    }

    @Test(arguments: TestEngine.all) func missingAndMalformedIds(engine: TestEngine) throws {
        let store = try engine.makeStore()
        #expect(throws: MLflowError(.resourceDoesNotExist, "No Experiment with id=42 exists")) {
            _ = try store.getExperiment(id: "42")
        }
        #expect(throws: MLflowError(.invalidParameterValue,
                                    "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.")) {
            _ = try store.getExperiment(id: "abc")
        }
    }

    @Test(arguments: TestEngine.all) func renameRules(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try store.createExperiment(name: "old", artifactLocation: nil, tags: [])
        _ = try store.createExperiment(name: "taken", artifactLocation: nil, tags: [])
        let before = try store.getExperiment(id: id)
        try store.renameExperiment(id: id, newName: "new")
        let after = try store.getExperiment(id: id)
        #expect(after.name == "new")
        #expect((after.lastUpdateTime ?? 0) >= (before.lastUpdateTime ?? 0))
        #expect(throws: MLflowError(.resourceAlreadyExists, "Experiment(name=taken) already exists.")) {
            try store.renameExperiment(id: id, newName: "taken")
        }
        try store.deleteExperiment(id: id)
        #expect(throws: MLflowError(.invalidState, "Cannot rename a non-active experiment.")) {
            try store.renameExperiment(id: id, newName: "other")
        }
        #expect(throws: MLflowError(.resourceDoesNotExist, "No Experiment with id=99 exists")) {
            try store.renameExperiment(id: "99", newName: "other")
        }
    }

    @Test(arguments: TestEngine.all) func deleteAndRestoreCascadeToRuns(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let run = try makeRun(store)
        let id = run.info.experimentId
        try store.deleteExperiment(id: id)
        #expect(try store.getExperiment(id: id).lifecycleStage == .deleted)
        #expect(try store.getRun(id: run.info.runId).info.lifecycleStage == .deleted)
        // Deleting twice: MLflow looks in the active view only.
        #expect(throws: MLflowError(.resourceDoesNotExist, "No Experiment with id=\(id) exists")) {
            try store.deleteExperiment(id: id)
        }
        #expect(throws: MLflowError(.invalidParameterValue,
                                    "The experiment \(id) must be in the 'active' state. Current state is deleted.")) {
            _ = try store.createRun(CreateRunRequest(experimentId: id, userId: "u", runName: nil, startTime: 1, tags: []))
        }
        try store.restoreExperiment(id: id)
        #expect(try store.getExperiment(id: id).lifecycleStage == .active)
        #expect(try store.getRun(id: run.info.runId).info.lifecycleStage == .active)
        #expect(throws: MLflowError(.resourceDoesNotExist, "No Experiment with id=\(id) exists")) {
            try store.restoreExperiment(id: id)
        }
    }

    @Test(arguments: TestEngine.all) func experimentTags(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try store.createExperiment(name: "t", artifactLocation: nil, tags: [])
        try store.setExperimentTag(id: id, tag: Tag(key: "a", value: "1"))
        try store.setExperimentTag(id: id, tag: Tag(key: "a", value: "2"))
        try store.setExperimentTag(id: id, tag: Tag(key: "b", value: "3"))
        #expect(try store.getExperiment(id: id).tags == [Tag(key: "a", value: "2"), Tag(key: "b", value: "3")])
        try store.deleteExperimentTag(id: id, key: "a")
        #expect(try store.getExperiment(id: id).tags == [Tag(key: "b", value: "3")])
        #expect(throws: MLflowError(.resourceDoesNotExist, "No tag with name: a in experiment with id \(id)")) {
            try store.deleteExperimentTag(id: id, key: "a")
        }
        try store.deleteExperiment(id: id)
        #expect(throws: MLflowError(.invalidParameterValue,
                                    "The experiment \(id) must be in the 'active' state. Current state is deleted.")) {
            try store.setExperimentTag(id: id, tag: Tag(key: "c", value: "4"))
        }
    }
}
