import Foundation
@testable import SQL
@testable import PostgreSQLEngine
@testable import MySQLEngine
import Testing
@testable import Storage
import TrackingCore

/// TLS to the database: the URI's options reach the driver. The test servers (scripts/db/*) serve
/// TLS with a self-signed certificate for 127.0.0.1, copied to DIR/ca.crt.
@Suite("Database TLS")
struct DatabaseTLSTests {
    private static func directory(_ variable: String) -> String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A certificate no test server uses, to show verification really happens.
    private static func strangerCertificate() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("st-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-keyout", directory.appendingPathComponent("k.pem").path,
                             "-out", directory.appendingPathComponent("c.pem").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return directory.appendingPathComponent("c.pem").path
    }

    @Test(.enabled(if: PostgresTestServer.adminURI != nil && directory("SWIFTRACK_TEST_POSTGRES_DIR") != nil))
    func postgresVerifiesTheServerCertificate() throws {
        let ca = try #require(Self.directory("SWIFTRACK_TEST_POSTGRES_DIR")) + "/ca.crt"
        var uri = try PostgresTestServer.freshDatabase()
        uri.options = [("sslmode", "verify-full"), ("sslrootcert", ca)]
        let connection = try PostgresConnection(uri: uri)
        let ssl = try connection.queryFirst("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") { $0.int64(0) }
        #expect(ssl == 1)
        uri.options = [("sslmode", "verify-full"), ("sslrootcert", try Self.strangerCertificate())]
        #expect(throws: SQLConnectionFailure.self) { _ = try PostgresConnection(uri: uri) }
        uri.options = [("sslmode", "disable")]
        let plain = try PostgresConnection(uri: uri)
        #expect(try plain.queryFirst("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") { $0.int64(0) } == 0)
    }

    @Test(.enabled(if: MySQLTestServer.adminURI != nil && directory("SWIFTRACK_TEST_MYSQL_DIR") != nil))
    func mysqlVerifiesTheServerCertificate() throws {
        let ca = try #require(Self.directory("SWIFTRACK_TEST_MYSQL_DIR")) + "/ca.crt"
        var uri = try MySQLTestServer.freshDatabase()
        uri.options = [("ssl_mode", "verify_identity"), ("ssl_ca", ca)]
        let connection = try MySQLConnection(uri: uri)
        let version = try connection.queryFirst("SHOW SESSION STATUS LIKE 'Ssl_version'") { $0.string(1) }
        #expect(version?.hasPrefix("TLSv1.") == true)
        uri.options = [("ssl_mode", "verify_identity"), ("ssl_ca", try Self.strangerCertificate())]
        #expect(throws: SQLConnectionFailure.self) { _ = try MySQLConnection(uri: uri) }
    }
}
