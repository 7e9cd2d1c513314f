import Foundation
import Observability
import Synchronization
import Testing
@testable import Audit

/// An append that keeps batches in memory and fails while told to.
final class FakeAuditDatabase: Sendable {
    let batches = Mutex<[[AuditRecord]]>([])
    let failing = Atomic<Bool>(false)
    let attempts = Atomic<Int>(0)

    func append(_ records: [AuditRecord]) throws -> AuditChainHead {
        attempts.add(1, ordering: .relaxed)
        if failing.load(ordering: .relaxed) { throw CocoaError(.fileWriteUnknown) }
        let count = batches.withLock { $0.append(records); return $0.joined().count }
        return AuditChainHead(sequence: Int64(count), hash: "h\(count)")
    }

    var written: [AuditRecord] { batches.withLock { Array($0.joined()) } }
}

@Suite("Audit writer")
struct AuditWriterTests {
    private func waitUntil(_ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(10)
        while !condition(), Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
    }

    @Test func everySubmittedRecordIsWrittenInOrderAndStopFlushes() {
        let database = FakeAuditDatabase()
        let metrics = AuditMetrics(registry: MetricsRegistry())
        let writer = AuditWriter(policy: .open, capacity: 1000, maxBatch: 16, metrics: metrics) { try database.append($0) }
        writer.start()
        for index in 1...200 { #expect(writer.submit(AuditFixtures.record(index)) == .queued) }
        let head = writer.stop()
        #expect(database.written.map(\.requestId) == (1...200).map { "req-\($0)" })
        #expect(database.batches.withLock { $0.allSatisfy { $0.count <= 16 } })
        #expect(head?.sequence == 200)
        #expect(metrics.recordsWritten.value() == 200)
        #expect(metrics.queueDepth.value() == 0)
        #expect(writer.submit(AuditFixtures.record(201)) == .dropped)
    }

    @Test func failingOpenKeepsAnsweringDropsWhenFullAndRetries() {
        let database = FakeAuditDatabase()
        database.failing.store(true, ordering: .relaxed)
        let metrics = AuditMetrics(registry: MetricsRegistry())
        let writer = AuditWriter(policy: .open, capacity: 3, maxBatch: 8, metrics: metrics) { try database.append($0) }
        writer.start()
        for index in 1...3 { #expect(writer.submit(AuditFixtures.record(index)) == .queued) }
        waitUntil { database.attempts.load(ordering: .relaxed) >= 1 }
        #expect(writer.admits())
        #expect(writer.submit(AuditFixtures.record(4)) == .dropped)
        #expect(metrics.recordsDropped.value() == 1)
        database.failing.store(false, ordering: .relaxed)
        waitUntil { database.written.count == 3 }
        #expect(database.written.map(\.requestId) == ["req-1", "req-2", "req-3"])
        #expect(metrics.writeFailures.value() >= 1)
        writer.stop()
    }

    @Test func failingClosedRefusesRequestsUntilWritesResume() {
        let database = FakeAuditDatabase()
        database.failing.store(true, ordering: .relaxed)
        let metrics = AuditMetrics(registry: MetricsRegistry())
        let writer = AuditWriter(policy: .closed, capacity: 2, maxBatch: 8, metrics: metrics) { try database.append($0) }
        writer.start()
        #expect(writer.admits())
        #expect(writer.submit(AuditFixtures.record(1)) == .queued)
        waitUntil { database.attempts.load(ordering: .relaxed) >= 1 }
        waitUntil { !writer.admits() }
        #expect(!writer.admits())
        #expect(writer.submit(AuditFixtures.record(2)) == .queued)
        #expect(writer.submit(AuditFixtures.record(3)) == .refused)
        #expect(metrics.requestsRefused.value() >= 2)
        database.failing.store(false, ordering: .relaxed)
        waitUntil { writer.admits() }
        #expect(database.written.map(\.requestId) == ["req-1", "req-2"])
        writer.stop()
    }

    @Test func aDatabaseThatStaysDownAtShutdownLosesTheQueueCountedAndStopReturns() {
        let database = FakeAuditDatabase()
        database.failing.store(true, ordering: .relaxed)
        let metrics = AuditMetrics(registry: MetricsRegistry())
        let writer = AuditWriter(policy: .open, capacity: 10, metrics: metrics) { try database.append($0) }
        writer.start()
        for index in 1...4 { _ = writer.submit(AuditFixtures.record(index)) }
        #expect(writer.stop() == nil)
        #expect(metrics.recordsDropped.value() == 4)
    }
}
