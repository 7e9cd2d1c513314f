import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Store: metric history")
struct StoreMetricHistoryTests {
    @Test(arguments: TestEngine.all) func historyOrderAndPaging(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store).info.runId
        let metrics = (0..<7).map { Metric(key: "acc", value: Double($0), timestamp: Int64(100 - $0), step: Int64($0)) }
        try store.logBatch(runId: id, metrics: metrics, params: [], tags: [])
        let all = try store.getMetricHistory(runId: id, key: "acc", maxResults: nil, pageToken: nil)
        // MLflow orders by timestamp, then step, then value.
        #expect(all.items.map(\.step) == [6, 5, 4, 3, 2, 1, 0])
        #expect(all.nextPageToken == nil)
        #expect(all.items.allSatisfy { $0.runId == nil })

        var pages: [[Int64]] = []
        var token: String?
        repeat {
            let page = try store.getMetricHistory(runId: id, key: "acc", maxResults: 3, pageToken: token)
            pages.append(page.items.map(\.step))
            token = page.nextPageToken
        } while token != nil
        #expect(pages == [[6, 5, 4], [3, 2, 1], [0]])
        #expect(try store.getMetricHistory(runId: id, key: "acc", maxResults: 7, pageToken: nil).nextPageToken == nil)
        // Unknown runs and keys have no history (MLflow answers an empty list, not 404).
        #expect(try store.getMetricHistory(runId: "nope", key: "acc", maxResults: nil, pageToken: nil).items.isEmpty)
        #expect(throws: MLflowError(.invalidParameterValue, "Invalid page token, could not base64-decode")) {
            _ = try store.getMetricHistory(runId: id, key: "acc", maxResults: 3, pageToken: "%%%")
        }
    }

    @Test(arguments: TestEngine.all) func bulkIntervalSamplesEvenlyKeepingEnds(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let first = try makeRun(store).info.runId
        let second = try makeRun(store).info.runId
        try store.logBatch(runId: first, metrics: (0..<100).map {
            Metric(key: "loss", value: Double($0), timestamp: Int64($0), step: Int64($0))
        }, params: [], tags: [])
        try store.logBatch(runId: second, metrics: [Metric(key: "loss", value: .nan, timestamp: 1, step: 3)],
                           params: [], tags: [])

        let sampled = try store.getMetricHistoryBulkInterval(runIds: [first, second], key: "loss", startStep: nil,
                                                             endStep: nil, maxResults: 10)
        let firstSteps = sampled.filter { $0.runId == first }.map(\.step)
        // NTILE(10) over 100 rows: buckets start at 0, 10, ..., 90; the last row (99) replaces the last sample.
        #expect(firstSteps == [0, 10, 20, 30, 40, 50, 60, 70, 80, 99])
        let secondMetrics = sampled.filter { $0.runId == second }
        #expect(secondMetrics.count == 1 && secondMetrics[0].value.isNaN)

        let ranged = try store.getMetricHistoryBulkInterval(runIds: [first], key: "loss", startStep: 10, endStep: 20,
                                                            maxResults: 4)
        #expect(ranged.map(\.step) == [10, 13, 16, 20])
        let few = try store.getMetricHistoryBulkInterval(runIds: [first], key: "loss", startStep: 0, endStep: 2,
                                                         maxResults: 10)
        #expect(few.map(\.step) == [0, 1, 2])
        let one = try store.getMetricHistoryBulkInterval(runIds: [first], key: "loss", startStep: nil, endStep: nil,
                                                         maxResults: 1)
        #expect(one.map(\.step) == [99])
        #expect(throws: MLflowError(.invalidParameterValue,
            "Both start_step and end_step must be specified together, or neither may be specified.")) {
            _ = try store.getMetricHistoryBulkInterval(runIds: [first], key: "loss", startStep: 1, endStep: nil,
                                                       maxResults: 1)
        }
    }
}
