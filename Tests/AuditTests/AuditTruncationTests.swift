import Testing
@testable import Audit

/// Records cut from the end with the head moved back to match (issue 20, hole 11): a keyed
/// head's seal catches it, a checkpoint kept elsewhere catches it on any chain.
@Suite("Audit chain truncation")
struct AuditTruncationTests {
    private let keyed = AuditChain(key: AuditFixtures.key)

    private func head(_ entry: AuditEntry) -> AuditChainHead { AuditChainHead(sequence: entry.sequence, hash: entry.hash) }

    @Test func aKeyedHeadMovedBackWithoutTheKeyFailsItsSeal() {
        let entries = AuditFixtures.entries(5, chain: keyed)
        #expect(AuditFixtures.firstProblem(entries, chain: keyed) == nil)
        let cut = Array(entries.prefix(3))
        // The head row moved to record 3 by plain SQL: its seal is still record 5's.
        let stale = keyed.seal(head(entries[4]))
        let moved = AuditFixtures.firstProblem(cut, chain: keyed, head: head(entries[2]), seal: stale)
        #expect(moved?.sequence == 3)
        #expect(moved?.reason.contains("does not carry its seal") == true)
        // Its hash copied from record 3 as the seal: a record's HMAC is not the head's seal.
        let copied = AuditFixtures.firstProblem(cut, chain: keyed, head: head(entries[2]), seal: entries[2].hash)
        #expect(copied?.reason.contains("does not carry its seal") == true)
        let dropped = AuditFixtures.firstProblem(cut, chain: keyed, head: head(entries[2]), seal: .some(nil))
        #expect(dropped?.reason.contains("carries no seal") == true)
    }

    @Test func aHeadPutBackFromAnEarlierCopyNeedsACheckpoint() {
        let entries = AuditFixtures.entries(5, chain: keyed)
        let cut = Array(entries.prefix(3))
        // The head row as it was at record 3 (a backup): its seal is genuine, the seal cannot tell.
        #expect(AuditFixtures.firstProblem(cut, chain: keyed, head: head(entries[2])) == nil)
        let checkpoint = AuditCheckpoint.make(head(entries[4]), chain: keyed, timeMillis: 1_700_000_000_000)
        let problem = AuditFixtures.firstProblem(cut, chain: keyed, head: head(entries[2]), checkpoints: [checkpoint])
        #expect(problem?.sequence == 4)
        #expect(problem?.reason.hasPrefix("truncated: the log ends at record 3 but checkpoint cp0 (made 2023-11-14T22:13:20.000) "
                                          + "says record 5 was written: records 4...5 were cut from the end") == true)
    }

    @Test func aPlainChainCutWithItsHeadIsCaughtOnlyByACheckpoint() {
        let plain = AuditChain(key: nil)
        let entries = AuditFixtures.entries(6)
        let cut = Array(entries.prefix(4))
        #expect(AuditFixtures.firstProblem(cut, head: head(entries[3])) == nil)
        let checkpoint = AuditCheckpoint.make(head(entries[5]), chain: plain, timeMillis: 0)
        #expect(checkpoint.mac == nil)
        let problem = AuditFixtures.firstProblem(cut, head: head(entries[3]), checkpoints: [checkpoint])
        #expect(problem?.reason.contains("the log ends at record 4") == true)
        #expect(problem?.reason.contains("says record 6 was written") == true)
        // A checkpoint of a record still there passes; so does one of the genesis.
        let older = AuditCheckpoint.make(head(entries[1]), chain: plain, timeMillis: 0)
        #expect(AuditFixtures.firstProblem(cut, head: head(entries[3]), checkpoints: [older, .make(.genesis, chain: plain, timeMillis: 0)]) == nil)
    }

    @Test func aPlainChainRewrittenAndRehashedIsCaughtByACheckpoint() {
        let plain = AuditChain(key: nil)
        let entries = AuditFixtures.entries(5)
        let checkpoint = AuditCheckpoint.make(head(entries[3]), chain: plain, timeMillis: 0)
        // Record 2 edited and every hash from it on recomputed: a valid chain, but not the one checkpointed.
        var records = entries.map(\.record)
        records[1].user = "mallory"
        var rewritten: [AuditEntry] = []
        var previous = AuditChainHead.genesis
        for record in records {
            let entry = plain.link(record, after: previous)
            rewritten.append(entry)
            previous = head(entry)
        }
        #expect(AuditFixtures.firstProblem(rewritten) == nil)
        let problem = AuditFixtures.firstProblem(rewritten, checkpoints: [checkpoint])
        #expect(problem?.sequence == 4)
        #expect(problem?.reason.contains("record 4 is not the record checkpoint cp0") == true)
        #expect(problem?.reason.contains("rewritten") == true)
    }

    @Test func everyCheckpointIsCheckedAndCounted() {
        let entries = AuditFixtures.entries(5, chain: keyed)
        let claims = [1, 3, 3, 5].map {
            AuditCheckpointClaim(source: "f\($0)", checkpoint: .make(head(entries[$0 - 1]), chain: keyed, timeMillis: 9))
        }
        var verifier = AuditChainVerifier(chain: keyed, checkpoints: claims)
        for entry in entries { #expect(verifier.check(entry) == nil) }
        #expect(verifier.finish(head: AuditStoredHead(head: head(entries[4]), seal: keyed.seal(head(entries[4])))) == nil)
        #expect(verifier.checkpointsMatched == 4)
    }

    @Test func anEmptiedLogLooksNewUnlessACheckpointSaysOtherwise() {
        let entries = AuditFixtures.entries(2, chain: keyed)
        // No records and the genesis head with no seal: what a new database holds.
        #expect(AuditFixtures.firstProblem([], chain: keyed, seal: .some(nil)) == nil)
        let checkpoint = AuditCheckpoint.make(head(entries[1]), chain: keyed, timeMillis: 0)
        let problem = AuditFixtures.firstProblem([], chain: keyed, seal: .some(nil), checkpoints: [checkpoint])
        #expect(problem?.sequence == 1)
        #expect(problem?.reason.contains("the log ends at record 0 but checkpoint cp0") == true)
        #expect(problem?.reason.contains("records 1...2 were cut from the end") == true)
    }
}
