import Dispatch
import Foundation
@testable import SQL
@testable import PostgreSQLEngine
import Synchronization
import Testing
@testable import Storage
import TrackingCore

/// CI must run the PostgreSQL suite, not skip it because nobody started a server.
@Test("PostgreSQL server is configured on CI")
func postgresServerConfiguredOnCI() {
    guard ProcessInfo.processInfo.environment["CI"] == "true" else { return }
    #expect(PostgresTestServer.adminURI != nil,
            "CI=true but SWIFTRACK_TEST_POSTGRES_URI is unset: run scripts/db/postgres start DIR and export its URI")
}

/// `PostgresConnection` statements, transactions and failures against a real server
/// (`scripts/db/postgres start`).
@Suite("PostgreSQL connection", .enabled(if: PostgresTestServer.adminURI != nil))
struct PostgresConnectionTests {
    // MARK: - Statements

    @Test func executeReturnsRowCounts() throws {
        let connection = try PostgresTestServer.freshConnection()
        #expect(try connection.execute("CREATE TABLE t (n BIGINT)") == 0)
        #expect(try connection.execute("INSERT INTO t VALUES (?), (?), (?)", [.integer(1), .integer(2), .integer(3)]) == 3)
        #expect(try connection.execute("UPDATE t SET n = n + 10 WHERE n >= ?", [.integer(2)]) == 2)
        #expect(try connection.execute("UPDATE t SET n = 0 WHERE n = ?", [.integer(99)]) == 0)
        #expect(try connection.execute("DELETE FROM t") == 3)
    }

