import Foundation
import SQL
import Storage
import Testing
import TrackingCore
@testable import SwiftrackCommands

/// `swiftrack gc` end to end on a SQLite store and local artifacts: what it deletes from disk, and
/// what it leaves whole.
@Suite struct GCCommandTests {
    /// A fresh folder with the store at `mlflow.db` and experiment 1's artifacts under `root/1`.
    private struct Fixture {
        let folder = NSTemporaryDirectory() + "swiftrack-gc-\(UUID().uuidString)"
        var uri: String { "sqlite:///" + folder + "/mlflow.db" }
        var root: String { folder + "/root" }

        /// The store (as the server opens it) and its database.
        func store() throws -> (SQLTrackingStore, any SQLDatabase) {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let opened = try DatabaseComposition.open(uri, poolSize: 1, poolTimeoutSeconds: 5, readers: 1)
            return (try SQLTrackingStore(database: opened.database, defaultArtifactRoot: root), opened.database)
        }

        /// A deleted run with one artifact file at its recorded location; `location` replaces that
        /// location when given (`{id}` is the run's id).
        func deletedRun(_ store: SQLTrackingStore, _ database: any SQLDatabase, location: String? = nil) throws -> String {
            let experimentId = try store.getExperimentByName("gc")?.experimentId
                ?? store.createExperiment(name: "gc", artifactLocation: root + "/1", tags: [])
            let run = try store.createRun(CreateRunRequest(experimentId: experimentId, userId: "alice", runName: nil,
                                                           startTime: 1_000, tags: []))
            let id = run.info.runId
            try FileManager.default.createDirectory(atPath: run.info.artifactUri, withIntermediateDirectories: true)
            try Data("weights".utf8).write(to: URL(fileURLWithPath: run.info.artifactUri + "/model.bin"))
            if let location {
                let recorded = location.replacingOccurrences(of: "{id}", with: id)
                try database.write { connection in
                    _ = try connection.execute("UPDATE runs SET artifact_uri = ? WHERE run_uuid = ?",
                                               [.text(recorded), .text(id)])
                }
            }
            try store.deleteRun(id: id)
            return id
        }

        func gc(_ arguments: [String]) throws -> Int32 {
            try GCCommand.run(["--backend-store-uri", uri] + arguments, environment: [:])
        }

        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    @Test func deletesTheRunsArtifactsAndNothingBeside() throws {
        let fixture = Fixture()
        defer { fixture.remove() }
        let (store, database) = try fixture.store()
        let runId = try fixture.deletedRun(store, database)
        try Data("other".utf8).write(to: URL(fileURLWithPath: fixture.root + "/keep.txt"))

        #expect(try fixture.gc(["--run-ids", runId]) == 0)
        #expect(!fixture.exists(fixture.root + "/1/\(runId)"))
        #expect(fixture.exists(fixture.root + "/keep.txt"))
        #expect(throws: MLflowError.notFound("Run with id=\(runId) not found")) { try store.getRun(id: runId) }
    }

    /// `<root>/1/<run id>/../..` names the run, yet is `<root>`: gc deleted everything in it.
    @Test func leavesARunWhoseLocationClimbsWhole() throws {
        let fixture = Fixture()
        defer { fixture.remove() }
        let (store, database) = try fixture.store()
        let climbing = try fixture.deletedRun(store, database, location: fixture.root + "/1/{id}/../..")
        let plain = try fixture.deletedRun(store, database)
        try Data("other".utf8).write(to: URL(fileURLWithPath: fixture.root + "/keep.txt"))

        #expect(throws: CommandFailure.self) { try fixture.gc(["--run-ids", "\(climbing),\(plain)"]) }
        #expect(fixture.exists(fixture.root + "/keep.txt"))
        #expect(fixture.exists(fixture.root + "/1/\(climbing)/artifacts/model.bin"))
        #expect(try store.getRun(id: climbing).info.lifecycleStage == .deleted)
        // The other run is collected as usual.
        #expect(!fixture.exists(fixture.root + "/1/\(plain)"))
        #expect(throws: MLflowError.self) { try store.getRun(id: plain) }
    }
}
