import Foundation
@testable import SQLiteEngine
import Synchronization
import Testing
@testable import Storage
import TrackingCore

@Suite("SQLite: online backup")
struct SQLiteBackupTests {
    @Test func copyWhileAWriterCommitsIsOneSnapshot() throws {
        let store = try makeSQLiteStore()
        let database = try #require(store.database as? SQLiteDatabase)
        let run = try makeRun(store)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let committed = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let writer = Thread {
            var step: Int64 = 0
            while !stop.load(ordering: .relaxed) {
                do {
                    try store.logBatch(runId: run.info.runId, metrics: [Metric(key: "m", value: Double(step), timestamp: 1, step: step)],
                                       params: [], tags: [])
                } catch { return }
                step += 1
                committed.store(Int(step), ordering: .relaxed)
            }
        }
        writer.start()
        while committed.load(ordering: .relaxed) < 200 { usleep(1_000) }
        let before = committed.load(ordering: .relaxed)
        let summary = try SQLiteBackup.copy(from: database.path, to: directory + "/copy.db")
        let after = committed.load(ordering: .relaxed)
        while committed.load(ordering: .relaxed) < after + 100 { usleep(1_000) }
        stop.store(true, ordering: .relaxed)
        #expect(summary.schemaVersion == TrackingMigrations.latest)
        #expect(summary.bytes > 0)
        #expect(!FileManager.default.fileExists(atPath: directory + "/copy.db-wal"))

        let copy = try SQLTrackingStore(database: try SQLiteDatabase(path: directory + "/copy.db"), defaultArtifactRoot: "/tmp")
        let steps = try copy.getMetricHistory(runId: run.info.runId, key: "m", maxResults: nil, pageToken: nil).items.map(\.step)
        #expect(steps.count >= before && steps.count <= after)
        #expect(steps.sorted() == (0..<Int64(steps.count)).map { $0 })
        #expect(try copy.getRun(id: run.info.runId).metrics.first?.step == Int64(steps.count - 1))
        // The original kept every write.
        #expect(try store.getMetricHistory(runId: run.info.runId, key: "m", maxResults: nil, pageToken: nil).items.count
            >= after + 100)
    }

    @Test func refusesAnExistingDestinationAndAMissingSource() throws {
        let store = try makeSQLiteStore()
        let database = try #require(store.database as? SQLiteDatabase)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try SQLiteBackup.copy(from: database.path, to: directory + "/a.db")
        #expect(throws: MLflowError.alreadyExists("\(directory)/a.db already exists")) {
            try SQLiteBackup.copy(from: database.path, to: directory + "/a.db")
        }
        #expect(try SQLiteBackup.copy(from: database.path, to: directory + "/a.db", replacing: true).schemaVersion
            == TrackingMigrations.latest)
        #expect(throws: MLflowError.notFound("The database \(directory)/missing.db does not exist")) {
            try SQLiteBackup.copy(from: directory + "/missing.db", to: directory + "/b.db")
        }
        FileManager.default.createFile(atPath: directory + "/junk.db", contents: Data("not a database at all".utf8))
        #expect(throws: MLflowError.self) { try SQLiteBackup.inspect(directory + "/junk.db") }
    }
}
