import Foundation
import TrackingCore

/// `SQLDatabase` over a `ConnectionPool`: what PostgreSQL and MySQL/MariaDB use.
///
/// Write transactions that the engine aborted for a deadlock or a serialization failure run
/// again (up to `maxAttempts`, with a short jittered back-off). A lost connection is retried on
/// a fresh one when it failed before COMMIT was sent (nothing was written); a failure during
/// COMMIT is not retried, since the write may have landed: the caller gets 503.
public final class PooledSQLDatabase: SQLDatabase, Sendable {
    public let dialect: SQLDialect
    public let pool: ConnectionPool
    private let maxAttempts = 8

    public init(dialect: SQLDialect, pool: ConnectionPool) {
        self.dialect = dialect
        self.pool = pool
    }

    /// A pool of at most `poolSize` connections made by `connect`; a caller waits up to
    /// `poolTimeout` for one. One connection is opened at once (and kept in the pool), so a wrong
    /// host, password or database fails at startup rather than on the first request.
    public static func open(dialect: SQLDialect, poolSize: Int, poolTimeout: Duration,
                            connect: @escaping ConnectionPool.Connector) throws -> PooledSQLDatabase {
        let pool = ConnectionPool(size: poolSize, timeout: poolTimeout, connector: connect)
        try pool.withConnection { _ in }
        return PooledSQLDatabase(dialect: dialect, pool: pool)
    }

    @discardableResult
    public func write<T: Sendable>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try transaction(write: true, body)
    }

    @discardableResult
    public func read<T: Sendable>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try transaction(write: false, body)
    }

    @discardableResult
    public func withConnection<T: Sendable>(_ body: (any SQLConnection) throws -> T) throws -> T {
        do {
            return try pool.withConnection(body)
        } catch let failure as SQLConnectionFailure {
            throw Self.unavailable(failure)
        }
    }

    private struct CommitFailed: Error {
        let underlying: any Error
    }

    private func transaction<T>(write: Bool, _ body: (any SQLConnection) throws -> T) throws -> T {
        var attempt = 1
        var reconnected = false
        while true {
            do {
                return try pool.withConnection { connection in
                    try connection.begin(write: write)
                    let result: T
                    do {
                        result = try body(connection)
                    } catch {
                        try? connection.rollback()
                        throw error
                    }
                    do {
                        try connection.commit()
                    } catch let failure as SQLConnectionFailure {
                        // The write may have landed: do not retry.
                        throw SQLConnectionFailure(message: failure.message, duringCommit: true)
                    } catch {
                        try? connection.rollback()
                        throw CommitFailed(underlying: error)
                    }
                    return result
                }
            } catch let failure as SQLTransientFailure {
                guard attempt < maxAttempts else {
                    throw MLflowError(.temporarilyUnavailable,
                                      "The database kept aborting the transaction (\(failure.message)); try again.")
                }
                attempt += 1
                Thread.sleep(forTimeInterval: Double.random(in: 0.002...0.010) * Double(attempt))
            } catch let commit as CommitFailed {
                if let transient = commit.underlying as? SQLTransientFailure, attempt < maxAttempts {
                    _ = transient
                    attempt += 1
                    Thread.sleep(forTimeInterval: Double.random(in: 0.002...0.010) * Double(attempt))
                    continue
                }
                throw commit.underlying
            } catch let failure as SQLConnectionFailure {
                // A lost connection usually means the database restarted and every idle one is
                // dead too: drop them all, then retry once on a fresh connection.
                pool.drainIdle()
                guard !reconnected, !failure.duringCommit else { throw Self.unavailable(failure) }
                reconnected = true
            }
        }
    }

    static func unavailable(_ failure: SQLConnectionFailure) -> MLflowError {
        MLflowError(.temporarilyUnavailable, "The database is unavailable: \(failure.message)")
    }
}
