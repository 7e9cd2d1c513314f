import Audit
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
                                              modelVersion: "3", loggedModelId: nil),
                    clientAddress: "::1", status: status, errorCode: status >= 400 ? "RESOURCE_ALREADY_EXISTS" : nil,
                    durationMicros: 99)
    }

    private func verify(_ store: SQLAuditStore) throws -> AuditChainProblem? {
        var verifier = AuditChainVerifier(chain: store.chain)
        for entry in try store.entries(after: 0, limit: 10_000) {
            if let problem = verifier.check(entry) { return problem }
        }
        return verifier.finish(head: try store.head())
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
}
