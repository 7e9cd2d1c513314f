import Observability
import Testing
@testable import Audit

@Suite("Audit hash chain")
struct AuditChainTests {
    @Test func theFirstRecordFollowsTheGenesisValueAndEachNextTheLastHash() {
        let entries = AuditFixtures.entries(3)
        #expect(entries.map(\.sequence) == [1, 2, 3])
        #expect(entries[0].previousHash == String(repeating: "0", count: 64))
        #expect(entries[1].previousHash == entries[0].hash)
        #expect(entries[2].previousHash == entries[1].hash)
        #expect(entries.allSatisfy { $0.hash.count == 64 && $0.mode == .sha256 })
        #expect(AuditFixtures.firstProblem(entries) == nil)
    }

    @Test func theHashIsSHA256OfTheDocumentedCanonicalForm() {
        let record = AuditRecord(timeMillis: 5, requestId: "r", user: nil, roles: ["a", "bc"], authMethod: .none,
                                 method: "GET", route: "/x", resources: AuditResources(runId: "é"), clientAddress: "",
                                 status: 200, errorCode: nil, durationMicros: 7)
        let bytes = AuditChain.canonicalBytes(sequence: 1, record: record, mode: .sha256, previousHash: "p")
        let expected = "swiftrack-audit-v1\ni1;i5;s1:rnl2:s1:as2:bcs4:nones3:GETs2:/xns2:énnns0:i200;ni7;s6:sha256s1:p"
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        let chain = AuditChain(key: nil)
        let entry = chain.link(record, after: AuditChainHead(sequence: 0, hash: "p"))
        #expect(chain.expectedHash(of: entry) == entry.hash)
    }

    /// A promotion's seal digest follows the logged model id as `x` and its text; a record without
    /// one keeps the bytes above, so records written before the field existed still verify.
    @Test func aSealDigestIsHashedAfterTheLoggedModelAndOnlyWhenPresent() {
        var record = AuditRecord(timeMillis: 5, requestId: "r", user: nil, roles: [], authMethod: .none, method: "POST",
                                 route: "/x", resources: AuditResources(registeredModelName: "m", modelVersion: "1",
                                                                        sealDigest: "ab"),
                                 clientAddress: "", status: 200, errorCode: nil, durationMicros: 7)
        let bytes = AuditChain.canonicalBytes(sequence: 1, record: record, mode: .sha256, previousHash: "p")
        #expect(String(decoding: bytes, as: UTF8.self)
                == "swiftrack-audit-v1\ni1;i5;s1:rnl0:s4:nones4:POSTs2:/xnns1:ms1:1nxs2:abs0:i200;ni7;s6:sha256s1:p")
        let chain = AuditChain(key: nil)
        let sealed = chain.link(record, after: .genesis)
        record.resources.sealDigest = "ac"
        #expect(chain.expectedHash(of: AuditEntry(sequence: 1, record: record, mode: .sha256,
                                                   previousHash: sealed.previousHash, hash: sealed.hash)) != sealed.hash)
        record.resources.sealDigest = nil
        #expect(chain.link(record, after: .genesis).hash != sealed.hash)
    }

    @Test func absentAndEmptyTextHashDifferently() {
        var withEmpty = AuditFixtures.record(1)
        withEmpty.errorCode = ""
        let chain = AuditChain(key: nil)
        #expect(chain.link(withEmpty, after: .genesis).hash != chain.link(AuditFixtures.record(1), after: .genesis).hash)
    }

    @Test func anEditedFieldIsCaughtAtThatRecord() {
        var entries = AuditFixtures.entries(5)
        entries[2].record.status = 500
        #expect(AuditFixtures.firstProblem(entries)?.sequence == 3)
        #expect(AuditFixtures.firstProblem(entries)?.reason.contains("edited") == true)
    }

    @Test func anEditWithItsHashRecomputedBreaksTheNextLink() {
        var entries = AuditFixtures.entries(5)
        entries[1].record.user = "mallory"
        entries[1].hash = AuditChain(key: nil).expectedHash(of: entries[1]) ?? ""
        let problem = AuditFixtures.firstProblem(entries)
        #expect(problem?.sequence == 3)
        #expect(problem?.reason.contains("does not follow record 2") == true)
    }

    @Test func aDeletedRecordIsCaughtAsMissing() {
        var entries = AuditFixtures.entries(5)
        entries.remove(at: 1)
        let problem = AuditFixtures.firstProblem(entries)
        #expect(problem?.sequence == 2)
        #expect(problem?.reason.contains("missing") == true)
    }

    @Test func aDeletedRecordRenumberedAwayIsCaughtByTheLink() {
        var entries = AuditFixtures.entries(5)
        entries.remove(at: 1)
        for index in 1..<entries.count { entries[index].sequence -= 1 }
        #expect(AuditFixtures.firstProblem(entries, head: AuditChainHead(sequence: 4, hash: entries[3].hash))?.sequence == 2)
    }

    @Test func reorderedRecordsAreCaught() {
        var entries = AuditFixtures.entries(5)
        let (second, third) = (entries[1], entries[2])
        entries[1] = third
        entries[2] = second
        entries[1].sequence = 2
        entries[2].sequence = 3
        #expect(AuditFixtures.firstProblem(entries)?.sequence == 2)
    }

    @Test func anInsertedRecordIsCaught() {
        var entries = AuditFixtures.entries(4)
        let forged = AuditChain(key: nil).link(AuditFixtures.record(99), after: AuditChainHead(
            sequence: entries[1].sequence, hash: entries[1].hash))
        entries.insert(forged, at: 2)
        for index in 3..<entries.count { entries[index].sequence += 1 }
        #expect(AuditFixtures.firstProblem(entries)?.sequence == 4)
    }

    @Test func recordsCutFromTheEndAreCaughtByTheHead() {
        let entries = AuditFixtures.entries(5)
        let head = AuditChainHead(sequence: 5, hash: entries[4].hash)
        let problem = AuditFixtures.firstProblem(Array(entries.prefix(3)), head: head)
        #expect(problem?.sequence == 4)
        #expect(AuditFixtures.firstProblem(entries, head: AuditChainHead(sequence: 4, hash: entries[3].hash))?.sequence == 5)
    }

    @Test func aKeyedChainNeedsItsKey() {
        let keyed = AuditChain(key: Array("k".utf8) + Array(repeating: 1, count: 31))
        let entries = AuditFixtures.entries(3, chain: keyed)
        #expect(entries.allSatisfy { $0.mode == .hmacSHA256 })
        #expect(AuditFixtures.firstProblem(entries, chain: keyed) == nil)
        #expect(AuditFixtures.firstProblem(entries)?.reason.contains("--audit-key-file") == true)
        let otherKey = AuditChain(key: Array(repeating: 2, count: 32))
        #expect(AuditFixtures.firstProblem(entries, chain: otherKey)?.sequence == 1)
        #expect(keyed.keyId != otherKey.keyId)
        // Rewritten as a plain SHA-256 chain by someone without the key: refused when verified with it.
        let rewritten = AuditFixtures.entries(3)
        #expect(AuditFixtures.firstProblem(rewritten, chain: keyed)?.reason.contains("not keyed") == true)
    }

    @Test func boundedCutsEveryFieldAndSortsRoles() {
        var record = AuditFixtures.record(1)
        record.requestId = String(repeating: "x", count: 500)
        record.resources.registeredModelName = String(repeating: "m", count: 2000)
        let bounded = record.bounded()
        #expect(bounded.requestId.count == 128)
        #expect(bounded.resources.registeredModelName?.count == 512)
        #expect(bounded.roles == ["admin", "scientist"])
    }
}
