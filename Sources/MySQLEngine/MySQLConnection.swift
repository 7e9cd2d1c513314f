import CMariaDB
import SQL
import TrackingCore

/// One MySQL/MariaDB connection (MariaDB Connector/C) with a prepared-statement cache.
///
/// - Statements with values run as server-side prepared statements; SQL is never built from values.
/// - Swiftrack's SQL is rewritten for MySQL first (`MySQLSQL.quotingReservedIdentifiers`).
/// - The session is utf8mb4 with binary collation (case-sensitive, like MLflow on SQLite), strict
///   SQL mode, READ COMMITTED, UTC, autocommit on; transactions are explicit.
/// - Connected with CLIENT_FOUND_ROWS, so an UPDATE reports the rows it *matched* (as SQLite and
///   PostgreSQL do), not only those whose values changed; an `INSERT ... ON DUPLICATE KEY UPDATE`
///   that updated a row reports 2 rows (1 if the row already held the new values).
/// - Auto-reconnect stays off: a lost connection throws `SQLConnectionFailure` and the pool opens
///   a new one, so no statement silently runs outside the transaction it belonged to.
///
/// Not thread-safe by itself: the pool lends each connection to one thread at a time, which is
/// why it may be marked `@unchecked Sendable`.
final class MySQLConnection: SQLConnection, @unchecked Sendable {
    var dialect: SQLDialect { .mysql }
    private let handle: UnsafeMutablePointer<MYSQL>
    private var statements: [String: MySQLStatement] = [:]
    /// Whether new statements size their string buffers from the result's longest values. Tests
    /// turn it off to exercise the re-fetching of values that outgrew their buffer.
    var sizesResultBuffers = true

    /// Dynamic SQL (search, IN lists) could grow the cache without bound: it is emptied at this size.
    static let statementCacheLimit = 256
    /// Seconds a read or write on the socket may block before the connection counts as lost.
    /// Longer than InnoDB's default 50 s lock wait, so a lock wait ends as error 1205 (retried),
    /// not as a lost connection.
    static let socketTimeoutSeconds: UInt32 = 90

    /// `mysql_library_init`, once, before the first connection. Connector/C 3.x guards it with
    /// `pthread_once` (and `mysql_init` calls it anyway); its `mysql_thread_init` is a no-op, so the
    /// pool's threads need no per-thread set-up.
    private static let libraryReady: Bool = mysql_server_init(0, nil, nil) == 0

