import CSQLite
import SQL
import TrackingCore

/// One SQLite connection with a prepared-statement cache.
///
/// Not thread-safe by itself: `SQLiteDatabase` hands each connection to one thread at a time,
/// which is why it may be marked `@unchecked Sendable`.
final class SQLiteConnection: SQLConnection, @unchecked Sendable {
    var dialect: SQLDialect { .sqlite }
    private let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (creating if needed) the file at `path` and applies the connection settings.
    init(path: String, busyTimeoutMilliseconds: Int32 = 5_000, queryOnly: Bool = false) throws {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(connection)
            throw MLflowError.internalError("Cannot open SQLite database at \(path): \(message)")
        }
        self.handle = connection
        sqlite3_busy_timeout(connection, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(connection, 1)
        try executeScript("PRAGMA journal_mode=WAL")
        try executeScript("PRAGMA foreign_keys=ON")
        try executeScript("PRAGMA synchronous=NORMAL")
        // Pages are read through a shared memory map instead of a pread into each connection's
        // 2 MB cache: a profile of runs/search on a 16 MB database spent 15% of its CPU copying pages.
        try executeScript("PRAGMA mmap_size=\(Self.memoryMapBytes)")
        // SQLiteCheckpointer folds the log back in the background; this is the writer's backstop.
        try executeScript("PRAGMA wal_autocheckpoint=\(Self.backstopCheckpointPages)")
        try executeScript("PRAGMA journal_size_limit=\(Self.journalSizeLimitBytes)")
        if queryOnly { try executeScript("PRAGMA query_only=ON") }
    }

    /// How much of the database file connections map into memory (the OS shares the pages,
    /// which count in the process's RSS as file pages once read; 256 MB bounds that).
    static let memoryMapBytes = 256 << 20
    /// WAL pages after which a COMMIT checkpoints by itself (40 MB of 4 KB pages).
    static let backstopCheckpointPages = 10_000
    /// The size a WAL file is cut back to after a checkpoint reset it.
    static let journalSizeLimitBytes = 64 << 20

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs SQL text with no bindings (may hold several statements); for pragmas and DDL.
    func executeScript(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(errorMessage)
            throw Self.error(code: code, message: message)
        }
    }

    /// Runs one statement to completion; returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLValue]) throws -> Int {
        try withStatement(sql, bindings) { statement in
            while try statement.step() {}
        }
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and maps each row.
    func query<T>(_ sql: String, _ bindings: [SQLValue], _ map: (any SQLRow) throws -> T) throws -> [T] {
        try withStatement(sql, bindings) { statement in
            var rows: [T] = []
            while try statement.step() {
                rows.append(try map(SQLiteRow(statement: statement.handle)))
            }
            return rows
        }
    }

    /// Runs a query and maps its first row, if any.
    func queryFirst<T>(_ sql: String, _ bindings: [SQLValue], _ map: (any SQLRow) throws -> T) throws -> T? {
        try withStatement(sql, bindings) { statement in
            try statement.step() ? try map(SQLiteRow(statement: statement.handle)) : nil
        }
    }

    /// Runs the INSERT and returns the rowid it made (an `INTEGER PRIMARY KEY` column is the rowid).
    func insertReturningKey(_ sql: String, _ bindings: [SQLValue], keyColumn: String) throws -> Int64 {
        try execute(sql, bindings)
        return sqlite3_last_insert_rowid(handle)
    }

    /// Write transactions are `BEGIN IMMEDIATE`, so the write lock is taken at once rather than
    /// on the first write (no upgrade deadlock); read ones are deferred, a consistent snapshot.
    func begin(write: Bool) throws { try executeScript(write ? "BEGIN IMMEDIATE" : "BEGIN") }
    func commit() throws { try executeScript("COMMIT") }
    func rollback() throws { try executeScript("ROLLBACK") }

    /// Whether a transaction is open (SQLite ends one by itself on some errors).
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// A SQLite file connection has no server to lose.
    func isHealthy() -> Bool { true }

    private func withStatement<T>(_ sql: String, _ bindings: [SQLValue], _ body: (SQLiteStatement) throws -> T) throws -> T {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        return try body(statement)
    }

    private func cachedStatement(_ sql: String) throws -> SQLiteStatement {
        if let statement = statements[sql] { return statement }
        let statement = try SQLiteStatement(connection: handle, sql: sql)
        // Dynamic SQL (search, IN lists) could grow the cache without bound: keep it small.
        if statements.count >= 256 { statements.removeAll(keepingCapacity: true) }
        statements[sql] = statement
        return statement
    }

    static func error(code: Int32, connection: OpaquePointer, context: String) -> any Error {
        error(code: code, message: "\(context): \(String(cString: sqlite3_errmsg(connection)))")
    }

    /// Constraint violations are thrown as `SQLiteConstraintViolation` (callers map them);
    /// everything else as an internal error carrying SQLite's message.
    static func error(code: Int32, message: String) -> any Error {
        if code & 0xFF == SQLITE_CONSTRAINT { return SQLConstraintViolation(message: message) }
        return MLflowError.internalError("SQLite error \(code): \(message)")
    }
}
