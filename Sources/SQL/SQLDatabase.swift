/// A database that lends connections: SQLite's writer and readers, or a pool of client-server
/// connections (PostgreSQL, MySQL/MariaDB). The stores see only this and `SQLConnection`.
public protocol SQLDatabase: AnyObject, Sendable {
    var dialect: SQLDialect { get }

    /// Runs `body` in one write transaction. Deadlocks and serialization failures are retried
    /// (so `body` must have no effect outside the database); a constraint violation is not.
    @discardableResult
    func write<T: Sendable>(_ body: (any SQLConnection) throws -> T) throws -> T

    /// Runs `body` in one read transaction, so its queries see one snapshot.
    @discardableResult
    func read<T: Sendable>(_ body: (any SQLConnection) throws -> T) throws -> T

    /// Runs `body` on a connection with no transaction around it (migrations manage their own).
    @discardableResult
    func withConnection<T: Sendable>(_ body: (any SQLConnection) throws -> T) throws -> T
}
