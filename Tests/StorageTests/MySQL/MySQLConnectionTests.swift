import Foundation
@testable import SQL
@testable import MySQLEngine
import Testing
@testable import Storage
import TrackingCore

/// `MySQLConnection` against a real MariaDB/MySQL server (`SWIFTRACK_TEST_MYSQL_URI`).
@Suite("MySQL connection", .enabled(if: MySQLTestServer.adminURI != nil))
struct MySQLConnectionTests {
    @Test func integersRoundTripAtTheirLimits() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, n BIGINT, small SMALLINT)")
        for (id, number) in [(1, Int64.min), (2, Int64.max), (3, 0), (4, -1)] {
            try connection.execute("INSERT INTO t (id, n, small) VALUES (?, ?, ?)", [.integer(Int64(id)), .integer(number), .integer(-7)])
        }
        let rows = try connection.query("SELECT n, small, id FROM t ORDER BY id") { [$0.value(0), $0.value(1), $0.value(2)] }
        #expect(rows.map { $0[0] } == [.integer(.min), .integer(.max), .integer(0), .integer(-1)])
        #expect(rows.allSatisfy { $0[1] == .integer(-7) })
        #expect(try connection.queryFirst("SELECT COUNT(*), SUM(id) FROM t") { [$0.value(0), $0.value(1)] }
            == [.integer(4), .real(10)])
    }

    @Test func doublesRoundTripExactly() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, d DOUBLE)")
        let values: [Double] = [0.1, 1.7976931348623157e308, -1.7976931348623157e308, .leastNonzeroMagnitude,
                                -0.0, 123456.789, 1e-300]
        for (id, value) in values.enumerated() {
            try connection.execute("INSERT INTO t (id, d) VALUES (?, ?)", [.integer(Int64(id)), .real(value)])
        }
        let read = try connection.query("SELECT d FROM t ORDER BY id") { $0.double(0) }
        // MariaDB stores -0.0 as 0.0 (equal, but the sign is lost); every other value is bit-exact.
        #expect(read == values)
        #expect(read.enumerated().filter { $0.offset != 4 }.map(\.element.bitPattern)
            == values.enumerated().filter { $0.offset != 4 }.map(\.element.bitPattern))
        #expect(read[1] == .greatestFiniteMagnitude && read[2] == -.greatestFiniteMagnitude)
        #expect(try connection.queryFirst("SELECT d FROM t WHERE d = ?", [.real(0.1)]) { $0.value(0) } == .real(0.1))
    }

    @Test func nanAndInfinityAreRefusedNotStored() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (d DOUBLE)")
        for value in [Double.nan, .infinity, -.infinity] {
            #expect {
                try connection.execute("INSERT INTO t (d) VALUES (?)", [.real(value)])
            } throws: { ($0 as? MLflowError)?.code == .invalidParameterValue }
        }
        #expect(try connection.queryFirst("SELECT COUNT(*) FROM t") { $0.int64(0) } == 0)
    }

    @Test func textRoundTripsUnicodeQuotesAndPlaceholders() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)")
        let texts = ["", "plain", "emoji 🚀🧪 and 𝄞", "日本語のテキスト", "quotes ' \" ` and \\ backslash",
                     "what? ? (?, ?) '?'", "nul \u{0} inside", "-- not a comment /* nor this */", "line\nbreak\ttab"]
        for (id, text) in texts.enumerated() {
            try connection.execute("INSERT INTO t (id, s) VALUES (?, ?)", [.integer(Int64(id)), .text(text)])
        }
        #expect(try connection.query("SELECT s FROM t ORDER BY id") { $0.string(0) } == texts)
        #expect(try connection.queryFirst("SELECT id FROM t WHERE s = ?", [.text("emoji 🚀🧪 and 𝄞")]) { $0.int64(0) } == 2)
        #expect(try connection.queryFirst("SELECT CHAR_LENGTH(s) FROM t WHERE id = 2") { $0.int64(0) } == 14)
    }

    @Test func columnNamedKeyWorksEverywhere() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("""
            CREATE TABLE tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), run_uuid VARCHAR(32) NOT NULL,
                               PRIMARY KEY (key, run_uuid))
            """)
        try connection.execute("INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)", [.text("k"), .text("v1"), .text("r")])
        try connection.execute("""
            INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)
            """, [.text("k"), .text("v2"), .text("r")])
        let rows = try connection.query("SELECT t.key, value FROM tags t WHERE key = ? ORDER BY key", [.text("k")]) {
            "\($0.string(0))=\($0.string(1))"
        }
        #expect(rows == ["k=v2"])
        try connection.execute("UPDATE tags SET key = ? WHERE key = ?", [.text("key"), .text("k")])
        #expect(try connection.queryFirst("SELECT key FROM tags") { $0.string(0) } == "key")
    }

    @Test func comparisonsAreCaseSensitive() throws {
        let connection = try MySQLTestServer.freshConnection()
        #expect(try connection.queryFirst("SELECT 'Abc' = 'abc', 'abc' = 'abc'") { [$0.int64(0), $0.int64(1)] } == [0, 1])
        try connection.executeScript("CREATE TABLE t (name VARCHAR(100) PRIMARY KEY)")
        try connection.execute("INSERT INTO t (name) VALUES (?), (?), (?)", [.text("Abc"), .text("abc"), .text("ABC")])
        #expect(try connection.query("SELECT name FROM t WHERE name = ?", [.text("abc")]) { $0.string(0) } == ["abc"])
        #expect(try connection.query("SELECT name FROM t ORDER BY name") { $0.string(0) } == ["ABC", "Abc", "abc"])
    }

    @Test func nullsReadAsNull() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (a BIGINT, b DOUBLE, c TEXT)")
        try connection.execute("INSERT INTO t (a, b, c) VALUES (?, ?, ?)", [.null, .null, .null])
        let row = try connection.queryFirst("SELECT a, b, c, NULL FROM t") { row in
            (0..<4).map { row.value(Int32($0)) }
        }
        #expect(row == [.null, .null, .null, .null])
        #expect(try connection.queryFirst("SELECT c FROM t") { $0.optionalString(0) } == .some(nil))
    }

    @Test func otherColumnTypesRead() throws {
        let connection = try MySQLTestServer.freshConnection()
        let row = try connection.queryFirst("""
            SELECT CAST(2.50 AS DECIMAL(10,2)), CAST('2024-01-02 03:04:05' AS DATETIME), 18446744073709551615,
                   CAST(7 AS UNSIGNED), YEAR('2024-05-06')
            """) { row in (0..<5).map { row.value(Int32($0)) } }
        #expect(row == [.real(2.5), .text("2024-01-02 03:04:05"), .real(18446744073709551615), .integer(7), .integer(2024)])
    }

    @Test func longTextRoundTrips() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, s LONGTEXT)")
        let long = String(repeating: "0123456789abcdé🚀", count: 6_000)
        #expect(long.utf8.count > 100_000)
        try connection.execute("INSERT INTO t (id, s) VALUES (1, ?), (2, ?), (3, ?)", [.text("short"), .text(long), .text("")])
        #expect(try connection.query("SELECT s FROM t ORDER BY id") { $0.string(0) } == ["short", long, ""])
        #expect(try connection.queryFirst("SELECT s FROM t WHERE id = 2") { $0.string(0) } == long)
    }

    @Test func valuesLongerThanTheirBufferAreFetchedWhole() throws {
        let connection = try MySQLTestServer.freshConnection()
        connection.sizesResultBuffers = false
        try connection.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n BIGINT)")
        let long = String(repeating: "é🚀x", count: 5_000)
        try connection.execute("INSERT INTO t (id, s, n) VALUES (1, ?, 7), (2, 'short', 8)", [.text(long)])
        let rows = try connection.query("SELECT s, n FROM t ORDER BY id") { "\($0.string(0))|\($0.int64(1))" }
        #expect(rows == ["\(long)|7", "short|8"])
    }

    @Test func cachedStatementsSurviveSchemaChanges() throws {
        let uri = try MySQLTestServer.freshDatabase()
        let database = try MySQLDatabase.open(uri: uri, poolSize: 1, poolTimeout: .seconds(2))
        try database.withConnection { connection in
            try connection.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(10) DEFAULT 'x')")
            try connection.execute("INSERT INTO t (id) VALUES (1)")
        }
        let selectAll = { try database.read { try $0.query("SELECT * FROM t") { row in row.string(0) + row.string(1) } } }
        let selectSome = { try database.read { try $0.query("SELECT name FROM t WHERE id = ?", [.integer(1)]) { $0.string(0) } } }
        #expect(try selectAll() == ["1x"])
        #expect(try selectSome() == ["x"])
        // Same columns, new definition: the server re-prepares by itself.
        try database.withConnection { try $0.executeScript("ALTER TABLE t MODIFY name VARCHAR(20) DEFAULT 'y'") }
        #expect(try selectSome() == ["x"])
        // Another column count: Connector/C gives up on the connection (2057); the pool retries on a new one.
        try database.withConnection { try $0.executeScript("ALTER TABLE t ADD COLUMN n INTEGER DEFAULT 5") }
        #expect(try selectAll() == ["1x"])
        #expect(try database.read { try $0.query("SELECT * FROM t") { $0.value(2) } } == [.integer(5)])
        #expect(try selectSome() == ["x"])
        // What the pool recovered from, seen on a bare connection.
        let connection = try MySQLConnection(uri: uri)
        _ = try connection.query("SELECT * FROM t") { $0.value(0) }
        try connection.executeScript("ALTER TABLE t DROP COLUMN n")
        #expect(throws: SQLConnectionFailure.self) { try connection.query("SELECT * FROM t") { $0.value(0) } }
    }

    @Test func updateCountsMatchedRows() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
        #expect(try connection.execute("INSERT INTO t (id, v) VALUES (1, 5), (2, 5), (3, 6)") == 3)
        // Values unchanged: CLIENT_FOUND_ROWS still counts both rows, as SQLite and PostgreSQL do.
        #expect(try connection.execute("UPDATE t SET v = ? WHERE v = ?", [.integer(5), .integer(5)]) == 2)
        #expect(try connection.execute("UPDATE t SET v = ? WHERE id = ?", [.integer(9), .integer(42)]) == 0)
        #expect(try connection.execute("DELETE FROM t WHERE v = 6") == 1)
        // INSERT ... ON DUPLICATE KEY UPDATE: 1 inserted, 2 updated, 1 found unchanged.
        let upsert = "INSERT INTO t (id, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)"
        #expect(try connection.execute(upsert, [.integer(3), .integer(1)]) == 1)
        #expect(try connection.execute(upsert, [.integer(3), .integer(2)]) == 2)
        #expect(try connection.execute(upsert, [.integer(3), .integer(2)]) == 1)
    }

    @Test func insertReturningKeyGivesTheAutoIncrementValue() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id INTEGER AUTO_INCREMENT PRIMARY KEY, name VARCHAR(10))")
        #expect(try connection.insertReturningKey("INSERT INTO t (name) VALUES (?)", [.text("a")], keyColumn: "id") == 1)
        #expect(try connection.insertReturningKey("INSERT INTO t (name) VALUES (?)", [.text("b")], keyColumn: "id") == 2)
    }

    @Test func explicitZeroStaysZeroInAutoIncrementColumn() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE experiments (experiment_id INTEGER AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50))")
        try connection.execute("INSERT INTO experiments (experiment_id, name) VALUES (?, ?)", [.integer(0), .text("Default")])
        let next = try connection.insertReturningKey("INSERT INTO experiments (name) VALUES (?)", [.text("x")],
                                                     keyColumn: "experiment_id")
        #expect(next == 1)
        #expect(try connection.query("SELECT experiment_id, name FROM experiments ORDER BY experiment_id") {
            "\($0.int64(0)):\($0.string(1))"
        } == ["0:Default", "1:x"])
    }

    @Test func constraintViolationsAreRecognised() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE parent (id INTEGER PRIMARY KEY, name VARCHAR(10) NOT NULL UNIQUE)")
        try connection.executeScript("""
            CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER,
                                FOREIGN KEY (parent_id) REFERENCES parent (id), CHECK (id > 0))
            """)
        try connection.execute("INSERT INTO parent (id, name) VALUES (1, ?)", [.text("a")])
        let violating: [(String, [SQLValue])] = [
            ("INSERT INTO parent (id, name) VALUES (2, ?)", [.text("a")]),          // UNIQUE
            ("INSERT INTO parent (id, name) VALUES (1, ?)", [.text("b")]),          // PRIMARY KEY
            ("INSERT INTO parent (id, name) VALUES (3, ?)", [.null]),               // NOT NULL
            ("INSERT INTO child (id, parent_id) VALUES (1, ?)", [.integer(99)]),    // FOREIGN KEY
            ("INSERT INTO child (id, parent_id) VALUES (-1, ?)", [.integer(1)]),    // CHECK
        ]
        for (sql, bindings) in violating {
            #expect(throws: SQLConstraintViolation.self, "\(sql)") { try connection.execute(sql, bindings) }
        }
        try connection.execute("INSERT INTO child (id, parent_id) VALUES (1, 1)")
        #expect(throws: SQLConstraintViolation.self) { try connection.execute("DELETE FROM parent WHERE id = 1") }
        // The connection is still usable.
        #expect(try connection.queryFirst("SELECT COUNT(*) FROM parent") { $0.int64(0) } == 1)
    }

    @Test func otherErrorsAreInternalErrors() throws {
        let connection = try MySQLTestServer.freshConnection()
        #expect { try connection.execute("SELECT * FROM missing_table") } throws: { error in
            guard let error = error as? MLflowError else { return false }
            return error.code == .internalError && error.message.contains("MySQL error 1146")
        }
        #expect(throws: MLflowError.self) { try connection.execute("SELECT ?", []) }
    }

    @Test func transactionsCommitAndRollBack() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        _ = try connection.transaction(write: true) { try connection.execute("INSERT INTO t (id) VALUES (1)") }
        #expect(throws: SQLConstraintViolation.self) {
            try connection.transaction(write: true) {
                try connection.execute("INSERT INTO t (id) VALUES (2)")
                try connection.execute("INSERT INTO t (id) VALUES (1)")
            }
        }
        #expect(try connection.query("SELECT id FROM t") { $0.int64(0) } == [1])
    }

    @Test func statementCacheSurvivesManyDistinctStatementsAndReentry() throws {
        let connection = try MySQLTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        try connection.execute("INSERT INTO t (id) VALUES (1), (2), (3)")
        for number in 0..<(MySQLConnection.statementCacheLimit + 20) {
            #expect(try connection.queryFirst("SELECT \(number) + ?", [.integer(1)]) { $0.int64(0) } == Int64(number + 1))
        }
        // Mapping rows may run the very same statement again.
        let sql = "SELECT id FROM t WHERE id >= ? ORDER BY id"
        let nested = try connection.query(sql, [.integer(1)]) { row in
            try connection.query(sql, [.integer(row.int64(0))]) { $0.int64(0) }.count
        }
        #expect(nested == [3, 2, 1])
    }

    @Test func sessionSettings() throws {
        let connection = try MySQLTestServer.freshConnection()
        let settings = try connection.queryFirst("""
            SELECT @@character_set_connection, @@collation_connection, @@time_zone, @@autocommit, @@sql_mode
            """) { row in (0..<5).map { row.string(Int32($0)) } }
        #expect(settings?[0] == "utf8mb4")
        #expect(settings?[1] == "utf8mb4_bin")
        #expect(settings?[2] == "+00:00")
        #expect(settings?[3] == "1")
        #expect(settings?[4].contains("NO_AUTO_VALUE_ON_ZERO") == true)
        #expect(settings?[4].contains("STRICT_TRANS_TABLES") == true)
        let isolation = try connection.queryFirst("SELECT @@tx_isolation") { $0.string(0) }
        #expect(isolation == "READ-COMMITTED")
    }

    @Test func realDeadlockIsTransient() throws {
        let uri = try MySQLTestServer.freshDatabase()
        let setup = try MySQLConnection(uri: uri)
        try setup.executeScript("CREATE TABLE d (id INTEGER PRIMARY KEY, v INTEGER) ENGINE=InnoDB")
        try setup.execute("INSERT INTO d (id, v) VALUES (1, 0), (2, 0)")
        let first = try MySQLConnection(uri: uri)
        let second = try MySQLConnection(uri: uri)
        try first.begin(write: true)
        try first.execute("UPDATE d SET v = 1 WHERE id = 1")
        try second.begin(write: true)
        try second.execute("UPDATE d SET v = 2 WHERE id = 2")
        // The first now waits for the second's row; then the second asks for the first's: a cycle.
        let firstOutcome = inBackground { try first.execute("UPDATE d SET v = 1 WHERE id = 2") }
        // information_schema.innodb_trx is a cache InnoDB refreshes only after 100 ms without
        // readers: poll it more slowly than that.
        try waitUntil("the first transaction waits for a lock", every: 0.25) {
            try setup.queryFirst("SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'") {
                $0.int64(0)
            } == 1
        }
        let secondOutcome = Result { try second.execute("UPDATE d SET v = 2 WHERE id = 1") }
        let outcomes = [firstOutcome.wait(), secondOutcome]
        try? first.rollback()
        try? second.rollback()
        let transient = outcomes.filter { if case .failure(let error) = $0 { error is SQLTransientFailure } else { false } }
        #expect(transient.count == 1, "outcomes: \(outcomes)")
        #expect(outcomes.filter { if case .success = $0 { true } else { false } }.count == 1)
    }

    @Test func killedConnectionIsUnhealthyAndFails() throws {
        let connection = try MySQLTestServer.freshConnection()
        let admin = try MySQLTestServer.adminConnection()
        #expect(connection.isHealthy())
        let id = try #require(try connection.queryFirst("SELECT CONNECTION_ID()") { $0.int64(0) })
        try admin.executeScript("KILL \(id)")
        #expect(!connection.isHealthy())
        #expect(throws: SQLConnectionFailure.self) { try connection.execute("SELECT 1") }
        #expect(throws: SQLConnectionFailure.self) { try connection.begin(write: true) }
    }

    @Test func connectFailureNamesTheTargetButNotThePassword() throws {
        var uri = try MySQLTestServer.freshDatabase()
        uri.password = "wrong-password-123"
        #expect { try MySQLConnection(uri: uri) } throws: { error in
            guard let failure = error as? SQLConnectionFailure else { return false }
            return failure.message.contains("\(uri.host ?? ""):\(uri.port ?? 3306)/\(uri.database)")
                && !failure.message.contains("wrong-password-123")
        }
        var closed = uri
        closed.port = 1
        #expect(throws: SQLConnectionFailure.self) { try MySQLConnection(uri: closed, connectTimeoutSeconds: 2) }
    }

    @Test func poolTimesOutWhenExhausted() throws {
        let uri = try MySQLTestServer.freshDatabase()
        let pool = ConnectionPool(size: 2, timeout: .milliseconds(200)) { try MySQLConnection(uri: uri) }
        let started = ContinuousClock.now
        #expect {
            try pool.withConnection { _ in
                try pool.withConnection { _ in
                    try pool.withConnection { _ in }
                }
            }
        } throws: { ($0 as? MLflowError)?.code == .temporarilyUnavailable }
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect(pool.statistics.timeouts == 1)
        try pool.withConnection { connection in #expect(connection.isHealthy()) }
    }

    @Test func pooledDatabaseRecoversAfterItsConnectionWasKilled() throws {
        let database = try MySQLDatabase.open(uri: try MySQLTestServer.freshDatabase(), poolSize: 2,
                                              poolTimeout: .seconds(2))
        let admin = try MySQLTestServer.adminConnection()
        try database.withConnection { try $0.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY)") }
        let id = try database.read { try $0.queryFirst("SELECT CONNECTION_ID()") { $0.int64(0) } ?? 0 }
        try admin.executeScript("KILL \(id)")
        try database.write { try $0.execute("INSERT INTO t (id) VALUES (1)") }
        let count = try database.read { try $0.queryFirst("SELECT COUNT(*) FROM t") { $0.int64(0) } }
        #expect(count == 1)
        #expect(try database.read { try $0.queryFirst("SELECT CONNECTION_ID()") { $0.int64(0) } } != id)
    }
}

/// Under CI the MySQL suite must not be skipped for want of a server.
@Suite("MySQL server in CI")
struct MySQLServerInCI {
    @Test func mysqlServerIsConfiguredInCI() {
        guard ProcessInfo.processInfo.environment["CI"] == "true" else { return }
        #expect(MySQLTestServer.adminURI != nil,
                "CI must start MariaDB (scripts/db/mariadb start DIR) and set SWIFTRACK_TEST_MYSQL_URI")
    }
}

/// A result computed on another thread (so a test can block two connections against each other).
private final class BackgroundResult<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, any Error>?

    init(_ body: @escaping @Sendable () throws -> T) {
        Thread.detachNewThread {
            self.result = Result { try body() }
            self.done.signal()
        }
    }

    func wait() -> Result<T, any Error> {
        done.wait()
        return result!
    }
}

private func inBackground<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> BackgroundResult<T> {
    BackgroundResult(body)
}

/// Polls `condition` every `interval` seconds for up to 10 s.
private func waitUntil(_ what: String, every interval: Double, _ condition: () throws -> Bool) throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        if try condition() { return }
        Thread.sleep(forTimeInterval: interval)
    }
    throw MLflowError.internalError("Timed out waiting until \(what)")
}
