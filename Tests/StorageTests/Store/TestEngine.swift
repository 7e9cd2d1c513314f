import Foundation
@testable import SQL
@testable import SQLiteEngine
@testable import PostgreSQLEngine
@testable import MySQLEngine
import Testing
@testable import Storage

/// The engines the store contract suite runs on: SQLite always; PostgreSQL and MariaDB when the
/// test scripts started them (`scripts/with-databases` sets SWIFTRACK_TEST_POSTGRES_URI and
/// SWIFTRACK_TEST_MYSQL_URI; under CI a missing server fails `TestEnginesInCI`).
enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres, mysql

    static let all: [TestEngine] = allCases.filter(\.isAvailable)

    var testDescription: String { rawValue }

    var isAvailable: Bool {
        switch self {
        case .sqlite: return true
        case .postgres: return PostgresTestServer.adminURI != nil
        case .mysql: return MySQLTestServer.adminURI != nil
        }
    }

    /// A fresh, empty database of this engine (a new SQLite file, or a new database on the server).
    func makeDatabase(poolSize: Int = 8) throws -> any SQLDatabase {
        switch self {
        case .sqlite:
            return try SQLiteDatabase.temporary()
        case .postgres:
            return try PostgresDatabase.open(uri: try PostgresTestServer.freshDatabase(), poolSize: poolSize,
                                             poolTimeout: .seconds(10))
        case .mysql:
            return try MySQLDatabase.open(uri: try MySQLTestServer.freshDatabase(), poolSize: poolSize,
                                          poolTimeout: .seconds(10))
        }
    }

    /// A tracking store on a fresh database of this engine.
    func makeStore(artifactRoot: String = "/tmp/artifacts", poolSize: Int = 8) throws -> SQLTrackingStore {
        try SQLTrackingStore(database: try makeDatabase(poolSize: poolSize), defaultArtifactRoot: artifactRoot)
    }
}

@Suite("Store engines in CI")
struct TestEnginesInCI {
    /// CI starts PostgreSQL and MariaDB; the contract suite must not quietly run on SQLite alone.
    @Test func everyEngineRunsInCI() {
        guard ProcessInfo.processInfo.environment["CI"] == "true" else { return }
        #expect(TestEngine.all == TestEngine.allCases)
    }
}
