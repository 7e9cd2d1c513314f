import Dispatch
import Foundation
public import Lifecycle
public import Observability
import Synchronization

/// The `AuditSink` the server uses: records wait in an `AuditQueue` and a thread of its own
/// appends them in batches, one transaction each, so requests never wait on the audit database.
/// A failed batch is retried (50 ms doubling to 5 s) with the same records first.
public final class AuditWriter: AuditSink, Sendable {
    public let policy: AuditFailurePolicy
    private let append: @Sendable ([AuditRecord]) throws -> AuditChainHead
    private let queue: Mutex<AuditQueue<AuditRecord>>
    private let lastHead = Mutex<AuditChainHead?>(nil)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)
    private let metrics: AuditMetrics?
    private let log: @Sendable (String) -> Void
    /// Failed retries after `stop()` before the rest of the queue is given up.
    static let retriesAtShutdown = 3

    /// `append` writes one batch after the chain's head and returns the new head (`SQLAuditStore.append`).
    public init(policy: AuditFailurePolicy, capacity: Int = 10_000, maxBatch: Int = 256, metrics: AuditMetrics? = nil,
                log: @escaping @Sendable (String) -> Void = { _ in },
                append: @escaping @Sendable ([AuditRecord]) throws -> AuditChainHead) {
        self.policy = policy
        self.append = append
        self.queue = Mutex(AuditQueue(capacity: capacity, maxBatch: maxBatch))
        self.metrics = metrics
        self.log = log
    }

    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in run() }
        thread.name = "swiftrack-audit-writer"
        thread.start()
    }

    public func admits() -> Bool {
        guard policy == .closed else { return true }
        if queue.withLock({ $0.isHealthy }) { return true }
        metrics?.requestsRefused.increment()
        return false
    }

    public func submit(_ record: AuditRecord) -> AuditSubmission {
        let bounded = record.bounded()
        let (offer, depth) = queue.withLock { ($0.offer(bounded), $0.depth) }
        metrics?.queueDepth.set(Double(depth))
        switch offer {
        case .accepted(let wakeWriter):
            if wakeWriter { wake.signal() }
            return .queued
        case .full, .closed:
            metrics?.recordsDropped.increment()
            guard policy == .closed else { return .dropped }
            metrics?.requestsRefused.increment()
            return .refused
        }
    }

    /// The chain's head after the last batch this writer wrote (nil before the first).
    public var head: AuditChainHead? { lastHead.withLock { $0 } }

    /// Stops taking records, writes what is queued, and returns the chain's last head (nil if
    /// nothing was written). Waits at most `timeout` for the writer.
    @discardableResult
    public func stop(timeout: Duration = .seconds(30)) -> AuditChainHead? {
        stop(until: .now.advanced(by: timeout))
    }

    /// `stop(timeout:)` until a deadline; records still queued then are counted as dropped and logged.
    @discardableResult
    public func stop(until deadline: ContinuousClock.Instant) -> AuditChainHead? {
        queue.withLock { $0.close() }
        wake.signal()
        if started.load(ordering: .acquiring) {
            if finished.wait(timeout: deadline.dispatchTime) == .timedOut {
                let lost = queue.withLock { $0.discardAll() }
                metrics?.recordsDropped.increment(by: Double(lost))
                log("audit log: \(lost) records still queued at shutdown were not written")
            }
        }
        return lastHead.withLock { $0 }
    }

    private func run() {
        var failuresSinceClose = 0
        while true {
            switch queue.withLock({ $0.next() }) {
            case .finish:
                finished.signal()
                return
            case .wait:
                _ = wake.wait(timeout: .now() + 1)
            case .write(let batch):
                do {
                    let head = try append(batch)
                    let (depth, recovered) = queue.withLock { state in
                        let recovered = state.consecutiveFailures > 0
                        state.written()
                        return (state.depth, recovered)
                    }
                    lastHead.withLock { $0 = head }
                    metrics?.recordsWritten.increment(by: Double(batch.count))
                    metrics?.queueDepth.set(Double(depth))
                    if recovered { log("audit log: writes resumed (chain head at record \(head.sequence))") }
                } catch {
                    let (delay, failures, closed) = queue.withLock { ($0.failed(), $0.consecutiveFailures, $0.isClosed) }
                    metrics?.writeFailures.increment()
                    if failures == 1 || failures % 100 == 0 {
                        log("audit log: writing \(batch.count) records failed (\(failures) in a row), retrying: \(error)")
                    }
                    if closed {
                        failuresSinceClose += 1
                        if failuresSinceClose >= Self.retriesAtShutdown {
                            let lost = queue.withLock { $0.discardAll() }
                            metrics?.recordsDropped.increment(by: Double(lost))
                            log("audit log: \(lost) records were not written at shutdown: \(error)")
                            continue
                        }
                    }
                    _ = wake.wait(timeout: .after(delay))
                }
            }
        }
    }
}

extension AuditWriter: Service {
    public var name: String { "audit writer" }

    public func stop(deadline: ContinuousClock.Instant) {
        stop(until: deadline)
    }
}

extension DispatchTime {
    /// Now plus `duration`.
    fileprivate static func after(_ duration: Duration) -> DispatchTime {
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        return .now() + .nanoseconds(Int(nanoseconds))
    }
}
