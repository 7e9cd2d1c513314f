import Dispatch
import Foundation
import Synchronization
import TrackingCore

/// A bounded pool of client-server connections (PostgreSQL, MySQL/MariaDB), opened lazily.
///
/// - At most `size` connections exist; a caller waits up to `timeout` for one, then gets
///   503 TEMPORARILY_UNAVAILABLE naming the pool.
/// - A connection idle longer than `healthCheckAfter` is checked with a round trip before use.
/// - A connection that failed (`SQLConnectionFailure`) is closed and forgotten; the next
///   checkout opens a new one, so the pool recovers by itself after the database restarts.
public final class ConnectionPool: @unchecked Sendable {
    public typealias Connector = @Sendable () throws -> any SQLConnection

    /// What `/metrics` shows about the pool.
    public struct Statistics: Sendable {
        public var size: Int
        public var open: Int
        public var inUse: Int
        public var waitSecondsTotal: Double
        public var timeouts: Int
    }

    private struct Idle {
        let connection: any SQLConnection
        let since: ContinuousClock.Instant
    }

    private struct State {
        var idle: [Idle] = []
        var open = 0
        var inUse = 0
        var waitSecondsTotal = 0.0
        var timeouts = 0
    }

    public let size: Int
    public let timeout: Duration
    public let healthCheckAfter: Duration
    private let connector: Connector
    private let slots: DispatchSemaphore
    private let state = Mutex(State())

    public init(size: Int, timeout: Duration, healthCheckAfter: Duration = .seconds(5), connector: @escaping Connector) {
        self.size = max(1, size)
        self.timeout = timeout
        self.healthCheckAfter = healthCheckAfter
        self.connector = connector
        self.slots = DispatchSemaphore(value: max(1, size))
    }

    public var statistics: Statistics {
        state.withLock { Statistics(size: size, open: $0.open, inUse: $0.inUse,
                                    waitSecondsTotal: $0.waitSecondsTotal, timeouts: $0.timeouts) }
    }

    /// Lends a connection to `body`. A connection failure inside `body` closes that connection.
    public func withConnection<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        do {
            let result = try body(connection)
            checkIn(connection)
            return result
        } catch let failure as SQLConnectionFailure {
            discard()
            throw failure
        } catch {
            checkIn(connection)
            throw error
        }
    }

    private func checkOut() throws -> any SQLConnection {
        let started = ContinuousClock.now
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        guard slots.wait(timeout: .now() + seconds) == .success else {
            state.withLock {
                $0.timeouts += 1
                $0.waitSecondsTotal += seconds
            }
            throw MLflowError(.temporarilyUnavailable,
                              "The database connection pool is exhausted: all \(size) connections stayed busy for "
                              + "\(seconds) s. Try again, or raise --db-pool-size.")
        }
        let waited = ContinuousClock.now - started
        let reused: Idle? = state.withLock { state in
            state.waitSecondsTotal += Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
            state.inUse += 1
            return state.idle.popLast()
        }
        if let reused {
            if ContinuousClock.now - reused.since < healthCheckAfter || reused.connection.isHealthy() {
                return reused.connection
            }
            state.withLock { $0.open -= 1 }
        }
        do {
            let connection = try connector()
            state.withLock { $0.open += 1 }
            return connection
        } catch {
            state.withLock { $0.inUse -= 1 }
            slots.signal()
            throw error
        }
    }

    private func checkIn(_ connection: any SQLConnection) {
        state.withLock { state in
            state.inUse -= 1
            state.idle.append(Idle(connection: connection, since: .now))
        }
        slots.signal()
    }

    /// Forgets a failed connection (it closes when released).
    private func discard() {
        state.withLock { state in
            state.inUse -= 1
            state.open -= 1
        }
        slots.signal()
    }

    /// Closes every idle connection (after the database restarted, say).
    public func drainIdle() {
        let dropped = state.withLock { state -> [Idle] in
            let idle = state.idle
            state.idle.removeAll()
            state.open -= idle.count
            return idle
        }
        _ = dropped  // released here, outside the lock: closing a connection may block on the network
    }
}
