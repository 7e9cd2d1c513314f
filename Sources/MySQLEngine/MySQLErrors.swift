import CMariaDB
import SQL
import TrackingCore

/// Turns MySQL/MariaDB error numbers into the errors the stores and the pool act on.
enum MySQLErrors {
    /// UNIQUE/PRIMARY KEY (1062), FOREIGN KEY (1451, 1452, and the old 1216, 1217), NOT NULL
    /// (1048) and CHECK (MySQL's 3819, MariaDB's 4025): the stores map these to MLflow errors.
    static let constraintViolations: Set<UInt32> = [1062, 1451, 1452, 1216, 1217, 1048, 3819, 4025]
    /// Deadlock (1213) and lock wait timeout (1205): InnoDB rolled back, a retry can succeed.
    static let transientFailures: Set<UInt32> = [1213, 1205]
    /// The client cannot reach the server (2002 socket, 2003 TCP), lost it (2006 gone away,
    /// 2013 lost during query, 2055 lost at handshake/read), or the server ended the session
    /// (1927 connection killed, 1053 server shutdown). The pool drops the connection.
    ///
    /// Also 2057 (a cached statement's result gained or lost columns after DDL) and 2014 (commands
    /// out of sync): Connector/C then leaves the result unread on the socket and the connection
    /// unusable, so it is dropped too; the pooled database retries on a fresh one.
    static let connectionFailures: Set<UInt32> = [2002, 2003, 2006, 2013, 2055, 1927, 1053, 2057, 2014]

    /// The error for `code` and the engine's `message`, in what `context` was doing.
    static func error(code: UInt32, message: String, context: String) -> any Error {
        let text = "\(context): MySQL error \(code): \(message)"
        if constraintViolations.contains(code) { return SQLConstraintViolation(message: text) }
        if transientFailures.contains(code) { return SQLTransientFailure(message: text) }
        if connectionFailures.contains(code) { return SQLConnectionFailure(message: text) }
        return MLflowError.internalError("MySQL error \(code): \(message) (\(context))")
    }

    /// The last error on the connection.
    static func error(connection: UnsafeMutablePointer<MYSQL>, context: String) -> any Error {
        error(code: mysql_errno(connection), message: String(cString: mysql_error(connection)), context: context)
    }

    /// The last error on a prepared statement.
    static func error(statement: UnsafeMutablePointer<MYSQL_STMT>, context: String) -> any Error {
        error(code: mysql_stmt_errno(statement), message: String(cString: mysql_stmt_error(statement)),
              context: context)
    }
}
