/// A UNIQUE, PRIMARY KEY, FOREIGN KEY, NOT NULL or CHECK constraint failed. Stores map it to
/// MLflow's error (RESOURCE_ALREADY_EXISTS and friends); the transaction is rolled back.
public struct SQLConstraintViolation: Error, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
}

/// The engine gave up on the transaction for a reason that a retry can cure: a deadlock, a
/// serialization failure, a lock wait timeout. `SQLDatabase.write` runs the transaction again.
public struct SQLTransientFailure: Error, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
}

/// The connection to the database server is gone or could not be made. The pool drops the
/// connection; the request gets 503 TEMPORARILY_UNAVAILABLE.
public struct SQLConnectionFailure: Error, Sendable {
    public let message: String
    /// Lost while COMMIT was under way: the transaction may have landed, so it is not retried.
    public var duringCommit: Bool

    public init(message: String, duringCommit: Bool = false) {
        self.message = message
        self.duringCommit = duringCommit
    }
}