    @Test func insertReturningKeyOnSerial() throws {
        let connection = try PostgresTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id SERIAL PRIMARY KEY, name TEXT)")
        #expect(try connection.insertReturningKey("INSERT INTO t (name) VALUES (?)", [.text("a")], keyColumn: "id") == 1)
        #expect(try connection.insertReturningKey("INSERT INTO t (name) VALUES (?) ;\n", [.text("b")], keyColumn: "id") == 2)
        #expect(try connection.query("SELECT id, name FROM t ORDER BY id") { "\($0.int64(0)):\($0.string(1))" } == ["1:a", "2:b"])
    }

    @Test func placeholderCountMismatchIsReported() throws {
        let connection = try PostgresTestServer.freshConnection()
        #expect(throws: MLflowError.self) { try connection.execute("SELECT ?, ?", [.integer(1)]) }
        // The connection is still usable.
        #expect(try connection.queryFirst("SELECT ?::int + 1", [.integer(1)]) { $0.int64(0) } == 2)
    }

    @Test func untypedParameterFailsClearly() throws {
        let connection = try PostgresTestServer.freshConnection()
        // `? IS NULL` gives NULL no type; libpq reports SQLSTATE 42P18 and the SQL must cast.
        let error = #expect(throws: MLflowError.self) {
            try connection.query("SELECT ? IS NULL", [.null]) { $0.int64(0) }
        }
        #expect(error?.message.contains("42P18") == true)
        #expect(try connection.queryFirst("SELECT CAST(? AS TEXT) IS NULL", [.null]) { $0.int64(0) } == 1)
    }

    @Test func statementCacheIsBounded() throws {
        let connection = try PostgresTestServer.freshConnection()
        for index in 0..<(PostgresConnection.statementCacheLimit + 50) {
            #expect(try connection.queryFirst("SELECT ? + \(index)", [.integer(1)]) { $0.int64(0) } == Int64(index + 1))
        }
        let prepared = try connection.queryFirst("SELECT count(*) FROM pg_prepared_statements") { $0.int64(0) }
        #expect(prepared.map { $0 <= Int64(PostgresConnection.statementCacheLimit) } == true)
    }

    @Test func preparedSelectStarSurvivesAlterTable() throws {
        let connection = try PostgresTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)")
        #expect(try connection.query("SELECT * FROM t") { _ in 1 }.count == 1)
        try connection.executeScript("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'")
        #expect(try connection.query("SELECT * FROM t") { $0.string(1) } == ["x"])
    }

    // MARK: - Transactions and errors

    @Test func transactionsCommitAndRollBack() throws {
        let connection = try PostgresTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (n BIGINT)")
        try connection.begin(write: true)
        try connection.execute("INSERT INTO t VALUES (?)", [.integer(1)])
        try connection.rollback()
        _ = try connection.transaction(write: true) { try connection.execute("INSERT INTO t VALUES (?)", [.integer(2)]) }
        #expect(try connection.query("SELECT n FROM t") { $0.int64(0) } == [2])
        // COMMIT of a transaction an error aborted is a rollback, and says so.
        try connection.begin(write: true)
        try connection.execute("INSERT INTO t VALUES (?)", [.integer(3)])
        _ = try? connection.execute("INSERT INTO t VALUES (?)", [.text("not a number")])
        #expect(throws: MLflowError.self) { try connection.commit() }
        #expect(try connection.query("SELECT n FROM t") { $0.int64(0) } == [2])
    }

    @Test func uniqueViolationIsConstraintViolation() throws {
        let connection = try PostgresTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (name TEXT UNIQUE)")
        try connection.execute("INSERT INTO t VALUES (?)", [.text("a")])
        let violation = #expect(throws: SQLConstraintViolation.self) {
            try connection.execute("INSERT INTO t VALUES (?)", [.text("a")])
        }
        #expect(violation?.message.contains("duplicate key") == true)
        // NOT NULL is a constraint too.
        try connection.executeScript("CREATE TABLE u (name TEXT NOT NULL)")
        #expect(throws: SQLConstraintViolation.self) { try connection.execute("INSERT INTO u VALUES (?)", [.null]) }
    }

    @Test func deadlockIsTransient() throws {
        let uri = try PostgresTestServer.freshDatabase()
        let first = try PostgresConnection(uri: uri)
        let second = try PostgresConnection(uri: uri)
        try first.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO t VALUES (1, 0), (2, 0)")
        try first.begin(write: true)
        try second.begin(write: true)
        try first.execute("UPDATE t SET n = n + 1 WHERE id = ?", [.integer(1)])
        try second.execute("UPDATE t SET n = n + 1 WHERE id = ?", [.integer(2)])
        // Each now wants the row the other holds.
        let outcomes = Mutex<[Int: any Error]>([:])
        let connections = [first, second]
        let targets: [Int64] = [2, 1]
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 1 { Thread.sleep(forTimeInterval: 0.05) }
            let connection = connections[index]
            do {
                try connection.execute("UPDATE t SET n = n + 1 WHERE id = ?", [.integer(targets[index])])
                try connection.commit()
            } catch {
                try? connection.rollback()
                outcomes.withLock { $0[index] = error }
            }
        }
        let errors = outcomes.withLock { $0 }
        #expect(errors.count == 1)
        #expect(errors.values.allSatisfy { $0 is SQLTransientFailure })
    }

    @Test func terminatedBackendIsUnhealthyThenConnectionFailure() throws {
        let uri = try PostgresTestServer.freshDatabase()
        let victim = try PostgresConnection(uri: uri)
        let admin = try PostgresConnection(uri: uri)
        #expect(victim.isHealthy())
        let pid = try #require(try victim.queryFirst("SELECT pg_backend_pid()") { $0.int64(0) })
        try PostgresTestServer.terminate(pids: [pid], using: admin)
        #expect(!victim.isHealthy())
        #expect(throws: SQLConnectionFailure.self) { try victim.query("SELECT 1") { $0.int64(0) } }
        #expect(admin.isHealthy())
    }

    @Test func badPasswordIsConnectionFailureWithoutThePassword() throws {
        var uri = try PostgresTestServer.freshDatabase()
        uri.password = "not-the-Secret-7731"
        let failure = #expect(throws: SQLConnectionFailure.self) { try PostgresConnection(uri: uri) }
        let message = failure?.message ?? ""
        #expect(message.contains("\(uri.host ?? ""):\(uri.port ?? 5432)/\(uri.database)"))
        #expect(!message.contains("not-the-Secret-7731"))
    }

    @Test func uriOptionsPassThroughAndUnknownOnesAreNamed() throws {
        var uri = try PostgresTestServer.freshDatabase()
        uri.options = [("sslmode", "disable"), ("application_name", "st-test")]
        let connection = try PostgresConnection(uri: uri)
        #expect(try connection.queryFirst("SELECT current_setting('application_name')") { $0.string(0) } == "st-test")
        #expect(try connection.queryFirst("SELECT current_setting('TimeZone')") { $0.string(0) } == "UTC")
        uri.options = [("pool_recycle", "3600")]
        let error = #expect(throws: MLflowError.self) { try PostgresConnection(uri: uri) }
        #expect(error?.message.contains("pool_recycle") == true)
    }
}
