import CPostgres
import Foundation
import SQL
import TrackingCore

/// One libpq connection to PostgreSQL, with a per-connection prepared-statement cache.
///
/// Statements arrive with `?` placeholders; each distinct SQL (and set of bound types) is
/// rewritten to `$n`, prepared once (`s1`, `s2`, ...) and then run with `PQexecPrepared`, values
/// in text format. Results are read in text format and typed by column OID (`PostgresRow`).
/// Transactions run at READ COMMITTED, PostgreSQL's default; the stores lock the rows a write
/// depends on with `FOR UPDATE`.
///
/// Not thread-safe by itself: the pool lends each connection to one thread at a time, which is
/// why it may be marked `@unchecked Sendable`.
final class PostgresConnection: SQLConnection, @unchecked Sendable {
    var dialect: SQLDialect { .postgres }
    /// `host:port/database`, for messages.
    let target: String
    private let handle: OpaquePointer
    private var statements: [StatementKey: PreparedStatement] = [:]
    private var rewrites: [String: PostgresPlaceholders.Rewritten] = [:]
    private var nextStatementNumber = 1

    /// Search SQL is built per request, so the caches are bounded; past this many prepared
    /// statements the connection deallocates them all and starts over.
    static let statementCacheLimit = 256

    private struct StatementKey: Hashable {
        let sql: String
        let types: [Oid]
    }

    private struct PreparedStatement {
        let name: String
    }

    /// Connects and applies the session settings: UTC, exact float text (`extra_float_digits = 3`
    /// makes float8 output the shortest text that reads back as the same double), UTF-8.
    /// A failed connect throws `SQLConnectionFailure` naming host:port/database, never the password.
    init(uri: DatabaseURI, connectTimeoutSeconds: Int = 5) throws {
        let info = try PostgresConnectInfo(uri: uri, connectTimeoutSeconds: connectTimeoutSeconds)
        target = info.target
        guard let connection = info.withCArrays({ PQconnectdbParams($0, $1, 0) }) else {
            throw SQLConnectionFailure(message: "Cannot connect to PostgreSQL at \(info.target): out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            var message = PostgresErrors.trimmed(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            if let password = uri.password, !password.isEmpty, password != uri.user {
                message = message.replacingOccurrences(of: password, with: "***")
            }
            throw SQLConnectionFailure(message: "Cannot connect to PostgreSQL at \(info.target): \(message)")
        }
        handle = connection
        // NOTICEs (e.g. "there is no transaction in progress") would go to stderr by default.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        try executeScript("SET TIME ZONE 'UTC'; SET extra_float_digits = 3; SET client_encoding = 'UTF8'")
    }

    deinit {
        PQfinish(handle)
    }

