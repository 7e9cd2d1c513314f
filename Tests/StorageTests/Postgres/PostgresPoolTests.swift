import Dispatch
import Foundation
@testable import PostgreSQLEngine
import Testing
@testable import Storage
import TrackingCore

/// `PostgresDatabase`: the pool's limits and its recovery from lost connections.
@Suite("PostgreSQL pool", .enabled(if: PostgresTestServer.adminURI != nil))
struct PostgresPoolTests {
    @Test func exhaustedPoolIsTemporarilyUnavailable() throws {
        let database = try PostgresDatabase.open(uri: try PostgresTestServer.freshDatabase(),
                                                 poolSize: 2, poolTimeout: .milliseconds(200))
        let acquired = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for _ in 0..<2 {
            onOwnThread(finished) {
                _ = try? database.withConnection { connection in
                    acquired.signal()
                    release.wait()
                    return try connection.queryFirst("SELECT 1") { $0.int64(0) }
                }
            }
        }
        acquired.wait()
        acquired.wait()
        let error = #expect(throws: MLflowError.self) { try database.withConnection { _ in 0 } }
        #expect(error?.code == .temporarilyUnavailable)
        release.signal()
        release.signal()
        finished.wait()
        #expect(try database.read { try $0.queryFirst("SELECT 1") { $0.int64(0) } } == 1)
    }

    @Test func writeRecoversAfterPooledConnectionIsTerminated() throws {
        let uri = try PostgresTestServer.freshDatabase()
        let database = try PostgresDatabase.open(uri: uri, poolSize: 2, poolTimeout: .seconds(2))
        try database.write { try $0.executeScript("CREATE TABLE t (n BIGINT)") }
        let admin = try PostgresConnection(uri: uri)
        let pids = try admin.query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") { $0.int64(0) }
        #expect(pids.count == 1)
        try PostgresTestServer.terminate(pids: pids, using: admin)
        try database.write { try $0.execute("INSERT INTO t VALUES (?)", [.integer(1)]) }
        #expect(try database.read { try $0.query("SELECT n FROM t") { $0.int64(0) } } == [1])
    }

    @Test func writeRecoversAfterAllPooledConnectionsAreTerminated() throws {
        let uri = try PostgresTestServer.freshDatabase()
        let database = try PostgresDatabase.open(uri: uri, poolSize: 3, poolTimeout: .seconds(2))
        try database.write { try $0.executeScript("CREATE TABLE t (n BIGINT)") }
        // Three connections in the pool at once, then all three idle: a database restart in small.
        let inside = DispatchGroup()
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for _ in 0..<3 {
            inside.enter()
            onOwnThread(finished) {
                _ = try? database.read { connection in
                    inside.leave()
                    release.wait()
                    return try connection.queryFirst("SELECT 1") { $0.int64(0) }
                }
            }
        }
        inside.wait()
        for _ in 0..<3 { release.signal() }
        finished.wait()
        let admin = try PostgresConnection(uri: uri)
        let pids = try admin.query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") { $0.int64(0) }
        #expect(pids.count == 3)
        try PostgresTestServer.terminate(pids: pids, using: admin)
        // The first write meets a dead connection, drops every idle one and succeeds on a fresh one.
        try database.write { try $0.execute("INSERT INTO t VALUES (?)", [.integer(1)]) }
        try database.write { try $0.execute("INSERT INTO t VALUES (?)", [.integer(2)]) }
        #expect(try database.read { try $0.query("SELECT n FROM t ORDER BY n") { $0.int64(0) } } == [1, 2])
    }


    /// Runs `body` on a new thread (not a GCD worker: blocked workers are replaced only slowly).
    private func onOwnThread(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        Thread.detachNewThread {
            body()
            group.leave()
        }
    }

}
