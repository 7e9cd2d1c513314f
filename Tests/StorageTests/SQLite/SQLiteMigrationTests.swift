import Foundation
@testable import SQL
@testable import SQLiteEngine
import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("SQLite database: migrations and pool")
struct SQLiteMigrationTests {
    @Test func migrateIsIdempotentAndRecordsVersions() throws {
        let database = try SQLiteDatabase.temporary()
        let versions = TrackingMigrations.all.map(\.version)
        // Increasing from 1, each once; not always 1...count: a number may be left for a change landing apart.
        #expect(versions.first == 1 && versions == versions.sorted() && Set(versions).count == versions.count)
        #expect(try database.migrate() == versions)
        #expect(try database.migrate() == [])
        #expect(try database.schemaVersions() == versions)
        // Opening a store again keeps the one Default experiment.
        _ = try SQLTrackingStore(database: database, defaultArtifactRoot: "/a")
        let store = try SQLTrackingStore(database: database, defaultArtifactRoot: "/b")
        #expect(try store.getExperiment(id: "0").artifactLocation == "/a/0")
        let count = try database.read { try $0.query("SELECT COUNT(*) FROM experiments") { $0.int64(0) }.first }
        #expect(count == 1)
    }

    @Test func laterMigrationsApplyInOrderAndFailuresRollBack() throws {
        let database = try SQLiteDatabase.temporary()
        // The registered versions, not 1...latest: a number may be left for a change landing apart.
        let latest = TrackingMigrations.latest
        let extra = TrackingMigrations.all
            + [Migration(version: latest + 1, statements: ["CREATE TABLE extra (id INTEGER)"])]
        #expect(try database.migrate(extra) == extra.map(\.version))
        let broken = extra + [Migration(version: latest + 2, statements: ["CREATE TABLE more (id INTEGER)", "NOT SQL"])]
        #expect(throws: MLflowError.self) { try database.migrate(broken) }
        #expect(try database.schemaVersions() == extra.map(\.version))
        // The failed migration's first statement was rolled back with it.
        let tables = try database.read {
            try $0.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'more'") { $0.string(0) }
        }
        #expect(tables.isEmpty)
    }

    @Test func upgradesADatabaseAtVersionOneToTheStartTimeIndex() throws {
        let database = try SQLiteDatabase.temporary()
        #expect(try database.migrate(Array(TrackingMigrations.all.prefix(1))) == [1])
        #expect(try database.migrate() == Array(TrackingMigrations.all.map(\.version).dropFirst()))
        let indexes = try database.read {
            try $0.query("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'index_runs_start_time'") {
                $0.string(0)
            }
        }
        #expect(indexes == ["index_runs_start_time"])
    }