    /// Runs SQL text with the simple protocol (`PQexec`); it may hold several statements.
    func executeScript(_ sql: String) throws {
        _ = try simpleCommand(sql)
    }

    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLValue]) throws -> Int {
        try run(sql, bindings) { result in
            PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        }
    }

    func query<T>(_ sql: String, _ bindings: [SQLValue], _ map: (any SQLRow) throws -> T) throws -> [T] {
        try run(sql, bindings) { result in
            let kinds = PostgresColumnKind.columns(of: result)
            let count = PQntuples(result)
            var rows: [T] = []
            rows.reserveCapacity(Int(count))
            for row in 0..<count {
                rows.append(try map(PostgresRow(result: result, row: row, kinds: kinds)))
            }
            return rows
        }
    }

    /// Appends `RETURNING keyColumn` to the INSERT and returns the key the server generated.
    func insertReturningKey(_ sql: String, _ bindings: [SQLValue], keyColumn: String) throws -> Int64 {
        var insert = Substring(sql)
        while let last = insert.last, last.isWhitespace || last == ";" { insert = insert.dropLast() }
        let keys = try query("\(insert) RETURNING \(keyColumn)", bindings) { $0.int64(0) }
        guard let key = keys.first else {
            throw MLflowError.internalError("INSERT ... RETURNING \(keyColumn) returned no row")
        }
        return key
    }

    /// READ COMMITTED for reads and writes alike: writers serialize on the rows they lock.
    /// Writes run in READ COMMITTED (the stores lock the rows they depend on); reads in
    /// REPEATABLE READ, so the several queries of one read (ids, then the rows) see one snapshot.
    func begin(write: Bool) throws {
        _ = try simpleCommand(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ")
    }

    /// PostgreSQL answers COMMIT of a transaction an earlier error aborted with ROLLBACK and no
    /// error; that is reported, so a caller that swallowed the error does not think it wrote.
    func commit() throws {
        if try simpleCommand("COMMIT") == "ROLLBACK" {
            throw MLflowError.internalError("PostgreSQL rolled the transaction back at COMMIT: a statement in it had failed")
        }
    }

    func rollback() throws { _ = try simpleCommand("ROLLBACK") }

    /// Whether libpq still has the connection and the server answers `SELECT 1`.
    func isHealthy() -> Bool {
        guard PQstatus(handle) == CONNECTION_OK else { return false }
        let result = PQexec(handle, "SELECT 1")
        defer { PQclear(result) }
        return PQresultStatus(result) == PGRES_TUPLES_OK
    }

    // MARK: - Running statements

    /// Runs `sql` with the simple protocol; returns its command tag ("BEGIN", "COMMIT", "ROLLBACK", ...).
    private func simpleCommand(_ sql: String) throws -> String {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        guard Self.succeeded(result) else { throw PostgresErrors.error(result, connection: handle) }
        return PQcmdStatus(result).map { String(cString: $0) } ?? ""
    }

    /// Runs `sql` as a prepared statement and lets `body` read the result, which is cleared after.
    private func run<T>(_ sql: String, _ bindings: [SQLValue], _ body: (OpaquePointer) throws -> T) throws -> T {
        let parameters = try PostgresParameters(bindings)
        var replanned = false
        while true {
            let statement = try prepared(sql, types: parameters.types)
            let result = parameters.withValuePointers { values in
                PQexecPrepared(handle, statement.name, parameters.count, values, nil, nil, 0)
            }
            defer { PQclear(result) }
            if let result, Self.succeeded(result) { return try body(result) }
            // A prepared SELECT * whose table changed shape (a migration ran) must be prepared
            // again. Outside a transaction that is done here; inside one the transaction is
            // already aborted, so it fails as transient and `SQLDatabase.write` runs it again.
            if PostgresErrors.sqlstate(result) == "0A000",
               PostgresErrors.message(result, connection: handle).contains("cached plan") {
                statements[StatementKey(sql: sql, types: parameters.types)] = nil
                if !replanned && PQtransactionStatus(handle) == PQTRANS_IDLE {
                    replanned = true
                    continue
                }
                throw SQLTransientFailure(message: PostgresErrors.message(result, connection: handle))
            }
            throw PostgresErrors.error(result, connection: handle)
        }
    }

    /// The prepared statement for `sql` with these parameter types, preparing it on first use.
    private func prepared(_ sql: String, types: [Oid]) throws -> PreparedStatement {
        let key = StatementKey(sql: sql, types: types)
        if let statement = statements[key] { return statement }
        let rewritten = rewrite(sql)
        guard rewritten.count == types.count else {
            throw MLflowError.internalError(
                "The SQL has \(rewritten.count) placeholders but \(types.count) values were bound: \(sql)")
        }
        if statements.count >= Self.statementCacheLimit {
            try executeScript("DEALLOCATE ALL")
            statements.removeAll(keepingCapacity: true)
        }
        let name = "s\(nextStatementNumber)"
        nextStatementNumber += 1
        let result = types.withUnsafeBufferPointer { typePointer in
            PQprepare(handle, name, rewritten.sql, Int32(types.count), typePointer.baseAddress)
        }
        defer { PQclear(result) }
        guard Self.succeeded(result) else { throw PostgresErrors.error(result, connection: handle) }
        let statement = PreparedStatement(name: name)
        statements[key] = statement
        return statement
    }

    /// `sql` with `$n` placeholders, cached per SQL text.
    private func rewrite(_ sql: String) -> PostgresPlaceholders.Rewritten {
        if let rewritten = rewrites[sql] { return rewritten }
        let rewritten = PostgresPlaceholders.rewrite(sql)
        if rewrites.count >= Self.statementCacheLimit { rewrites.removeAll(keepingCapacity: true) }
        rewrites[sql] = rewritten
        return rewritten
    }

    private static func succeeded(_ result: OpaquePointer?) -> Bool {
        guard let result else { return false }
        let status = PQresultStatus(result)
        return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY
    }
}
