import Foundation
@testable import Storage
@testable import SQL
@testable import PostgreSQLEngine
import TrackingCore

/// The PostgreSQL server the tests use, if any: `SWIFTRACK_TEST_POSTGRES_URI` holds its admin URI
/// (`scripts/db/postgres start DIR` prints one). Each test gets a database of its own.
enum PostgresTestServer {
    static var adminURI: String? {
        guard let uri = ProcessInfo.processInfo.environment["SWIFTRACK_TEST_POSTGRES_URI"], !uri.isEmpty else {
            return nil
        }
        return uri
    }

    /// Creates an empty database `st_<random hex>` and returns its URI (the admin's credentials).
    /// The databases are left behind: the server is a throwaway.
    static func freshDatabase() throws -> DatabaseURI {
        guard let adminURI else {
            throw MLflowError.internalError("SWIFTRACK_TEST_POSTGRES_URI is not set")
        }
        var uri = try DatabaseURI(adminURI)
        let name = "st_" + (0..<12).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
        let admin = try PostgresConnection(uri: uri)
        try admin.executeScript("CREATE DATABASE \(name)")
        uri.database = name
        return uri
    }

    /// A connection to a fresh database.
    static func freshConnection() throws -> PostgresConnection {
        try PostgresConnection(uri: try freshDatabase())
    }

    /// Ends the backends `pids` and waits until they are gone.
    static func terminate(pids: [Int64], using admin: PostgresConnection) throws {
        for pid in pids {
            // pg_terminate_backend takes an int4: an int8 placeholder needs the cast.
            _ = try admin.query("SELECT pg_terminate_backend(CAST(? AS INTEGER))", [.integer(pid)]) { $0.int64(0) }
        }
        for _ in 0..<500 {
            let left = try admin.queryFirst("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(?::int[])",
                                            [.text("{\(pids.map(String.init).joined(separator: ","))}")]) { $0.int64(0) }
            if left == 0 { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw MLflowError.internalError("backends \(pids) did not exit")
    }
}
