import Foundation
import Synchronization
import Testing
@testable import Storage
import TrackingCore

/// Runs `body(0..<count)` on `count` threads at once (not a thread pool sized to the cores, so
/// 64 writers really overlap on a two-core machine) and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread.detachNewThread {
            body(index)
            group.leave()
        }
    }
    group.wait()
}

/// The outcome of one client's call: nil for success, else the error's code and message.
private func outcome(_ body: () throws -> Void) -> MLflowError? {
    do {
        try body()
        return nil
    } catch let error as MLflowError {
        return error
    } catch {
        return MLflowError.internalError("\(type(of: error)): \(error)")
    }
}

/// Issue 6's concurrency bar: 64 clients at once, on every engine, with no deadlock, lost write or 500.
@Suite("Store: 64 concurrent clients")
struct StoreLoadTests {
    @Test(arguments: TestEngine.all)
    func batchesIntoTheSameRunsLoseNothing(engine: TestEngine) throws {
        let store = try engine.makeStore(poolSize: 20)
        let runs = try (0..<4).map { try makeRun(store, runName: "r\($0)").info.runId }
        let errors = Mutex<[MLflowError]>([])
        onThreads(64) { client in
            let runId = runs[client % runs.count]
            for batch in 0..<5 {
                let metrics = (0..<20).map { index in
                    Metric(key: "m\(index)", value: Double(client), timestamp: Int64(1_000 + batch),
                           step: Int64(client * 10 + batch))
                }
                let params = [Param(key: "p\(client)-\(batch)", value: "\(client)")]
                let tags = [TrackingCore.Tag(key: "last", value: "\(client)")]
                if let error = outcome({ try store.logBatch(runId: runId, metrics: metrics, params: params, tags: tags) }) {
                    errors.withLock { $0.append(error) }
                }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty)
        for (index, runId) in runs.enumerated() {
            let run = try store.getRun(id: runId)
            // 16 clients per run, 5 batches each: one param per batch, 20 metric keys.
            #expect(run.params.count == 16 * 5)
            #expect(run.metrics.count == 20)
            // The latest value of every key comes from the client with the highest step on this run.
            let topClient = (0..<64).filter { $0 % runs.count == index }.max() ?? 0
            #expect(run.metrics.allSatisfy { $0.value == Double(topClient) && $0.step == Int64(topClient * 10 + 4) })
            let history = try store.getMetricHistory(runId: runId, key: "m7", maxResults: nil, pageToken: nil).items
            #expect(history.count == 16 * 5)
        }
    }

    @Test(arguments: TestEngine.all)
    func oneExperimentNameHasOneWinner(engine: TestEngine) throws {
        let store = try engine.makeStore(poolSize: 20)
        let results = Mutex<[MLflowError?]>([])
        onThreads(64) { _ in
            let result = outcome { _ = try store.createExperiment(name: "race", artifactLocation: nil, tags: []) }
            results.withLock { $0.append(result) }
        }
        let all = results.withLock { $0 }
        #expect(all.filter { $0 == nil }.count == 1)
        #expect(all.compactMap { $0 } == Array(repeating: MLflowError(
            .resourceAlreadyExists, "Experiment(name=race) already exists."), count: 63))
        #expect(try store.getExperimentByName("race") != nil)
    }

    @Test(arguments: TestEngine.all)
    func versionsOfOneModelAreNumberedOneToSixtyFour(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m")
        let numbers = Mutex<[Int]>([])
        let errors = Mutex<[MLflowError]>([])
        onThreads(64) { client in
            if let error = outcome({
                let version = try fixture.version("m", source: "s3://bucket/m/\(client)")
                numbers.withLock { $0.append(Int(version.version) ?? -1) }
            }) {
                errors.withLock { $0.append(error) }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty)
        #expect(numbers.withLock { $0 }.sorted() == Array(1...64))
        let model = try fixture.registry.getRegisteredModel(name: "m")
        #expect(model.latestVersions.map(\.version) == ["64"])
    }

    @Test(arguments: TestEngine.all)
    func statusUpdatesOfOneRunAllLand(engine: TestEngine) throws {
        let store = try engine.makeStore(poolSize: 20)
        let runId = try makeRun(store).info.runId
        let errors = Mutex<[MLflowError]>([])
        onThreads(64) { client in
            let status: RunStatus = client % 2 == 0 ? .running : .finished
            if let error = outcome({
                _ = try store.updateRun(id: runId, status: status, endTime: Int64(client), runName: "name-\(client)")
            }) {
                errors.withLock { $0.append(error) }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty)
        let run = try store.getRun(id: runId)
        // Whichever client wrote last, its three fields landed together.
        guard let client = Int(run.info.runName.dropFirst("name-".count)) else {
            Issue.record("unexpected run name \(run.info.runName)")
            return
        }
        #expect(run.info.endTime == Int64(client))
        #expect(run.info.status == (client % 2 == 0 ? .running : .finished))
        #expect(run.tags.first { $0.key == "mlflow.runName" }?.value == "name-\(client)")
    }
}
