import CSQLite
import SQL
import TrackingCore

/// A prepared statement owned by one `SQLiteConnection` (cached and reused by SQL text).
final class SQLiteStatement {
    let handle: OpaquePointer
    private let connection: OpaquePointer

    init(connection: OpaquePointer, sql: String) throws {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw SQLiteConnection.error(code: code, connection: connection, context: "prepare")
        }
        self.handle = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds values to the `?` placeholders, in order (1-based in SQLite).
    func bind(_ values: [SQLValue]) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null:
                code = sqlite3_bind_null(handle, index)
            case .integer(let number):
                code = sqlite3_bind_int64(handle, index, number)
            case .real(let number):
                code = sqlite3_bind_double(handle, index, number)
            case .text(let text):
                let length = text.utf8.count
                guard length <= Int(Int32.max) else {
                    throw MLflowError.invalidParameter("A value of \(length) bytes is too large to store.")
                }
                // The implicit String -> C string bridge yields a valid pointer even for "".
                code = swiftrack_sqlite3_bind_text_transient(handle, index, text, Int32(length))
            }
            guard code == SQLITE_OK else {
                throw SQLiteConnection.error(code: code, connection: connection, context: "bind")
            }
        }
    }

    /// Advances one row: true while a row is available, false when done.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteConnection.error(code: code, connection: connection, context: "step")
        }
    }

    /// Makes the statement ready for its next use.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }
}

/// Read access to the current row of a stepping statement; valid only inside the row callback.
struct SQLiteRow: SQLRow {
    let statement: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }

    /// The column as text; NULL reads as "" and invalid UTF-8 is repaired, never trapped on.
    func string(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// The column as an `SQLValue` of its stored type.
    func value(_ column: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(int64(column))
        case SQLITE_FLOAT: return .real(double(column))
        case SQLITE_NULL: return .null
        default: return .text(string(column))
        }
    }
}
