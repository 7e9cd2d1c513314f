import Dispatch
import Synchronization
import Testing
@testable import HTTPTransport
#if canImport(Glibc)
import Glibc
#endif

private final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

@Suite struct WorkerPoolShutdownTests {
    @Test func shutdownLetsQueuedJobsFinish() {
        let pool = WorkerPool(threads: 2)
        let done = Counter()
        for _ in 0..<10 { pool.submit { usleep(10_000); done.increment() } }
        #expect(pool.shutdown(deadline: .now.advanced(by: .seconds(10))))
        #expect(done.count == 10)
    }

    @Test func aHangingJobEndsTheShutdownAtItsDeadline() {
        let pool = WorkerPool(threads: 1)
        let release = DispatchSemaphore(value: 0)
        pool.submit { release.wait() }
        let clock = ContinuousClock()
        var ended = true
        let elapsed = clock.measure { ended = pool.shutdown(deadline: .now.advanced(by: .milliseconds(200))) }
        #expect(!ended)
        #expect(elapsed >= .milliseconds(190))
        #expect(elapsed < .seconds(2))
        release.signal()
    }
}
