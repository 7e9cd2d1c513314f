import Dispatch
import Synchronization

/// Starts services in the order given and stops them in reverse, so a service stops before the
/// ones it relies on (the HTTP server drains before the audit writer flushes, which flushes before
/// its database closes). Each stop gets its own budget and runs on a thread of its own: a stop
/// that overruns is logged and left behind, and the next one still runs.
public final class ServiceGroup: Sendable {
    public struct Member: Sendable {
        public let service: any Service
        /// How long its stop may take, counted from when the group asks it to stop.
        public let stopBudget: Duration

        public init(_ service: any Service, stopBudget: Duration) {
            self.service = service
            self.stopBudget = stopBudget
        }
    }

    /// How one service's stop went.
    public enum StopOutcome: Sendable, Equatable {
        case stopped(String)
        /// Still running at its deadline; the group went on without it.
        case overran(String)
    }

    private let members: [Member]
    /// How many members (from the first) are started and not yet stopped.
    private let running = Mutex(0)
    private let log: @Sendable (String) -> Void

    public init(_ members: [Member], log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.members = members
        self.log = log
    }

    /// Starts every member in order. When one fails to start, the ones already started are
    /// stopped (in reverse, bounded as in `stop`) and its error is thrown.
    public func start() throws {
        for (index, member) in members.enumerated() {
            do {
                try member.service.start()
            } catch {
                log("\(member.service.name) could not start: \(error); stopping what started")
                _ = stop()
                throw error
            }
            running.withLock { $0 = index + 1 }
        }
    }

    /// Stops the started members in reverse order, each within its budget; returns how each went.
    /// A second call stops nothing.
    @discardableResult
    public func stop() -> [StopOutcome] {
        let count = running.withLock { count in
            defer { count = 0 }
            return count
        }
        return members.prefix(count).reversed().map(stopBounded)
    }

    private func stopBounded(_ member: Member) -> StopOutcome {
        let service = member.service
        let deadline = ContinuousClock.now.advanced(by: member.stopBudget)
        let done = DispatchSemaphore(value: 0)
        // Its own queue: a stop that never returns holds only that queue's thread.
        DispatchQueue(label: "swiftrack-stop").async {
            service.stop(deadline: deadline)
            done.signal()
        }
        if done.wait(timeout: deadline.dispatchTime) == .timedOut {
            log("\(service.name) did not stop within \(member.stopBudget); going on without it")
            return .overran(service.name)
        }
        return .stopped(service.name)
    }
}
