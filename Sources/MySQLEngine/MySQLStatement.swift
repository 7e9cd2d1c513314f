import CMariaDB
import SQL
import TrackingCore

/// A server-side prepared statement owned by one `MySQLConnection` (cached and reused by SQL text).
///
/// Values travel in the binary protocol: they are bound, never spliced into SQL text, and
/// results come back typed (an integer column as an integer, not as digits).
final class MySQLStatement {
    private let handle: UnsafeMutablePointer<MYSQL_STMT>
    private let parameterCount: Int

    /// Prepares `sql` (already rewritten for MySQL) on `connection`. With `sizeBuffersFromResult`,
    /// `mysql_stmt_store_result` records each column's longest value, to size the string buffers.
    init(connection: UnsafeMutablePointer<MYSQL>, sql: String, sizeBuffersFromResult: Bool = true) throws {
        guard let statement = mysql_stmt_init(connection) else {
            throw MySQLErrors.error(connection: connection, context: "prepare")
        }
        if sizeBuffersFromResult { _ = swiftrack_mysql_stmt_update_max_length(statement) }
        let length = UInt(sql.utf8.count)
        guard sql.withCString({ mysql_stmt_prepare(statement, $0, length) }) == 0 else {
            let error = MySQLErrors.error(statement: statement, context: "prepare")
            mysql_stmt_close(statement)
            throw error
        }
        self.handle = statement
        self.parameterCount = Int(mysql_stmt_param_count(statement))
    }

    deinit { mysql_stmt_close(handle) }

    /// The error number of the last failure on this statement.
    var errorNumber: UInt32 { mysql_stmt_errno(handle) }

    /// Rows the last run changed (matched, for UPDATE: the connection sets CLIENT_FOUND_ROWS).
    var affectedRows: Int {
        let count = mysql_stmt_affected_rows(handle)
        return count == UInt64.max ? 0 : Int(clamping: count)
    }

    /// The AUTO_INCREMENT value the last run's INSERT generated.
    var insertID: Int64 { Int64(truncatingIfNeeded: mysql_stmt_insert_id(handle)) }

    /// Binds `values` to the `?` placeholders in order, runs the statement and returns every row
    /// it produced (none for INSERT, UPDATE, DDL). Rows are read in full before returning, so the
    /// caller may run other statements (even this one) while mapping them.
    func run(_ values: [SQLValue]) throws -> [[SQLValue]] {
        guard values.count == parameterCount else {
            throw MLflowError.internalError(
                "A MySQL statement has \(parameterCount) placeholders but \(values.count) values were bound")
        }
        let parameters = try MySQLParameters(values)
        if parameterCount > 0, mysql_stmt_bind_param(handle, parameters.binds) != 0 {
            throw MySQLErrors.error(statement: handle, context: "bind")
        }
        let executed = withExtendedLifetime(parameters) { mysql_stmt_execute(handle) }
        guard executed == 0 else { throw MySQLErrors.error(statement: handle, context: "execute") }
        guard mysql_stmt_field_count(handle) > 0 else { return [] }
        return try fetchAll()
    }

    private func fetchAll() throws -> [[SQLValue]] {
        guard mysql_stmt_store_result(handle) == 0 else {
            throw MySQLErrors.error(statement: handle, context: "store result")
        }
        defer { mysql_stmt_free_result(handle) }
        guard let metadata = mysql_stmt_result_metadata(handle), let fields = mysql_fetch_fields(metadata) else {
            throw MySQLErrors.error(statement: handle, context: "result metadata")
        }
        defer { mysql_free_result(metadata) }
        let columns = MySQLResultColumns(fields: fields, count: Int(mysql_num_fields(metadata)))
        guard mysql_stmt_bind_result(handle, columns.binds) == 0 else {
            throw MySQLErrors.error(statement: handle, context: "bind result")
        }
        var rows: [[SQLValue]] = []
        rows.reserveCapacity(Int(clamping: mysql_stmt_num_rows(handle)))
        while true {
            let code = mysql_stmt_fetch(handle)
            if code == MYSQL_NO_DATA { break }
            // MYSQL_DATA_TRUNCATED: a value outgrew its buffer; `row` fetches it again in full.
            guard code == 0 || code == MYSQL_DATA_TRUNCATED else {
                throw MySQLErrors.error(statement: handle, context: "fetch")
            }
            rows.append(try columns.row(statement: handle))
        }
        return rows
    }
}
