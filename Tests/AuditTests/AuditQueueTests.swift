import Testing
@testable import Audit

@Suite("Audit queue policy")
struct AuditQueueTests {
    @Test func batchesAreTakenInOrderAndLeaveOnlyWhenWritten() {
        var queue = AuditQueue<Int>(capacity: 10, maxBatch: 3)
        #expect(queue.offer(1) == .accepted(wakeWriter: true))
        for value in 2...5 { #expect(queue.offer(value) == .accepted(wakeWriter: false)) }
        guard case .write(let first) = queue.next() else { Issue.record("expected a batch"); return }
        #expect(first == [1, 2, 3])
        #expect(queue.depth == 5)
        queue.written()
        guard case .write(let second) = queue.next() else { Issue.record("expected a batch"); return }
        #expect(second == [4, 5])
        queue.written()
        #expect(queue.depth == 0)
        guard case .wait = queue.next() else { Issue.record("expected wait"); return }
        #expect(queue.offer(6) == .accepted(wakeWriter: true))
    }

    @Test func aFailedBatchIsRetriedFirstWithGrowingBackOff() {
        var queue = AuditQueue<Int>(capacity: 10, maxBatch: 2)
        for value in 1...3 { _ = queue.offer(value) }
        _ = queue.next()
        #expect(queue.failed() == .milliseconds(50))
        #expect(!queue.isHealthy)
        _ = queue.next()
        #expect(queue.failed() == .milliseconds(100))
        guard case .write(let retry) = queue.next() else { Issue.record("expected a batch"); return }
        #expect(retry == [1, 2])
        queue.written()
        #expect(queue.isHealthy)
        #expect(queue.consecutiveFailures == 0)
        for _ in 0..<20 { _ = queue.next(); _ = queue.failed() }
        _ = queue.next()
        #expect(queue.failed() == .seconds(5))
    }

    @Test func aFullQueueTurnsOffersAwayAndCountsInFlightRecords() {
        var queue = AuditQueue<Int>(capacity: 2, maxBatch: 5)
        _ = queue.offer(1)
        _ = queue.offer(2)
        #expect(!queue.isHealthy)
        #expect(queue.offer(3) == .full)
        _ = queue.next()
        #expect(queue.offer(3) == .full)
        queue.written()
        #expect(queue.offer(3) == .accepted(wakeWriter: true))
    }

    @Test func closingDrainsWhatIsQueuedThenFinishes() {
        var queue = AuditQueue<Int>(capacity: 5, maxBatch: 5)
        _ = queue.offer(1)
        queue.close()
        #expect(queue.offer(2) == .closed)
        guard case .write(let last) = queue.next() else { Issue.record("expected a batch"); return }
        #expect(last == [1])
        queue.written()
        guard case .finish = queue.next() else { Issue.record("expected finish"); return }
    }

    @Test func discardingGivesUpEverythingQueued() {
        var queue = AuditQueue<Int>(capacity: 5, maxBatch: 2)
        for value in 1...3 { _ = queue.offer(value) }
        _ = queue.next()
        #expect(queue.discardAll() == 3)
        #expect(queue.depth == 0)
        queue.close()
        guard case .finish = queue.next() else { Issue.record("expected finish"); return }
    }

    @Test func theQueueCompactsAfterManyBatches() {
        var queue = AuditQueue<Int>(capacity: 100, maxBatch: 7)
        var seen: [Int] = []
        for value in 0..<5000 {
            _ = queue.offer(value)
            if value % 3 == 0, case .write(let batch) = queue.next() { seen += batch; queue.written() }
        }
        while case .write(let batch) = queue.next() { seen += batch; queue.written() }
        #expect(seen == Array(0..<5000))
    }
}
