import Dispatch
import Foundation
import Synchronization

/// A service whose thread runs one piece of work every `interval` seconds until stopped: the
/// SQLite checkpointer, the PostgreSQL statistics keeper. `stop` wakes the thread and waits for it
/// until the deadline (work still running then finishes on its own).
public final class PeriodicService: Service {
    public let name: String
    private let interval: Double
    private let work: @Sendable () -> Void
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Atomic(false)
    private let started = Atomic(false)

    /// `name` also names the thread (cut to 15 bytes by the kernel).
    public init(_ name: String, interval: Double, work: @escaping @Sendable () -> Void) {
        self.name = name
        self.interval = interval
        self.work = work
    }

    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            while !stopping.load(ordering: .acquiring) {
                _ = wake.wait(timeout: .now() + interval)
                if stopping.load(ordering: .acquiring) { break }
                work()
            }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    public func stop(deadline: ContinuousClock.Instant) {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing), started.load(ordering: .acquiring) else { return }
        wake.signal()
        _ = finished.wait(timeout: deadline.dispatchTime)
    }
}
