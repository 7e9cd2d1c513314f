import Dispatch
import Foundation
import Observability
import Synchronization
import Testing
@testable import Audit

/// The writer as a service: its stop flushes the queue, or returns at its deadline.
@Suite("Audit writer as a service")
struct AuditWriterServiceTests {
    @Test func stopWithinADeadlineFlushesAndKeepsTheHead() {
        let database = FakeAuditDatabase()
        let writer = AuditWriter(policy: .open, capacity: 100, maxBatch: 8) { try database.append($0) }
        writer.start()
        for index in 1...20 { _ = writer.submit(AuditFixtures.record(index)) }
        writer.stop(deadline: .now.advanced(by: .seconds(10)))
        #expect(database.written.map(\.requestId) == (1...20).map { "req-\($0)" })
        #expect(writer.head == AuditChainHead(sequence: 20, hash: "h20"))
    }

    @Test func aStuckAppendEndsTheStopAtItsDeadlineWithTheRestCountedAsDropped() {
        let release = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let logged = Mutex<[String]>([])
        let metrics = AuditMetrics(registry: MetricsRegistry())
        let writer = AuditWriter(policy: .open, capacity: 100, maxBatch: 1, metrics: metrics,
                                 log: { message in logged.withLock { $0.append(message) } },
                                 append: { _ in
                                     entered.signal()
                                     release.wait()
                                     return AuditChainHead(sequence: 1, hash: "h1")
                                 })
        writer.start()
        for index in 1...3 { _ = writer.submit(AuditFixtures.record(index)) }
        entered.wait()
        let clock = ContinuousClock()
        let elapsed = clock.measure { writer.stop(deadline: .now.advanced(by: .milliseconds(200))) }
        #expect(elapsed >= .milliseconds(190))
        #expect(elapsed < .seconds(2))
        // Every record not committed by the deadline counts, the one inside the stuck append too.
        #expect(metrics.recordsDropped.value() == 3)
        #expect(logged.withLock { $0 } == ["audit log: 3 records still queued at shutdown were not written"])
        release.signal()
    }
}
