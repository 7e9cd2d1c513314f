@testable import Audit
import Dispatch
@testable import SQL
import Synchronization
import Observability
import Testing
@testable import Storage

/// The audit store on every engine: the chain continues across batches and stores, reads back
/// verbatim, filters by time, and refuses a chain written in another mode.
@Suite("SQL audit store")
struct SQLAuditStoreTests {
    private func record(_ index: Int, status: Int = 200) -> AuditRecord {
        AuditRecord(timeMillis: 1_000 + Int64(index), requestId: "req-\(index)", user: index % 2 == 0 ? "bob" : nil,
                    roles: index % 2 == 0 ? ["admin", "viewer"] : [], authMethod: index % 2 == 0 ? .basic : .none,
                    method: "POST", route: "/api/2.0/mlflow/registered-models/create",
                    resources: AuditResources(experimentId: "1", runId: nil, registeredModelName: "mödel \(index)",
                                              modelVersion: "3", loggedModelId: nil,
                                              sealDigest: index % 3 == 0 ? String(repeating: "5", count: 64) : nil),
                    clientAddress: "::1", status: status, errorCode: status >= 400 ? "RESOURCE_ALREADY_EXISTS" : nil,
                    durationMicros: 99)
    }

    private func verify(_ store: SQLAuditStore, checkpoints: [AuditCheckpoint] = []) throws -> AuditChainProblem? {
        var verifier = AuditChainVerifier(chain: store.chain, checkpoints: checkpoints.map {
            AuditCheckpointClaim(source: "kept-elsewhere.json", checkpoint: $0)
        })
        for entry in try store.entries(after: 0, limit: 10_000) {
            if let problem = verifier.check(entry) { return problem }
        }
        return verifier.finish(head: try store.storedHead())
    }

    private static let key = Array(repeating: UInt8(7), count: 32)

    /// What someone with write access to the audit database does: cuts the newest records and
    /// moves the head back to the last one left, in plain SQL (the seal column left as it was).
    private func cut(_ database: any SQLDatabase, after sequence: Int64, headHash: String) throws {
        try database.write { connection in
            try connection.execute("DELETE FROM audit_records WHERE seq > \(sequence)")
            try connection.execute("UPDATE audit_chain_head SET seq = \(sequence), hash = '\(headHash)' WHERE id = 1")
        }
    }

    @Test(arguments: TestEngine.all)
    func batchesChainOnAndReadBackVerbatim(engine: TestEngine) throws {
        let database = try engine.makeDatabase(poolSize: 2)
        let store = try SQLAuditStore(database: database, chain: AuditChain(key: nil))
        #expect(try store.head() == .genesis)
        try store.append((1...40).map { record($0) })
        let head = try store.append([record(41, status: 409)])
        #expect(head.sequence == 41)
        let entries = try store.entries(after: 0, limit: 100)
        #expect(entries.map(\.sequence) == Array(1...41))
        #expect(entries.map(\.record) == (1...40).map { record($0).bounded() } + [record(41, status: 409).bounded()])
        #expect(try verify(store) == nil)
        // A second store on the same database continues the chain.
        let again = try SQLAuditStore(database: database, chain: AuditChain(key: nil))
        try again.checkAppendable()
        try again.append([record(42)])
        #expect(try verify(again) == nil)
        #expect(try store.entries(after: 40, limit: 1).map(\.sequence) == [41])
        #expect(try store.entries(after: 0, limit: 100, sinceMillis: 1_010, untilMillis: 1_012).map(\.sequence) == [10, 11])
    }

    @Test(arguments: TestEngine.all)
    func anEditInTheDatabaseIsCaught(engine: TestEngine) throws {
        let database = try engine.makeDatabase(poolSize: 2)
        let store = try SQLAuditStore(database: database, chain: AuditChain(key: nil))
        try store.append((1...5).map { record($0) })
        try database.write { try $0.execute("UPDATE audit_records SET status = 200 WHERE seq = 3 AND status = 200") }
        #expect(try verify(store) == nil)
        try database.write { try $0.execute("UPDATE audit_records SET user_name = 'eve' WHERE seq = 3") }
        #expect(try verify(store)?.sequence == 3)
        try database.write { try $0.execute("DELETE FROM audit_records WHERE seq = 2") }
        #expect(try verify(store)?.sequence == 2)
    }

