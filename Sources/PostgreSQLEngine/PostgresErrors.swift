import CPostgres
import SQL
import TrackingCore

/// Turns a failed libpq call into the error vocabulary the stores and the pool understand, by
/// SQLSTATE (https://www.postgresql.org/docs/15/errcodes-appendix.html).
enum PostgresErrors {
    /// `PG_DIAG_*` field codes are C character macros; spelled out here.
    private static let sqlstateField = Int32(UInt8(ascii: "C"))
    private static let primaryField = Int32(UInt8(ascii: "M"))
    private static let detailField = Int32(UInt8(ascii: "D"))

    /// The SQLSTATE of a failed result ("" when libpq made the error itself, e.g. a lost connection).
    static func sqlstate(_ result: OpaquePointer?) -> String {
        guard let result, let field = PQresultErrorField(result, sqlstateField) else { return "" }
        return String(cString: field)
    }

    /// The error for a failed call on `connection` whose result is `result` (nil when libpq
    /// returned none). Does not clear `result`.
    ///
    /// - class 08, 57P01-57P03 (shutdown, crash, starting up) or a connection libpq reports as
    ///   bad: `SQLConnectionFailure`, so the pool drops the connection;
    /// - class 23: `SQLConstraintViolation`;
    /// - 40001 serialization failure, 40P01 deadlock, 55P03 lock not available: `SQLTransientFailure`,
    ///   so the write runs again;
    /// - 22001 (a value longer than its column): INVALID_PARAMETER_VALUE, since it is the request's;
    /// - anything else: an internal error carrying the SQLSTATE and the server's message.
    static func error(_ result: OpaquePointer?, connection: OpaquePointer) -> any Error {
        let state = sqlstate(result)
        let text = message(result, connection: connection)
        if PQstatus(connection) == CONNECTION_BAD || state.hasPrefix("08")
            || ["57P01", "57P02", "57P03"].contains(state) {
            return SQLConnectionFailure(message: "PostgreSQL connection lost: \(text)")
        }
        if state.hasPrefix("23") { return SQLConstraintViolation(message: text) }
        if ["40001", "40P01", "55P03"].contains(state) { return SQLTransientFailure(message: "\(state): \(text)") }
        if state == "22001" { return MLflowError.invalidParameter("A value is too long to store: \(text)") }
        return MLflowError.internalError("PostgreSQL error \(state.isEmpty ? "(no SQLSTATE)" : state): \(text)")
    }

    /// The server's primary message and its detail ("Key (name)=(x) already exists."), or
    /// libpq's own message when the server sent none.
    static func message(_ result: OpaquePointer?, connection: OpaquePointer) -> String {
        if let result, let primary = PQresultErrorField(result, primaryField) {
            var text = String(cString: primary)
            if let detail = PQresultErrorField(result, detailField) { text += " (\(String(cString: detail)))" }
            return text
        }
        if let result, let message = PQresultErrorMessage(result), message.pointee != 0 {
            return trimmed(String(cString: message))
        }
        return trimmed(PQerrorMessage(connection).map { String(cString: $0) } ?? "unknown libpq error")
    }

    /// libpq messages end in a newline and may span lines; one line reads better in logs.
    static func trimmed(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingPrefix(while: \.isWhitespace) }.joined(separator: " ")
    }
}