    /// Connects and applies the session settings. Throws `SQLConnectionFailure` when the server
    /// cannot be reached or refuses the login (the message names host:port/database, never the
    /// password) and `MLflowError.invalidParameter` for options it does not understand.
    init(uri: DatabaseURI, connectTimeoutSeconds: Int = 5) throws {
        let options = try MySQLConnectOptions(uri: uri)
        guard Self.libraryReady, let handle = mysql_init(nil) else {
            throw MLflowError.internalError("Cannot initialise the MariaDB client library")
        }
        do {
            try Self.configure(handle, options: options, connectTimeoutSeconds: connectTimeoutSeconds)
            let connected = mysql_real_connect(handle, options.unixSocket == nil ? options.host : nil,
                                               options.user, options.password, options.database,
                                               UInt32(options.port), options.unixSocket, UInt(CLIENT_FOUND_ROWS))
            guard connected != nil else {
                throw SQLConnectionFailure(
                    message: "Cannot connect to MySQL at \(options.target): \(String(cString: mysql_error(handle)))")
            }
            if options.requiresTLS, mysql_get_ssl_cipher(handle) == nil {
                throw SQLConnectionFailure(
                    message: "The MySQL server at \(options.target) did not enable TLS, which the URI requires")
            }
        } catch {
            mysql_close(handle)
            throw error
        }
        self.handle = handle
        // From here a throw runs deinit, which closes the handle.
        try executeScript("SET NAMES utf8mb4 COLLATE utf8mb4_bin")
        // NO_AUTO_VALUE_ON_ZERO: Swiftrack inserts the Default experiment's id 0 explicitly.
        try executeScript("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                          + "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'")
        try executeScript("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
        try executeScript("SET time_zone = '+00:00'")
        try executeScript("SET autocommit = 1")
    }

    private static func configure(_ handle: UnsafeMutablePointer<MYSQL>, options: MySQLConnectOptions,
                                  connectTimeoutSeconds: Int) throws {
        let timeout = UInt32(clamping: max(1, connectTimeoutSeconds))
        let refused = swiftrack_mysql_option_uint(handle, MYSQL_OPT_CONNECT_TIMEOUT, timeout) != 0
            || swiftrack_mysql_option_uint(handle, MYSQL_OPT_READ_TIMEOUT, socketTimeoutSeconds) != 0
            || swiftrack_mysql_option_uint(handle, MYSQL_OPT_WRITE_TIMEOUT, socketTimeoutSeconds) != 0
            || swiftrack_mysql_option_string(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4") != 0
            || swiftrack_mysql_option_bool(handle, MYSQL_OPT_RECONNECT, 0) != 0
            // The server could otherwise ask the client to upload any local file (LOAD DATA LOCAL).
            || swiftrack_mysql_option_uint(handle, MYSQL_OPT_LOCAL_INFILE, 0) != 0
        if refused {
            throw MLflowError.internalError("The MariaDB client library refused a connection option")
        }
        try options.apply(to: handle)
    }

    deinit {
        // Statements first: closing one talks to the server through the connection.
        statements.removeAll()
        mysql_close(handle)
    }

    /// Runs one statement with no bindings through the text protocol (for session settings,
    /// transaction control and DDL). Any result set is read and dropped.
    func executeScript(_ sql: String) throws {
        let text = MySQLSQL.quotingReservedIdentifiers(sql)
        let length = UInt(text.utf8.count)
        guard text.withCString({ mysql_real_query(handle, $0, length) }) == 0 else {
            throw MySQLErrors.error(connection: handle, context: "query")
        }
        if mysql_field_count(handle) > 0 {
            guard let result = mysql_store_result(handle) else {
                throw MySQLErrors.error(connection: handle, context: "store result")
            }
            mysql_free_result(result)
        }
    }

    /// Runs one statement; returns `mysql_stmt_affected_rows` (matched rows for UPDATE, see above).
    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLValue]) throws -> Int {
        let statement = try run(sql, bindings).statement
        return statement.affectedRows
    }

    /// Runs a query and maps each row (rows are read in full first, then mapped).
    func query<T>(_ sql: String, _ bindings: [SQLValue], _ map: (any SQLRow) throws -> T) throws -> [T] {
        try run(sql, bindings).rows.map { try map(BufferedSQLRow($0)) }
    }

    /// Runs the INSERT and returns the AUTO_INCREMENT value it generated (`LAST_INSERT_ID()`).
    func insertReturningKey(_ sql: String, _ bindings: [SQLValue], keyColumn: String) throws -> Int64 {
        try run(sql, bindings).statement.insertID
    }

    /// `START TRANSACTION` either way: InnoDB takes row locks as rows are written, and the stores
    /// read the rows a write depends on with `FOR UPDATE`.
    /// Writes run in the session's READ COMMITTED (the stores lock the rows they depend on);
    /// reads take a consistent snapshot, so the several queries of one read agree.
    func begin(write: Bool) throws {
        if write {
            try executeScript("START TRANSACTION")
        } else {
            try executeScript("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            try executeScript("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
        }
    }
    func commit() throws { try executeScript("COMMIT") }
    func rollback() throws { try executeScript("ROLLBACK") }

    /// A `COM_PING` round trip; false once the server closed or killed the session.
    func isHealthy() -> Bool { mysql_ping(handle) == 0 }

    /// Runs `sql` as a cached prepared statement. A statement the server asks to prepare again
    /// (1615, after DDL changed what it refers to) is prepared afresh once.
    private func run(_ sql: String, _ bindings: [SQLValue]) throws -> (statement: MySQLStatement, rows: [[SQLValue]]) {
        let statement = try cachedStatement(sql)
        do {
            return (statement, try statement.run(bindings))
        } catch is MLflowError where statement.errorNumber == 1615 {
            statements[sql] = nil
            let fresh = try cachedStatement(sql)
            return (fresh, try fresh.run(bindings))
        }
    }

    private func cachedStatement(_ sql: String) throws -> MySQLStatement {
        if let statement = statements[sql] { return statement }
        let statement = try MySQLStatement(connection: handle, sql: MySQLSQL.quotingReservedIdentifiers(sql),
                                           sizeBuffersFromResult: sizesResultBuffers)
        if statements.count >= Self.statementCacheLimit { statements.removeAll(keepingCapacity: true) }
        statements[sql] = statement
        return statement
    }
}
