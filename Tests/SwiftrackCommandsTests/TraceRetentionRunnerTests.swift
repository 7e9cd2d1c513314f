import Foundation
import SQL
@testable import Storage
import Testing
import TrackingCore
@testable import SwiftrackCommands

/// Trace retention passes and gc of a deleted experiment's traces, on a SQLite store with local
/// artifacts: what goes (rows and artifact folders), in how many batches, and what stays.
@Suite struct TraceRetentionRunnerTests {
    private struct Fixture {
        let folder = NSTemporaryDirectory() + "swiftrack-retention-\(UUID().uuidString)"
        var uri: String { "sqlite:///" + folder + "/mlflow.db" }
        var root: String { folder + "/root" }
        let store: SQLTrackingStore
        let locator: ArtifactLocator

        init() throws {
            try FileManager.default.createDirectory(atPath: folder + "/root", withIntermediateDirectories: true)
            let opened = try DatabaseComposition.open("sqlite:///" + folder + "/mlflow.db", poolSize: 1,
                                                      poolTimeoutSeconds: 5, readers: 1)
            store = try SQLTrackingStore(database: opened.database, defaultArtifactRoot: folder + "/root")
            locator = ArtifactLocator(factory: try ArtifactComposition.factory(environment: [:]),
                                      artifactsDestination: folder + "/proxied")
        }

        /// `count` traces in the experiment, received (as if) from `start` one millisecond apart (the
        /// server's receipt time, which no request sets, dated back in the rows), each with an
        /// artifact file under its folder.
        func traces(_ experiment: String, _ prefix: String, count: Int, start: Int64) throws {
            for i in 0..<count {
                let id = "tr-\(experiment)\(prefix)\(i)"
                let info = try store.startTrace(TraceInfo(traceId: id, experimentId: experiment, requestTime: 1, state: .ok))
                try store.database.write { connection in
                    _ = try connection.execute("UPDATE trace_info SET received_ms = ? WHERE request_id = ?",
                                               [.integer(start + Int64(i)), .text(id)])
                }
                let artifacts = try #require(info.tag(TraceKeys.artifactLocation))
                try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
                try Data("{}".utf8).write(to: URL(fileURLWithPath: artifacts + "/traces.json"))
            }
        }

        func count(_ experiment: String) throws -> Int {
            var total = 0
            var token: String?
            repeat {
                let page = try store.searchTraces(TraceSearchQuery(experimentIds: [experiment], filter: "", maxResults: 500,
                                                                   pageToken: token))
                total += page.items.count
                token = page.nextPageToken
            } while token != nil
            return total
        }

        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    @Test func aPassDeletesExpiredTracesInBoundedBatchesWithTheirArtifacts() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let hour: Int64 = 3_600_000
        let now: Int64 = 100 * hour
        let tagged = try fixture.store.createExperiment(name: "short", artifactLocation: nil,
                                                        tags: [Tag(key: TraceRetention.tag, value: "1h")])
        let plain = try fixture.store.createExperiment(name: "plain", artifactLocation: nil, tags: [])
        let typo = try fixture.store.createExperiment(name: "typo", artifactLocation: nil,
                                                      tags: [Tag(key: TraceRetention.tag, value: "1 week")])
        try fixture.traces(tagged, "old", count: 130, start: now - 2 * hour)    // older than 1 h
        try fixture.traces(tagged, "new", count: 3, start: now - hour / 2)
        try fixture.traces(plain, "old", count: 70, start: now - 30 * hour)     // older than the 1 d default
        try fixture.traces(plain, "new", count: 2, start: now - 2 * hour)
        try fixture.traces(typo, "old", count: 5, start: 0)

        let batches = Counter()
        var logged: [String] = []
        let lines = Lines()
        let runner = TraceRetentionRunner(store: fixture.store.traceRetention, locator: fixture.locator, batchSize: 20,
                                          batchesPerTarget: 3, pauseSeconds: 0, deleted: { batches.add($0) },
                                          log: { lines.append($0) })
        // A pass: at most 3 batches of 20 per target.
        #expect(try runner.runPass(defaultMillis: 24 * hour, now: now) == 60 + 60)
        #expect(try fixture.count(tagged) == 133 - 60)
        #expect(try fixture.count(plain) == 72 - 60)
        #expect(batches.values == [20, 20, 20, 20, 20, 20])
        // The next passes finish the backlog; the recent traces and the typo'd experiment's stay.
        #expect(try runner.runPass(defaultMillis: 24 * hour, now: now) == 60 + 10)
        #expect(try runner.runPass(defaultMillis: 24 * hour, now: now) == 10)
        #expect(try runner.runPass(defaultMillis: 24 * hour, now: now) == 0)
        #expect(try fixture.count(tagged) == 3)
        #expect(try fixture.count(plain) == 2)
        #expect(try fixture.count(typo) == 5)
        logged = lines.values
        #expect(logged.contains { $0.contains("experiment \(typo) keeps its traces") && $0.contains("'1 week'") })
        let oldFolder = fixture.root + "/\(tagged)/traces/tr-\(tagged)old0"
        #expect(!fixture.exists(oldFolder))
        #expect(fixture.exists(fixture.root + "/\(tagged)/traces/tr-\(tagged)new0/artifacts/traces.json"))
        #expect(!fixture.exists(fixture.root + "/\(plain)/traces/tr-\(plain)old69"))
        #expect(fixture.exists(fixture.root + "/\(typo)/traces/tr-\(typo)old0/artifacts/traces.json"))
        // Without a default only tagged experiments are looked at.
        try fixture.traces(plain, "later", count: 2, start: 0)
        #expect(try runner.runPass(defaultMillis: nil, now: now) == 0)
        #expect(try fixture.count(plain) == 4)
    }

    @Test func gcEmptiesADeletedExperimentOfItsTracesFirst() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let experiment = try fixture.store.createExperiment(name: "gone", artifactLocation: nil, tags: [])
        let kept = try fixture.store.createExperiment(name: "kept", artifactLocation: nil, tags: [])
        try fixture.traces(experiment, "a", count: 520, start: 1)
        try fixture.traces(kept, "k", count: 2, start: 1)
        try fixture.store.deleteExperiment(id: experiment)

        #expect(try GCCommand.run(["--backend-store-uri", fixture.uri, "--artifacts-destination", fixture.folder + "/proxied"],
                                  environment: [:]) == 0)
        #expect(throws: MLflowError.self) { try fixture.store.getTraceInfo(traceId: "tr-\(experiment)a0") }
        #expect(throws: MLflowError.self) { try fixture.store.getExperiment(id: experiment) }
        #expect(!fixture.exists(fixture.root + "/\(experiment)"))
        #expect(try fixture.count(kept) == 2)
        #expect(fixture.exists(fixture.root + "/\(kept)/traces/tr-\(kept)k1/artifacts/traces.json"))
    }
}

/// What a runner reported, collected from its callbacks.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Int] = []
    func add(_ value: Int) { lock.withLock { list.append(value) } }
    var values: [Int] { lock.withLock { list } }
}

private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ line: String) { lock.withLock { list.append(line) } }
    var values: [String] { lock.withLock { list } }
}
