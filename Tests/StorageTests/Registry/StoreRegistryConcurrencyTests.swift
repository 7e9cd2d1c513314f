import Dispatch
import Synchronization
import Testing
@testable import Storage
import TrackingCore

@Suite("Registry store: concurrency")
struct StoreRegistryConcurrencyTests {
    @Test(arguments: TestEngine.all) func eightThreadsCreatingVersionsGetOneToEight(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m")
        let numbers = Mutex<[Int]>([])
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                let version = try fixture.version("m", source: "s3://bucket/m")
                numbers.withLock { $0.append(Int(version.version) ?? -1) }
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(numbers.withLock { $0 }.sorted() == Array(1...8))
    }

    @Test(arguments: TestEngine.all) func eightThreadsCreatingOneNameGetOneSuccess(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        let outcomes = Mutex<[MLflowError?]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                _ = try fixture.registry.createRegisteredModel(name: "race", tags: [], description: nil)
                outcomes.withLock { $0.append(nil) }
            } catch let error as MLflowError {
                outcomes.withLock { $0.append(error) }
            } catch {
                outcomes.withLock { $0.append(MLflowError.internalError("\(error)")) }
            }
        }
        let results = outcomes.withLock { $0 }
        #expect(results.filter { $0 == nil }.count == 1)
        #expect(results.compactMap { $0 } == Array(repeating: MLflowError(
            .resourceAlreadyExists, "Registered Model (name=race) already exists."), count: 7))
    }
}
