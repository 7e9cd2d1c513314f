import Foundation
import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Store: logged model search")
struct StoreLoggedModelSearchTests {
    /// alpha (sk, p=a, t=v, READY, acc 0.9 on ds/dg then 0.1), Beta (p=b, acc 0.7), gamma (no metrics); newest last.
    private func fixture(_ engine: TestEngine) throws -> (SQLTrackingStore, String, [String: LoggedModel]) {
        let store = try engine.makeStore()
        let experimentId = try store.createExperiment(name: "search", artifactLocation: nil, tags: [])
        let run = try makeRun(store, experimentName: "search")
        var models: [String: LoggedModel] = [:]
        models["alpha"] = try makeLoggedModel(store, experimentId: experimentId, name: "alpha", modelType: "sk",
                                              params: [Param(key: "p", value: "a")], tags: [Tag(key: "t", value: "v")])
        Thread.sleep(forTimeInterval: 0.003)
        models["Beta"] = try makeLoggedModel(store, experimentId: experimentId, name: "Beta",
                                             params: [Param(key: "p", value: "b")])
        Thread.sleep(forTimeInterval: 0.003)
        models["gamma"] = try makeLoggedModel(store, experimentId: experimentId, name: "gamma")
        let alpha = try #require(models["alpha"]?.modelId)
        let beta = try #require(models["Beta"]?.modelId)
        _ = try store.finalizeLoggedModel(id: alpha, status: .ready)
        try logModelMetric(store, runId: run.info.runId, modelId: alpha, key: "acc", value: 0.9, timestamp: 10,
                           dataset: ("ds", "dg"))
        try logModelMetric(store, runId: run.info.runId, modelId: alpha, key: "acc", value: 0.1, timestamp: 5, step: 1)
        try logModelMetric(store, runId: run.info.runId, modelId: beta, key: "acc", value: 0.7, timestamp: 20)
        return (store, experimentId, models)
    }

    @Test(arguments: TestEngine.all) func defaultOrderIsNewestFirst(engine: TestEngine) throws {
        let (store, id, _) = try fixture(engine)
        #expect(try searchNames(store, [id]) == ["gamma", "Beta", "alpha"])
        #expect(try searchNames(store, []) == [])
        #expect(try searchNames(store, ["0"]) == [])
    }

    @Test(arguments: TestEngine.all) func attributeFilters(engine: TestEngine) throws {
        let (store, id, models) = try fixture(engine)
        let alphaId = try #require(models["alpha"]?.modelId)
        let cases: [(String, [String])] = [
            ("name = 'alpha'", ["alpha"]),
            ("attributes.name = 'alpha'", ["alpha"]),
            ("name = alpha", ["alpha"]),
            ("name != 'alpha'", ["gamma", "Beta"]),
            ("name LIKE 'a%'", ["alpha"]),
            ("name LIKE 'A%'", []),
            ("name like 'a%'", ["alpha"]),
            ("name ILIKE 'A%'", ["alpha"]),
            ("name IN ('alpha', 'Beta')", ["Beta", "alpha"]),
            ("name NOT IN ('alpha')", ["gamma", "Beta"]),
            ("model_type = 'sk'", ["alpha"]),
            ("model_id = '\(alphaId)'", ["alpha"]),
            // Status is MLflow's integer: 2 is READY; the name matches nothing, as in MLflow.
            ("status = 2", ["alpha"]),
            ("status = '2'", ["alpha"]),
            ("status = 'READY'", []),
            ("creation_time > 0", ["gamma", "Beta", "alpha"]),
            ("attributes.creation_time > 0", ["gamma", "Beta", "alpha"]),
            ("last_updated_timestamp >= 0", ["gamma", "Beta", "alpha"]),
            ("creation_timestamp < 0", []),
            ("experiment_id = '\(id)'", ["gamma", "Beta", "alpha"]),
        ]
        for (filter, expected) in cases {
            #expect(try searchNames(store, [id], filter: filter) == expected, "\(filter)")
        }
    }

    @Test(arguments: TestEngine.all) func metricParamAndTagFilters(engine: TestEngine) throws {
        let (store, id, _) = try fixture(engine)
        let cases: [(String, [String])] = [
            // Any observation counts, not only the latest.
            ("metrics.acc > 0.5", ["Beta", "alpha"]),
            ("metrics.acc < 0.5", ["alpha"]),
            ("metrics.acc >= 0.9", ["alpha"]),
            ("metrics.`acc` = 0.7", ["Beta"]),
            ("metrics.missing > 0", []),
            ("params.p = 'a'", ["alpha"]),
            ("params.p = \"a\"", []),
            ("params.p != 'a'", ["Beta"]),
            ("params.p IN ('a', 'b')", ["Beta", "alpha"]),
            ("tags.t = 'v'", ["alpha"]),
            ("tags.`t` LIKE 'v%'", ["alpha"]),
            ("name = 'alpha' AND params.p = 'a' AND metrics.acc > 0", ["alpha"]),
        ]
        for (filter, expected) in cases {
            #expect(try searchNames(store, [id], filter: filter) == expected, "\(filter)")
        }
    }

