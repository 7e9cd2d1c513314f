import Foundation
@testable import Storage
@testable import SQL
@testable import MySQLEngine
import TrackingCore

/// The MySQL/MariaDB server the tests use, if any: `SWIFTRACK_TEST_MYSQL_URI` holds its admin URI
/// (`scripts/db/mariadb start DIR` prints one). Each test gets a database of its own.
enum MySQLTestServer {
    static var adminURI: String? {
        guard let uri = ProcessInfo.processInfo.environment["SWIFTRACK_TEST_MYSQL_URI"], !uri.isEmpty else {
            return nil
        }
        return uri
    }

    /// Creates an empty database `st_<random hex>` (utf8mb4, binary collation, as Swiftrack expects)
    /// and returns its URI with the admin's credentials. The databases are left behind: the server
    /// is a throwaway.
    static func freshDatabase() throws -> DatabaseURI {
        guard let adminURI else {
            throw MLflowError.internalError("SWIFTRACK_TEST_MYSQL_URI is not set")
        }
        var uri = try DatabaseURI(adminURI)
        let name = "st_" + (0..<12).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
        let admin = try MySQLConnection(uri: uri)
        try admin.executeScript("CREATE DATABASE \(name) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        uri.database = name
        return uri
    }

    /// A connection to a fresh database.
    static func freshConnection() throws -> MySQLConnection {
        try MySQLConnection(uri: try freshDatabase())
    }

    /// A connection with the admin URI (to KILL other sessions).
    static func adminConnection() throws -> MySQLConnection {
        guard let adminURI else {
            throw MLflowError.internalError("SWIFTRACK_TEST_MYSQL_URI is not set")
        }
        return try MySQLConnection(uri: try DatabaseURI(adminURI))
    }
}
