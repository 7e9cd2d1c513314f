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
