import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Store: runs")
struct StoreRunTests {
    @Test(arguments: TestEngine.all) func createRunFillsInfoAndNameTag(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let run = try makeRun(store, runName: "my-run", tags: [Tag(key: "x", value: "y")])
        let info = run.info
        #expect(info.runId.count == 32)
        #expect(info.runId.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(info.runName == "my-run")
        #expect(info.status == .running)
        #expect(info.userId == "alice")
        #expect(info.startTime == 1_000)
        #expect(info.endTime == nil)
        #expect(info.lifecycleStage == .active)
        #expect(info.artifactUri == "/art/\(info.experimentId)/\(info.runId)/artifacts")
        #expect(Set(run.tags) == [Tag(key: "x", value: "y"), Tag(key: "mlflow.runName", value: "my-run")])
        #expect(try store.getRun(id: info.runId) == run)
    }

    /// create-run answers without reading the run back: the answer must be what get-run reads.
    @Test(arguments: TestEngine.all) func createRunAnswerIsWhatGetRunReads(engine: TestEngine) throws {
        let store = try engine.makeStore(artifactRoot: "/art")
        let experimentId = try store.createExperiment(name: "e", artifactLocation: "s3://bucket/e", tags: [])
        let run = try store.createRun(CreateRunRequest(
            experimentId: experimentId, userId: "", runName: nil, startTime: nil,
            tags: [Tag(key: "b", value: "1"), Tag(key: "a", value: "2"), Tag(key: "b", value: "3"),
                   Tag(key: "Z", value: "ünï"), Tag(key: "mlflow.user", value: "bob")]))
        #expect(run.info.startTime == 0)
        #expect(run.info.artifactUri == "s3://bucket/e/\(run.info.runId)/artifacts")
        #expect(run.tags.map(\.key) == ["Z", "a", "b", "mlflow.runName", "mlflow.user"])
        #expect(run.tags.first { $0.key == "b" }?.value == "3")
        #expect(try store.getRun(id: run.info.runId) == run)
    }

