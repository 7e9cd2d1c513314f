import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

/// The largest searches the grammar accepts run on every engine: no expression-depth, join or
/// bind-parameter limit of SQLite, PostgreSQL or MariaDB is reached (issue 20: they answered 500).
@Suite("Search: size limits on every engine")
struct SearchSizeLimitTests {
    /// `clause` repeated `count` times, AND-ed.
    private func repeated(_ clause: String, _ count: Int) -> String {
        Array(repeating: clause, count: count).joined(separator: " AND ")
    }

    @Test func filtersNearTheLimitStayUnderIt() throws {
        // The clause limit comes long before sqlparse's token limit (1,000 metric clauses are 9,996 tokens).
        let most = SearchLimits.maxFilterClauses
        #expect(throws: Never.self) { try SearchFilter.parseRuns(repeated("metrics.m >= 0", most)) }
        #expect(throws: Never.self) { try SearchFilter.parseRuns(repeated("start_time>=0", most)) }
        #expect(throws: MLflowError.invalidParameter("Invalid filter: \(most + 1) comparisons. A filter may AND together "
                                                     + "at most \(most).")) {
            try SearchFilter.parseRuns(repeated("metrics.m >= 0", most + 1))
        }
    }

    @Test(arguments: TestEngine.all) func largestRunFilterWithTwentyOrderKeys(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let matching = try makeRun(store, runName: "matching")
        let other = try makeRun(store, runName: "other")
        let experimentId = matching.info.experimentId
        try store.logBatch(runId: matching.info.runId,
                           metrics: (0..<50).map { Metric(key: "m\($0)", value: Double($0), timestamp: 1, step: 0) },
                           params: [], tags: [])
        try store.logBatch(runId: other.info.runId, metrics: [Metric(key: "m0", value: -1, timestamp: 1, step: 0)],
                           params: [], tags: [])
        // The most EXISTS subqueries a filter may have, on 50 distinct keys (each run must have all of m0...m49).
        let filter = (0..<SearchLimits.maxFilterClauses).map { "metrics.m\($0 % 50) >= 0" }.joined(separator: " AND ")
        let orderBy = (0..<20).map { "metrics.m\($0) DESC" }
        let page = try store.searchRuns(RunSearchQuery(experimentIds: [experimentId], filter: filter, orderBy: orderBy))
        #expect(page.items.map(\.info.runId) == [matching.info.runId])

        // Twenty outer-joined keys without the filter's inner join (SQLite 3.40 crashed at 31).
        let mixed = (0..<20).map { $0 % 3 == 0 ? "params.p\($0)" : $0 % 3 == 1 ? "tags.t\($0)" : "metrics.m\($0)" }
        let unfiltered = try store.searchRuns(RunSearchQuery(experimentIds: [experimentId], orderBy: mixed))
        #expect(Set(unfiltered.items.map(\.info.runId)) == [matching.info.runId, other.info.runId])

        let dense = try store.searchRuns(RunSearchQuery(experimentIds: [experimentId],
                                                        filter: repeated("start_time>=0", SearchLimits.maxFilterClauses)))
        #expect(Set(dense.items.map(\.info.runId)) == [matching.info.runId, other.info.runId])
    }

    @Test(arguments: TestEngine.all) func runSearchRefusesTwentyOneOrderKeys(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let run = try makeRun(store)
        let orderBy = (0..<1_000).map { "metrics.m\($0)" }
        #expect(throws: MLflowError.invalidParameter(
            "Invalid value for parameter 'order_by' supplied: 1000 clauses. It must have at most 20 clauses.")) {
            try store.searchRuns(RunSearchQuery(experimentIds: [run.info.experimentId], orderBy: orderBy))
        }
        #expect(throws: MLflowError.self) {
            try store.searchRuns(RunSearchQuery(experimentIds: [run.info.experimentId], orderBy: Array(orderBy.prefix(21))))
        }
    }

    @Test(arguments: TestEngine.all) func experimentSearchNearTheLimit(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let tagged = try store.createExperiment(name: "tagged", artifactLocation: nil, tags: [Tag(key: "t", value: "v")])
        _ = try store.createExperiment(name: "untagged", artifactLocation: nil, tags: [])
        // The most clauses a filter may have, and a thousand order_by entries, as MLflow takes them.
        let orderBy = Array(repeating: ["name DESC", "creation_time", "experiment_id", "last_update_time"], count: 250)
            .flatMap { $0 }
        let page = try store.searchExperiments(ExperimentSearchQuery(filter: repeated("tags.t='v'", SearchLimits.maxFilterClauses), orderBy: orderBy))
        #expect(page.items.map(\.experimentId) == [tagged])
        let all = try store.searchExperiments(ExperimentSearchQuery(orderBy: orderBy))
        #expect(all.items.map(\.name) == ["untagged", "tagged", "Default"])
    }

    @Test(arguments: TestEngine.all) func registrySearchNearTheLimit(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("tagged", versions: 1)
        try fixture.model("untagged", versions: 1)
        try fixture.registry.setRegisteredModelTag(name: "tagged", tag: Tag(key: "t", value: "v"))
        try fixture.registry.setModelVersionTag(name: "tagged", version: "1", tag: Tag(key: "t", value: "v"))
        let filter = repeated("tags.t='v'", SearchLimits.maxFilterClauses)
        let models = try fixture.registry.searchRegisteredModels(RegistrySearchQuery(filter: filter))
        #expect(models.items.map(\.name) == ["tagged"])
        let versions = try fixture.registry.searchModelVersions(RegistrySearchQuery(filter: filter))
        #expect(versions.items.map(\.name) == ["tagged"])
    }

    @Test(arguments: TestEngine.all) func loggedModelSearchNearTheLimit(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let experimentId = try store.createExperiment(name: "models", artifactLocation: nil, tags: [])
        let run = try makeRun(store, experimentName: "models")
        let scored = try makeLoggedModel(store, experimentId: experimentId, name: "scored")
        _ = try makeLoggedModel(store, experimentId: experimentId, name: "unscored")
        for index in 0..<50 {
            try logModelMetric(store, runId: run.info.runId, modelId: scored.modelId, key: "m\(index)", value: 1,
                               timestamp: 1, dataset: ("ds", "dg"))
        }
        // The most metric clauses a filter may have and 20 metric order keys; 2,000 datasets (one OR-ed condition).
        let filter = (0..<SearchLimits.maxFilterClauses).map { "metrics.m\($0 % 50) > 0" }.joined(separator: " AND ")
        let orderBy = (0..<20).map { LoggedModelOrderBy(fieldName: "metrics.m\($0)", ascending: false) }
        let datasets = (0..<2_000).map { LoggedModelDatasetFilter(name: $0 == 1_999 ? "ds" : "other\($0)") }
        #expect(try searchNames(store, [experimentId], filter: filter, orderBy: orderBy) == ["scored"])
        #expect(try searchNames(store, [experimentId], filter: "metrics.m0 > 0 AND metrics.m1 > 0", datasets: datasets,
                                orderBy: orderBy) == ["scored"])
        #expect(try searchNames(store, [experimentId], datasets: datasets) == ["scored"])
        // Each metric clause repeats the dataset condition: 2,000 datasets x 1,000 clauses is refused
        // before two million values are built.
        #expect(throws: MLflowError.self) {
            try searchNames(store, [experimentId], filter: filter, datasets: datasets)
        }
        #expect(throws: MLflowError.invalidParameter(
            "Invalid value for parameter 'order_by' supplied: 21 clauses. It must have at most 20 clauses.")) {
            try searchNames(store, [experimentId], orderBy: orderBy + [LoggedModelOrderBy(fieldName: "name")])
        }
    }

    @Test(arguments: TestEngine.all) func tooManyBoundValuesAreRefusedBeforeTheEngine(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let run = try makeRun(store)
        // Repeats cost nothing: 40,000 mentions of 2 experiments.
        let repeatedIds = Array(repeating: [run.info.experimentId, "0"], count: 20_000).flatMap { $0 }
        let page = try store.searchRuns(RunSearchQuery(experimentIds: repeatedIds))
        #expect(page.items.map(\.info.runId) == [run.info.runId])
        let manyIds = (1...40_000).map(String.init)
        #expect(throws: MLflowError.invalidParameter(
            "The search is too large: it needs 40003 values, at most 32000 are supported. "
                + "Search fewer experiments or use a shorter filter.")) {
            try store.searchRuns(RunSearchQuery(experimentIds: manyIds))
        }
    }

    @Test func conjunctionIsBalanced() {
        let parts = (0..<1_000).map { SQLFragment("c\($0) = ?", [.integer(Int64($0))]) }
        let tree = SQLFragment.conjunction(parts)
        #expect(tree.bindings == (0..<1_000).map { .integer(Int64($0)) })
        var depth = 0, deepest = 0
        for character in tree.sql {
            if character == "(" { depth += 1; deepest = max(deepest, depth) }
            if character == ")" { depth -= 1 }
        }
        #expect(deepest <= 10)
        #expect(SQLFragment.conjunction(Array(parts.prefix(3))).sql == "c0 = ? AND c1 = ? AND c2 = ?")
    }
}