    @Test(arguments: TestEngine.all) func datasetFilters(engine: TestEngine) throws {
        let (store, id, _) = try fixture(engine)
        #expect(try searchNames(store, [id], filter: "metrics.acc > 0.5", datasets: [LoggedModelDatasetFilter(name: "ds")])
                == ["alpha"])
        #expect(try searchNames(store, [id], datasets: [LoggedModelDatasetFilter(name: "ds", digest: "dg")]) == ["alpha"])
        #expect(try searchNames(store, [id], datasets: [LoggedModelDatasetFilter(name: "ds", digest: "x")]) == [])
        #expect(throws: MLflowError(.invalidParameterValue, "`dataset_name` in the `datasets` clause must be specified.")) {
            try searchNames(store, [id], datasets: [LoggedModelDatasetFilter(name: "")])
        }
    }

    @Test(arguments: TestEngine.all) func orderBy(engine: TestEngine) throws {
        let (store, id, _) = try fixture(engine)
        // The latest observation by timestamp decides (alpha: 0.9 at t=10); models without the metric come last.
        #expect(try searchNames(store, [id], orderBy: [LoggedModelOrderBy(fieldName: "metrics.acc", ascending: false)])
                == ["alpha", "Beta", "gamma"])
        #expect(try searchNames(store, [id], orderBy: [LoggedModelOrderBy(fieldName: "metrics.acc", ascending: true)])
                == ["Beta", "alpha", "gamma"])
        #expect(try searchNames(store, [id], orderBy: [LoggedModelOrderBy(fieldName: "metrics.acc", datasetName: "ds")])
                == ["alpha", "gamma", "Beta"])
        #expect(try searchNames(store, [id], orderBy: [LoggedModelOrderBy(fieldName: "name")]) == ["Beta", "alpha", "gamma"])
        #expect(try searchNames(store, [id], orderBy: [LoggedModelOrderBy(fieldName: "creation_time")])
                == ["alpha", "Beta", "gamma"])
        // Nulls last either way.
        #expect(try searchNames(store, [id], orderBy: [LoggedModelOrderBy(fieldName: "model_type", ascending: false)])
                == ["alpha", "gamma", "Beta"])
        #expect(throws: MLflowError(.invalidParameterValue, "Invalid order by field name: nope")) {
            try searchNames(store, [id], orderBy: [LoggedModelOrderBy(fieldName: "nope")])
        }
        #expect(throws: MLflowError(.invalidParameterValue,
                                    "Invalid order by field name: params.p. Only metrics are supported.")) {
            try searchNames(store, [id], orderBy: [LoggedModelOrderBy(fieldName: "params.p")])
        }
    }

    @Test(arguments: TestEngine.all) func pagesCarryTheQuery(engine: TestEngine) throws {
        let (store, id, _) = try fixture(engine)
        let first = try store.searchLoggedModels(LoggedModelSearchQuery(experimentIds: [id], maxResults: 2))
        #expect(first.items.map(\.name) == ["gamma", "Beta"])
        let token = try #require(first.nextPageToken)
        let decoded = String(decoding: Data(base64Encoded: token) ?? Data(), as: UTF8.self)
        #expect(decoded == "{\"experiment_ids\": [\"\(id)\"], \"filter_string\": null, \"order_by\": null, \"offset\": 2}")
        let second = try store.searchLoggedModels(LoggedModelSearchQuery(experimentIds: [id], maxResults: 2,
                                                                         pageToken: token))
        #expect(second.items.map(\.name) == ["alpha"])
        #expect(second.nextPageToken == nil)
        #expect(throws: MLflowError(.invalidParameterValue,
            "Experiment IDs in the page token do not match the requested experiment IDs. "
            + "Expected: ['\(id)', '0']. Found: ['\(id)']")) {
            try store.searchLoggedModels(LoggedModelSearchQuery(experimentIds: [id, "0"], pageToken: token))
        }
        #expect(throws: MLflowError(.invalidParameterValue,
            "Filter string in the page token does not match the requested filter string. Expected: name = 'x'. Found: None")) {
            try store.searchLoggedModels(LoggedModelSearchQuery(experimentIds: [id], filter: "name = 'x'", pageToken: token))
        }
        #expect(throws: MLflowError(.invalidParameterValue,
            "Order by in the page token does not match the requested order by. Expected: [{'field_name': 'name', "
            + "'ascending': True, 'dataset_name': None, 'dataset_digest': None}]. Found: None")) {
            try store.searchLoggedModels(LoggedModelSearchQuery(experimentIds: [id], orderBy: [LoggedModelOrderBy(fieldName: "name")],
                                                                pageToken: token))
        }
        #expect(throws: MLflowError(.invalidParameterValue, "Invalid page token: abc.")) {
            try store.searchLoggedModels(LoggedModelSearchQuery(experimentIds: [id], pageToken: "abc"))
        }
    }
}