    @Test(arguments: TestEngine.all) func runNameComesFromTagOrIsGenerated(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let fromTag = try makeRun(store, runName: nil, tags: [Tag(key: "mlflow.runName", value: "tagged")])
        #expect(fromTag.info.runName == "tagged")
        let same = try makeRun(store, runName: "tagged", tags: [Tag(key: "mlflow.runName", value: "tagged")])
        #expect(same.info.runName == "tagged")
        let generated = try makeRun(store, runName: nil)
        let parts = generated.info.runName.split(separator: "-")
        #expect(parts.count == 3)
        #expect(Int(parts.last ?? "") != nil)
        #expect(generated.info.runName.count <= 20)
        #expect(generated.tags.contains(Tag(key: "mlflow.runName", value: generated.info.runName)))
        #expect(throws: MLflowError(.invalidParameterValue,
            "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values "
            + "(run_name='a', mlflow.runName='b').")) {
            _ = try makeRun(store, runName: "a", tags: [Tag(key: "mlflow.runName", value: "b")])
        }
    }

    @Test(arguments: TestEngine.all) func createRunInMissingExperiment(engine: TestEngine) throws {
        let store = try engine.makeStore()
        #expect(throws: MLflowError(.resourceDoesNotExist, "No Experiment with id=7 exists")) {
            _ = try store.createRun(CreateRunRequest(experimentId: "7", userId: "u", runName: nil, startTime: 1, tags: []))
        }
    }

    @Test(arguments: TestEngine.all) func getMissingRun(engine: TestEngine) throws {
        let store = try engine.makeStore()
        #expect(throws: MLflowError(.resourceDoesNotExist, "Run with id=nope not found")) {
            _ = try store.getRun(id: "nope")
        }
    }

    @Test(arguments: TestEngine.all) func updateRun(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let run = try makeRun(store)
        let id = run.info.runId
        let info = try store.updateRun(id: id, status: .finished, endTime: 5_000, runName: "renamed")
        #expect(info.status == .finished)
        #expect(info.endTime == 5_000)
        #expect(info.runName == "renamed")
        #expect(try store.getRun(id: id).tags.contains(Tag(key: "mlflow.runName", value: "renamed")))
        // nil fields stay as they are
        let unchanged = try store.updateRun(id: id, status: nil, endTime: nil, runName: nil)
        #expect(unchanged == info)
        try store.deleteRun(id: id)
        #expect(throws: MLflowError(.invalidParameterValue,
                                    "The run \(id) must be in the 'active' state. Current state is deleted.")) {
            _ = try store.updateRun(id: id, status: .failed, endTime: nil, runName: nil)
        }
    }

    @Test(arguments: TestEngine.all) func deleteAndRestoreRun(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store).info.runId
        try store.deleteRun(id: id)
        #expect(try store.getRun(id: id).info.lifecycleStage == .deleted)
        try store.restoreRun(id: id)
        #expect(try store.getRun(id: id).info.lifecycleStage == .active)
        #expect(throws: MLflowError(.resourceDoesNotExist, "Run with id=missing not found")) {
            try store.deleteRun(id: "missing")
        }
        #expect(throws: MLflowError(.resourceDoesNotExist, "Run with id=missing not found")) {
            try store.restoreRun(id: "missing")
        }
    }

    @Test(arguments: TestEngine.all) func deleteTag(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store, tags: [Tag(key: "t", value: "1")]).info.runId
        try store.deleteTag(runId: id, key: "t")
        #expect(!(try store.getRun(id: id).tags.contains { $0.key == "t" }))
        #expect(throws: MLflowError(.resourceDoesNotExist, "No tag with name: t in run with id \(id)")) {
            try store.deleteTag(runId: id, key: "t")
        }
        try store.deleteRun(id: id)
        #expect(throws: MLflowError(.invalidParameterValue,
                                    "The run \(id) must be in the 'active' state. Current state is deleted.")) {
            try store.deleteTag(runId: id, key: "mlflow.runName")
        }
    }

    @Test(arguments: TestEngine.all) func logInputsDeduplicatesDatasetsAndLinks(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let first = try makeRun(store)
        let second = try makeRun(store)
        let dataset = Dataset(name: "iris", digest: "abc", sourceType: "local", source: "{\"uri\":\"x\"}",
                              schema: "{}", profile: nil)
        let input = DatasetInput(dataset: dataset, tags: [Tag(key: "mlflow.data.context", value: "train")])
        try store.logInputs(runId: first.info.runId, datasets: [input, input], modelIds: ["m-1"])
        try store.logInputs(runId: first.info.runId, datasets: [input], modelIds: ["m-1"])
        try store.logInputs(runId: second.info.runId, datasets: [DatasetInput(dataset: dataset)], modelIds: [])
        let loaded = try store.getRun(id: first.info.runId)
        #expect(loaded.datasetInputs == [input])
        #expect(loaded.modelInputs == ["m-1"])
        #expect(try store.getRun(id: second.info.runId).datasetInputs == [DatasetInput(dataset: dataset)])
        let datasetRows = try store.database.read { connection in
            try connection.query("SELECT COUNT(*) FROM datasets") { $0.int64(0) }.first
        }
        #expect(datasetRows == 1)
        #expect(throws: MLflowError(.resourceDoesNotExist, "Run with id=nope not found")) {
            try store.logInputs(runId: "nope", datasets: [input], modelIds: [])
        }
    }

    @Test(arguments: TestEngine.all) func bulkLoadingSpansChunksAndKeepsOrder(engine: TestEngine) throws {
        let store = try engine.makeStore()
        var ids: [String] = []
        for index in 0..<(SQLEntityLoader.chunkSize + 20) {
            let run = try makeRun(store, runName: "r\(index)")
            try store.logBatch(runId: run.info.runId, metrics: [Metric(key: "m", value: Double(index), timestamp: 1, step: 0)],
                               params: [Param(key: "i", value: "\(index)")], tags: [])
            ids.append(run.info.runId)
        }
        let wanted = Array(ids.reversed()) + ["missing"]
        let runs = try store.database.read { try SQLEntityLoader.runs(wanted, $0) }
        #expect(runs.map(\.info.runId) == Array(ids.reversed()))
        #expect(runs.allSatisfy { $0.params.count == 1 && $0.metrics.count == 1 && $0.tags.count == 1 })
        #expect(runs.last?.params == [Param(key: "i", value: "0")])
    }
}
