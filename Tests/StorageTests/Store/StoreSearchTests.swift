import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

/// Needs the search compilers (written separately); skipped until they compile an empty filter.
@Suite("Store: search")
struct StoreSearchTests {
    @Test(arguments: TestEngine.all) func searchRunsPagesAndLoadsWholeRuns(engine: TestEngine) throws {
        let store = try engine.makeStore()
        var ids: [String] = []
        for index in 0..<5 {
            let run = try makeRun(store, runName: "r\(index)")
            try store.logBatch(runId: run.info.runId, metrics: [Metric(key: "m", value: Double(index), timestamp: 1, step: 0)],
                               params: [Param(key: "p", value: "\(index)")], tags: [])
            ids.append(run.info.runId)
        }
        let experimentId = try store.getRun(id: ids[0]).info.experimentId
        var seen: [String] = []
        var token: String?
        repeat {
            let page = try store.searchRuns(RunSearchQuery(experimentIds: [experimentId], maxResults: 2, pageToken: token))
            #expect(page.items.count <= 2)
            for run in page.items {
                #expect(run.params.count == 1)
                #expect(run.metrics.count == 1)
            }
            seen += page.items.map(\.info.runId)
            token = page.nextPageToken
        } while token != nil
        #expect(Set(seen) == Set(ids))
        #expect(seen.count == 5)
    }

    /// A filter on the metric the page is sorted by makes that metric drive the query (an inner
    /// join, no NaN/missing sort key): the order must stay MLflow's, ties broken by start time, then id.
    @Test(arguments: TestEngine.all) func orderByTheFilteredMetricKeepsTiesAndPages(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let experimentId = try store.createExperiment(name: "order", artifactLocation: nil, tags: [])
        // (acc, start time): two ties on 0.8 broken by start time, a NaN, one without acc.
        let shapes: [(Double?, Int64)] = [(0.8, 10), (0.9, 20), (0.8, 30), (.nan, 40), (nil, 50), (0.2, 60), (0.6, 70)]
        var ids: [String] = []
        for (acc, start) in shapes {
            let run = try store.createRun(CreateRunRequest(experimentId: experimentId, userId: "u", runName: nil,
                                                           startTime: start, tags: []))
            if let acc {
                try store.logBatch(runId: run.info.runId, metrics: [Metric(key: "acc", value: acc, timestamp: 1, step: 0)],
                                   params: [], tags: [])
            }
            ids.append(run.info.runId)
        }
        func search(_ filter: String, _ order: String, pageSize: Int = 100) throws -> [String] {
            var seen: [String] = []
            var token: String?
            repeat {
                let page = try store.searchRuns(RunSearchQuery(experimentIds: [experimentId], filter: filter, orderBy: [order],
                                                               maxResults: pageSize, pageToken: token))
                seen += page.items.map(\.info.runId)
                token = page.nextPageToken
            } while token != nil
            return seen
        }
        #expect(try search("metrics.acc > 0.5", "metrics.acc DESC") == [ids[1], ids[2], ids[0], ids[6]])
        #expect(try search("metrics.acc > 0.5", "metrics.acc DESC", pageSize: 1) == [ids[1], ids[2], ids[0], ids[6]])
        #expect(try search("metrics.acc >= 0.2 and metrics.acc < 0.9", "metrics.acc ASC") == [ids[5], ids[6], ids[2], ids[0]])
        // `!=` keeps NaN, so it takes the general path: NaN after the numbers.
        #expect(try search("metrics.acc != 0.6", "metrics.acc DESC") == [ids[1], ids[2], ids[0], ids[5], ids[3]])
        #expect(try search("", "metrics.acc DESC") == [ids[1], ids[2], ids[0], ids[6], ids[5], ids[3], ids[4]])
    }

    @Test(arguments: TestEngine.all) func searchExperimentsSeesActiveOnlyByDefault(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let kept = try store.createExperiment(name: "kept", artifactLocation: nil, tags: [Tag(key: "k", value: "v")])
        let gone = try store.createExperiment(name: "gone", artifactLocation: nil, tags: [])
        try store.deleteExperiment(id: gone)
        let active = try store.searchExperiments(ExperimentSearchQuery())
        #expect(Set(active.items.map(\.experimentId)) == ["0", kept])
        #expect(active.items.first { $0.experimentId == kept }?.tags == [Tag(key: "k", value: "v")])
        let deleted = try store.searchExperiments(ExperimentSearchQuery(viewType: .deletedOnly))
        #expect(deleted.items.map(\.experimentId) == [gone])
    }
}
