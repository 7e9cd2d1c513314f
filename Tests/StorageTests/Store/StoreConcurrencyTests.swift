import Dispatch
import Synchronization
import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Store: concurrency")
struct StoreConcurrencyTests {
    @Test(arguments: TestEngine.all) func sameNameFromEightThreads(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let outcomes = Mutex<[Result<String, MLflowError>]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let outcome: Result<String, MLflowError>
            do {
                outcome = .success(try store.createExperiment(name: "race", artifactLocation: nil, tags: []))
            } catch let error as MLflowError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(MLflowError.internalError("\(error)"))
            }
            outcomes.withLock { $0.append(outcome) }
        }
        let results = outcomes.withLock { $0 }
        let successes = results.filter { if case .success = $0 { return true } else { return false } }
        let failures = results.compactMap { result -> MLflowError? in
            if case .failure(let error) = result { return error } else { return nil }
        }
        #expect(successes.count == 1)
        #expect(failures.count == 7)
        #expect(failures.allSatisfy { $0 == MLflowError(.resourceAlreadyExists, "Experiment(name=race) already exists.") })
    }

    @Test(arguments: TestEngine.all) func metricsFromEightThreadsAreAllKept(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let id = try makeRun(store).info.runId
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for batch in 0..<25 {
                let metrics = (0..<4).map { index in
                    Metric(key: "m", value: Double(thread), timestamp: Int64(batch * 4 + index), step: Int64(thread))
                }
                do {
                    try store.logBatch(runId: id, metrics: metrics, params: [], tags: [])
                    // Reads interleave with the writes.
                    _ = try store.getRun(id: id)
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let history = try store.getMetricHistory(runId: id, key: "m", maxResults: nil, pageToken: nil).items
        #expect(history.count == 8 * 25 * 4)
        let latest = try store.getRun(id: id).metrics
        #expect(latest == [Metric(key: "m", value: 7, timestamp: 99, step: 7)])
    }
}