    /// Migration 8 rebuilds metrics, latest_metrics and params as WITHOUT ROWID tables: a
    /// database written at version 7 reads back the same rows through the store afterwards, and
    /// the rebuilt tables keep their indexes and foreign keys.
    @Test func theWithoutRowidRebuildKeepsEveryRow() throws {
        let database = try SQLiteDatabase.temporary()
        #expect(try database.migrate(Array(TrackingMigrations.all.prefix(7))) == Array(1...7))
        try database.write { connection in
            try connection.execute("INSERT INTO experiments (experiment_id, name) VALUES (5, 'old')")
            try connection.execute(
                "INSERT INTO runs (run_uuid, experiment_id, status, start_time) VALUES ('r1', 5, 'FINISHED', 1)")
            for step in 0..<3 {
                try connection.execute(
                    "INSERT INTO metrics (run_uuid, key, value, timestamp, step, is_nan) VALUES ('r1', 'loss', ?, ?, ?, 0)",
                    [.real(1.0 / Double(step + 1)), .integer(Int64(100 + step)), .integer(Int64(step))])
            }
            try connection.execute(
                "INSERT INTO metrics (run_uuid, key, value, timestamp, step, is_nan) VALUES ('r1', 'loss', 0, 200, 3, 1)")
            try connection.execute(
                "INSERT INTO latest_metrics (run_uuid, key, value, timestamp, step, is_nan) VALUES ('r1', 'loss', 0, 200, 3, 1)")
            try connection.execute("INSERT INTO params (run_uuid, key, value) VALUES ('r1', 'lr', '0.1'), ('r1', 'depth', '7')")
        }
        #expect(try database.migrate() == TrackingMigrations.all.map(\.version).filter { $0 >= 8 })

        let store = try SQLTrackingStore(database: database, defaultArtifactRoot: "/r")
        let run = try store.getRun(id: "r1")
        #expect(run.params == [Param(key: "depth", value: "7"), Param(key: "lr", value: "0.1")])
        #expect(run.metrics.count == 1)
        #expect(run.metrics.first?.value.isNaN == true)
        let history = try store.getMetricHistory(runId: "r1", key: "loss", maxResults: nil, pageToken: nil).items
        #expect(history.map(\.step) == [0, 1, 2, 3])
        #expect(history.prefix(3).map(\.value) == [1.0, 0.5, 1.0 / 3.0])

        let layout = try database.read { connection in
            try connection.query(
                "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND name IN ('metrics', 'latest_metrics', 'params', 'tags') ORDER BY name"
            ) { "\($0.string(0)) \($0.int64(1))" }
        }
        #expect(layout == ["latest_metrics 1", "metrics 1", "params 1", "tags 0"])
        // The foreign keys came along: a param of an unknown run is still refused.
        #expect(throws: SQLConstraintViolation.self) {
            try database.write { try $0.execute("INSERT INTO params (run_uuid, key, value) VALUES ('nobody', 'k', 'v')") }
        }
    }

    @Test func newerDatabaseIsRefused() throws {
        let database = try SQLiteDatabase.temporary()
        try database.migrate()
        try database.write { try $0.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)") }
        let error = #expect(throws: MLflowError.self) { try database.migrate() }
        #expect(error?.message.contains("version 99") == true)
        #expect(throws: MLflowError.self) {
            _ = try MigrationPlan.pending(applied: [], registered: [Migration(version: 2, statements: []),
                                                                   Migration(version: 1, statements: [])])
        }
    }

    @Test func createsParentDirectoriesAndReopens() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrack-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("a/b/tracking.db").path
        do {
            let store = try SQLTrackingStore(database: try SQLiteDatabase(path: path), defaultArtifactRoot: "/r")
            _ = try store.createExperiment(name: "persisted", artifactLocation: nil, tags: [])
        }
        let reopened = try SQLTrackingStore(database: try SQLiteDatabase(path: path), defaultArtifactRoot: "/r")
        #expect(try reopened.getExperimentByName("persisted")?.experimentId == "1")
        let mode = try reopened.database.read { try $0.query("PRAGMA journal_mode") { $0.string(0) }.first }
        #expect(mode == "wal")
        let foreignKeys = try reopened.database.read { try $0.query("PRAGMA foreign_keys") { $0.int64(0) }.first }
        #expect(foreignKeys == 1)
        for mapped in [try reopened.database.read { try $0.query("PRAGMA mmap_size") { $0.int64(0) }.first },
                       try reopened.database.write { try $0.query("PRAGMA mmap_size") { $0.int64(0) }.first }] {
            #expect(mapped == Int64(SQLiteConnection.memoryMapBytes))
        }
    }

    @Test func memoryPathIsSharedByAllConnections() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        #expect(database.path != ":memory:")
        let store = try SQLTrackingStore(database: database, defaultArtifactRoot: "/r")
        let id = try store.createExperiment(name: "shared", artifactLocation: nil, tags: [])
        #expect(try store.getExperiment(id: id).name == "shared")
    }

    @Test func readersAreQueryOnlyAndConstraintsAreTyped() throws {
        let database = try SQLiteDatabase.temporary()
        try database.migrate()
        #expect(throws: MLflowError.self) {
            try database.read { try $0.execute("CREATE TABLE nope (id INTEGER)") }
        }
        #expect(throws: SQLConstraintViolation.self) {
            try database.write { try $0.execute("INSERT INTO runs (run_uuid, experiment_id, status) VALUES ('r', 12345, 'RUNNING')") }
        }
    }
}