    @Test(arguments: TestEngine.all)
    func aChainIsContinuedOnlyInItsOwnModeAndKey(engine: TestEngine) throws {
        let database = try engine.makeDatabase(poolSize: 2)
        let key = Array(repeating: UInt8(7), count: 32)
        let keyed = try SQLAuditStore(database: database, chain: AuditChain(key: key))
        try keyed.append([record(1)])
        #expect(try verify(keyed) == nil)
        #expect(throws: (any Error).self) { try SQLAuditStore(database: database, chain: AuditChain(key: nil)).checkAppendable() }
        #expect(throws: (any Error).self) {
            try SQLAuditStore(database: database, chain: AuditChain(key: Array(repeating: 8, count: 32))).checkAppendable()
        }
        try SQLAuditStore(database: database, chain: AuditChain(key: key)).checkAppendable()
    }

    @Test(arguments: TestEngine.all)
    func aKeyedChainCutWithItsHeadMovedBackFailsVerifyAndIsNotExtended(engine: TestEngine) throws {
        let database = try engine.makeDatabase(poolSize: 2)
        let store = try SQLAuditStore(database: database, chain: AuditChain(key: Self.key))
        let early = try store.append((1...3).map { record($0) })
        let earlySeal = try store.storedHead().seal
        let late = try store.append((4...6).map { record($0) })
        #expect(try verify(store) == nil)
        let checkpoint = AuditCheckpoint.make(late, chain: store.chain, timeMillis: 1_765_000_000_000)

        try cut(database, after: 3, headHash: early.hash)
        #expect(try store.entries(after: 0, limit: 100).map(\.sequence) == [1, 2, 3])
        let problem = try verify(store)
        #expect(problem?.reason.contains("does not carry its seal") == true)
        // The server neither starts on it nor buries the cut under new records.
        #expect(throws: (any Error).self) { try store.checkAppendable() }
        #expect(throws: (any Error).self) { try store.append([record(7)]) }
        #expect(try store.head() == early)

        // With the seal put back from a copy of the head row taken at record 3, only the checkpoint tells.
        try database.write { try $0.execute("UPDATE audit_chain_head SET head_mac = ? WHERE id = 1", [.text(earlySeal ?? "")]) }
        #expect(try verify(store) == nil)
        let truncated = try verify(store, checkpoints: [checkpoint])
        #expect(truncated?.sequence == 4)
        #expect(truncated?.reason.contains("the log ends at record 3 but checkpoint kept-elsewhere.json") == true)
        #expect(truncated?.reason.contains("says record 6 was written") == true)
    }

    @Test(arguments: TestEngine.all)
    func aPlainChainCutWithItsHeadMovedBackIsCaughtByACheckpointOnly(engine: TestEngine) throws {
        let database = try engine.makeDatabase(poolSize: 2)
        let store = try SQLAuditStore(database: database, chain: AuditChain(key: nil))
        let early = try store.append((1...4).map { record($0) })
        let late = try store.append((5...8).map { record($0) })
        #expect(try store.storedHead().seal == nil)
        let checkpoint = AuditCheckpoint.make(late, chain: store.chain, timeMillis: 0)
        try cut(database, after: 4, headHash: early.hash)
        #expect(try verify(store) == nil)
        #expect(try verify(store, checkpoints: [checkpoint])?.reason.hasPrefix("truncated: the log ends at record 4") == true)
        // Then new records over the cut: still caught, as a rewrite of record 8.
        try store.append((9...12).map { record($0) })
        #expect(try verify(store, checkpoints: [checkpoint])?.reason.contains("record 8 is not the record") == true)
    }

    @Test(arguments: TestEngine.all)
    func aKeyedHeadWithoutASealIsSealedOnceAtStartAndSaidSo(engine: TestEngine) throws {
        let database = try engine.makeDatabase(poolSize: 2)
        let store = try SQLAuditStore(database: database, chain: AuditChain(key: Self.key))
        try store.append((1...2).map { record($0) })
        #expect(try store.checkAppendable() == nil)
        // As a swiftrack without seals leaves it.
        try database.write { try $0.execute("UPDATE audit_chain_head SET head_mac = NULL WHERE id = 1") }
        #expect(try verify(store)?.reason.contains("carries no seal") == true)
        let notice = try store.checkAppendable()
        #expect(notice?.contains("carried no seal: sealed it now") == true)
        #expect(try verify(store) == nil)
        #expect(try store.checkAppendable() == nil)
        try store.append([record(3)])
        #expect(try verify(store) == nil)
    }

    @Test(arguments: TestEngine.all)
    func aVersionOneAuditDatabaseGetsTheSealColumnsInPlace(engine: TestEngine) throws {
        let database = try engine.makeDatabase(poolSize: 2)
        try database.migrate(Array(AuditSchema.migrations.prefix(1)), versionTable: AuditSchema.versionTable)
        #expect(try database.schemaVersions(versionTable: AuditSchema.versionTable) == [1])
        let store = try SQLAuditStore(database: database, chain: AuditChain(key: nil))
        #expect(try database.schemaVersions(versionTable: AuditSchema.versionTable) == [1, 2, 3])
        try store.append([record(1)])
        #expect(try verify(store) == nil)
    }

    /// Records written before the seal digest column (version 2) still verify after the upgrade, beside
    /// new ones that carry a digest.
    @Test(arguments: TestEngine.all)
    func recordsWrittenBeforeTheSealDigestStillVerify(engine: TestEngine) throws {
        let database = try engine.makeDatabase(poolSize: 2)
        try database.migrate(Array(AuditSchema.migrations.prefix(2)), versionTable: AuditSchema.versionTable)
        let chain = AuditChain(key: nil)
        // Two records as a version-2 server wrote them: the columns it knew, the hash over its form.
        var head = AuditChainHead.genesis
        for index in 1...2 {
            var old = record(index)
            old.resources.sealDigest = nil
            let entry = chain.link(old.bounded(), after: head)
            let values = AuditRow.bindings(entry).dropLast()
            try database.write { connection in
                try connection.execute("INSERT INTO audit_records (\(AuditSchema.columns.dropLast().joined(separator: ", "))) "
                                       + "VALUES (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))",
                                       Array(values))
                try connection.execute("UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1",
                                       [.integer(entry.sequence), .text(entry.hash)])
            }
            head = AuditChainHead(sequence: entry.sequence, hash: entry.hash)
        }
        let store = try SQLAuditStore(database: database, chain: chain)
        try store.append([record(3)])
        let entries = try store.entries(after: 0, limit: 10)
        #expect(entries.map { $0.record.resources.sealDigest } == [nil, nil, String(repeating: "5", count: 64)])
        #expect(try verify(store) == nil)
    }

    @Test(arguments: TestEngine.all)
    func writersOnSeveralConnectionsBuildOneSealedChain(engine: TestEngine) throws {
        // As replicas do: each batch re-checks and re-seals the head under its row lock.
        let database = try engine.makeDatabase(poolSize: 4)
        let stores = try (0..<2).map { _ in try SQLAuditStore(database: database, chain: AuditChain(key: Self.key)) }
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for batch in 0..<10 {
                do {
                    try stores[worker % 2].append((0..<3).map { record(1_000 * worker + 10 * batch + $0) })
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(try stores[0].head().sequence == 120)
        #expect(try verify(stores[1]) == nil)
    }

    @Test(arguments: TestEngine.all)
    func aHeadLeftUnsealedByAnOlderSwiftrackIsSealedAgainOnlyAsItStands(engine: TestEngine) throws {
        let database = try engine.makeDatabase(poolSize: 2)
        let store = try SQLAuditStore(database: database, chain: AuditChain(key: Self.key))
        try store.append((1...3).map { record($0) })
        let staleSeal = try store.storedHead().seal
        let head = try store.append((4...5).map { record($0) })
        // An older swiftrack moved the head from 3 to 5 and left record 3's seal.
        try database.write { try $0.execute("UPDATE audit_chain_head SET head_mac = ? WHERE id = 1", [.text(staleSeal ?? "")]) }
        #expect(try verify(store)?.reason.contains("does not carry its seal") == true)
        #expect(try store.reseal(AuditChainHead(sequence: 3, hash: head.hash)) == false)
        #expect(try verify(store) != nil)
        #expect(try store.reseal(head) == true)
        #expect(try verify(store) == nil)
        try store.append([record(6)])
        #expect(try verify(store) == nil)
    }
}
