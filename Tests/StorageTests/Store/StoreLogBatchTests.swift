import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Store: log-batch")
struct StoreLogBatchTests {
    @Test(arguments: TestEngine.all) func paramsAreImmutable(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store).info.runId
        try store.logBatch(runId: id, metrics: [], params: [Param(key: "lr", value: "0.1")], tags: [])
        try store.logBatch(runId: id, metrics: [], params: [Param(key: "lr", value: "0.1")], tags: [])
        #expect(throws: MLflowError(.invalidParameterValue,
            "Changing param values is not allowed. Params were already logged="
            + "'[{'key': 'lr', 'old_value': '0.1', 'new_value': '0.2'}]' for run ID='\(id)'.")) {
            try store.logBatch(runId: id, metrics: [], params: [Param(key: "lr", value: "0.2")], tags: [])
        }
        #expect(throws: MLflowError(.invalidParameterValue,
            "Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' "
            + "for run ID='\(id)'. Attempted logging new value '0.3'.")) {
            try store.logParam(runId: id, param: Param(key: "lr", value: "0.3"))
        }
        try store.logParam(runId: id, param: Param(key: "lr", value: "0.1"))
        try store.logParam(runId: id, param: Param(key: "depth", value: "3"))
        #expect(try store.getRun(id: id).params == [Param(key: "depth", value: "3"), Param(key: "lr", value: "0.1")])
    }

    @Test(arguments: TestEngine.all) func duplicateParamKeysInOneBatch(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store).info.runId
        #expect(throws: MLflowError(.invalidParameterValue,
            "Duplicate parameter keys have been submitted: ['a']. Please ensure the request contains only one "
            + "param value per param key.")) {
            try store.logBatch(runId: id, metrics: [], params: [Param(key: "a", value: "1"), Param(key: "a", value: "1")],
                               tags: [])
        }
    }

    @Test(arguments: TestEngine.all) func oneBadParamWritesNothing(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store).info.runId
        try store.logBatch(runId: id, metrics: [], params: [Param(key: "p", value: "old")], tags: [])
        let error = #expect(throws: MLflowError.self) {
            try store.logBatch(runId: id, metrics: [Metric(key: "m", value: 1, timestamp: 1, step: 0)],
                               params: [Param(key: "q", value: "new"), Param(key: "p", value: "changed")],
                               tags: [Tag(key: "t", value: "v")])
        }
        #expect(error?.code == .invalidParameterValue)
        let run = try store.getRun(id: id)
        #expect(run.metrics.isEmpty)
        #expect(run.params == [Param(key: "p", value: "old")])
        #expect(!run.tags.contains { $0.key == "t" })
        #expect(try store.getMetricHistory(runId: id, key: "m", maxResults: nil, pageToken: nil).items.isEmpty)
    }

    @Test(arguments: TestEngine.all) func deletedOrMissingRun(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store).info.runId
        try store.deleteRun(id: id)
        #expect(throws: MLflowError(.invalidParameterValue,
                                    "The run \(id) must be in the 'active' state. Current state is deleted.")) {
            try store.logBatch(runId: id, metrics: [Metric(key: "m", value: 1, timestamp: 1, step: 0)], params: [], tags: [])
        }
        #expect(throws: MLflowError(.resourceDoesNotExist, "Run with id=nope not found")) {
            try store.logBatch(runId: "nope", metrics: [], params: [], tags: [])
        }
    }

    @Test(arguments: TestEngine.all) func latestMetricIsMaxStepThenTimestampThenValue(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store).info.runId
        try store.logBatch(runId: id, metrics: [Metric(key: "loss", value: 0.5, timestamp: 100, step: 5)], params: [], tags: [])
        // A lower step logged later does not replace the latest.
        try store.logBatch(runId: id, metrics: [Metric(key: "loss", value: 0.1, timestamp: 900, step: 2)], params: [], tags: [])
        #expect(try store.getRun(id: id).metrics == [Metric(key: "loss", value: 0.5, timestamp: 100, step: 5)])
        // Same step: the later timestamp wins, then the larger value.
        try store.logBatch(runId: id, metrics: [Metric(key: "loss", value: 0.4, timestamp: 200, step: 5),
                                                Metric(key: "loss", value: 0.3, timestamp: 200, step: 5),
                                                Metric(key: "loss", value: 0.45, timestamp: 150, step: 5)],
                           params: [], tags: [])
        #expect(try store.getRun(id: id).metrics == [Metric(key: "loss", value: 0.4, timestamp: 200, step: 5)])
        // An exact duplicate is ignored in the history.
        try store.logBatch(runId: id, metrics: [Metric(key: "loss", value: 0.4, timestamp: 200, step: 5)], params: [], tags: [])
        #expect(try store.getMetricHistory(runId: id, key: "loss", maxResults: nil, pageToken: nil).items.count == 5)
    }

    @Test(arguments: TestEngine.all) func nanAndInfinityRoundTrip(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store).info.runId
        try store.logBatch(runId: id, metrics: [Metric(key: "nan", value: .nan, timestamp: 1, step: 0),
                                                Metric(key: "pinf", value: .infinity, timestamp: 1, step: 0),
                                                Metric(key: "ninf", value: -.infinity, timestamp: 1, step: 0)],
                           params: [], tags: [])
        let metrics = Dictionary(uniqueKeysWithValues: try store.getRun(id: id).metrics.map { ($0.key, $0.value) })
        #expect(metrics["nan"]?.isNaN == true)
        #expect(metrics["pinf"] == 1.7976931348623157e308)
        #expect(metrics["ninf"] == -1.7976931348623157e308)
        let history = try store.getMetricHistory(runId: id, key: "nan", maxResults: nil, pageToken: nil).items
        #expect(history.count == 1 && history[0].value.isNaN)
        // A NaN at a higher step still becomes the latest (compared as 0, like MLflow).
        try store.logBatch(runId: id, metrics: [Metric(key: "pinf", value: .nan, timestamp: 1, step: 1)], params: [], tags: [])
        #expect(try store.getRun(id: id).metrics.first { $0.key == "pinf" }?.value.isNaN == true)
    }

    @Test(arguments: TestEngine.all) func tagsUpsertAndRunNameTagRenames(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store).info.runId
        try store.logBatch(runId: id, metrics: [], params: [],
                           tags: [Tag(key: "a", value: "1"), Tag(key: "a", value: "2"),
                                  Tag(key: "mlflow.runName", value: "via-tag")])
        var run = try store.getRun(id: id)
        #expect(run.tags.contains(Tag(key: "a", value: "2")))
        #expect(run.info.runName == "via-tag")
        #expect(run.tags.contains(Tag(key: "mlflow.runName", value: "via-tag")))
        // An empty mlflow.runName is ignored, as MLflow's set_tag -> update_run_info does.
        try store.logBatch(runId: id, metrics: [], params: [], tags: [Tag(key: "mlflow.runName", value: "")])
        run = try store.getRun(id: id)
        #expect(run.info.runName == "via-tag")
    }

    @Test(arguments: TestEngine.all) func oddStringsDoNotCrash(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store).info.runId
        // Within MLflow's lengths (keys 250 characters), which the server engines enforce.
        let odd = "nul\u{0}inside 'quote' \"dq\" \\ é 🚀 " + String(repeating: "x", count: 200)
        if engine == .postgres {
            // PostgreSQL text cannot hold NUL: a clear refusal, and nothing written.
            #expect(throws: MLflowError(.invalidParameterValue,
                                        "PostgreSQL cannot store text containing the NUL character (\\u0000).")) {
                try store.logBatch(runId: id, metrics: [Metric(key: odd, value: 1, timestamp: 1, step: 0)],
                                   params: [Param(key: odd, value: odd)], tags: [])
            }
            #expect(try store.getRun(id: id).params.isEmpty)
            return
        }
        try store.logBatch(runId: id, metrics: [Metric(key: odd, value: 1, timestamp: 1, step: 0)],
                           params: [Param(key: odd, value: odd)], tags: [Tag(key: odd, value: "")])
        let run = try store.getRun(id: id)
        #expect(run.params == [Param(key: odd, value: odd)])
        #expect(run.metrics.first?.key == odd)
        #expect(run.tags.contains(Tag(key: odd, value: "")))
        #expect(PythonRepr.string("it's") == "\"it's\"")
        #expect(PythonRepr.string("a\n'\"") == "'a\\n\\'\"'")
    }
}
