import Foundation
import Testing
@testable import Audit

@Suite("Audit checkpoints")
struct AuditCheckpointTests {
    private let keyed = AuditChain(key: AuditFixtures.key)
    private let head = AuditChainHead(sequence: 42, hash: String(repeating: "ab", count: 32))

    @Test func aCheckpointRoundTripsThroughItsFileAndIsTrustedUnderItsKey() throws {
        let checkpoint = AuditCheckpoint.make(head, chain: keyed, timeMillis: 1_765_000_000_123)
        #expect(checkpoint.mac?.count == 64)
        #expect(checkpoint.keyId == keyed.keyId)
        let text = checkpoint.json
        #expect(text.hasPrefix("{\"format\":\"swiftrack-audit-checkpoint-v1\",\"seq\":42,"))
        #expect(text.contains("\"time\":\"2025-12-06T05:46:40.123\""))
        let parsed = try AuditCheckpoint.parse(text)
        #expect(parsed == checkpoint)
        #expect(parsed.refusal(for: keyed) == nil)
    }

    @Test func aCheckpointWithAWrongMACIsRefused() throws {
        let checkpoint = AuditCheckpoint.make(head, chain: keyed, timeMillis: 5)
        var later = checkpoint
        later.sequence = 43
        #expect(later.refusal(for: keyed) == "its MAC does not match: forged or edited")
        var otherHash = checkpoint
        otherHash.hash = String(repeating: "cd", count: 32)
        #expect(otherHash.refusal(for: keyed) == "its MAC does not match: forged or edited")
        var otherTime = checkpoint
        otherTime.timeMillis = 6
        #expect(otherTime.refusal(for: keyed) == "its MAC does not match: forged or edited")
        var noMAC = checkpoint
        noMAC.mac = nil
        #expect(noMAC.refusal(for: keyed) == "its MAC does not match: forged or edited")
        let forged = AuditCheckpoint.make(head, chain: AuditChain(key: Array(repeating: 9, count: 32)), timeMillis: 5)
        #expect(forged.refusal(for: keyed)?.hasPrefix("it was signed under another key") == true)
        var forgedKeyId = forged
        forgedKeyId.keyId = keyed.keyId
        #expect(forgedKeyId.refusal(for: keyed) == "its MAC does not match: forged or edited")
        let unsigned = AuditCheckpoint.make(head, chain: AuditChain(key: nil), timeMillis: 5)
        #expect(unsigned.refusal(for: keyed) == "it is not signed although the chain is keyed: forged or edited")
        #expect(checkpoint.refusal(for: AuditChain(key: nil))?.contains("--audit-key-file") == true)
        #expect(unsigned.refusal(for: AuditChain(key: nil)) == nil)
    }

    @Test func aFileThatIsNoCheckpointIsRejected() {
        for text in ["", "[]", "{\"format\":\"other\"}", "{\"format\":\"swiftrack-audit-checkpoint-v1\",\"seq\":\"1\"}",
                     "{\"format\":\"swiftrack-audit-checkpoint-v1\",\"seq\":1,\"hash\":\"h\",\"chain\":\"md5\",\"time_ms\":1}",
                     "{\"format\":\"swiftrack-audit-checkpoint-v1\",\"seq\":1,\"hash\":\"h\",\"chain\":\"sha256\",\"time_ms\":1,\"mac\":7}"] {
            #expect(throws: (any Error).self) { try AuditCheckpoint.parse(text) }
        }
    }

    @Test func theScheduleWaitsForEnoughRecordsOrTime() {
        var schedule = AuditCheckpointSchedule(everyRecords: 10, intervalMillis: 60_000, startSequence: 100, startMillis: 0)
        // (sequence, now) -> due, in order; each due one counts as the last checkpoint.
        let steps: [(Int64, Int64)] = [(105, 1_000), (110, 2_000), (111, 61_999), (112, 62_000), (112, 500_000)]
        let answers = steps.map { schedule.due(AuditChainHead(sequence: $0.0, hash: "h"), nowMillis: $0.1) }
        // Time alone is not enough: a chain that has not grown (the last step) gets no new checkpoint.
        #expect(answers == [false, true, false, true, false])
        #expect(schedule.lastSequence == 112)
    }

    @Test func theServerCheckpointerWritesSignedFilesAndALastOneAtShutdown() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-cp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpointer = try AuditCheckpointer(
            directory: directory, chain: keyed,
            schedule: AuditCheckpointSchedule(everyRecords: 3, intervalMillis: 3_600_000, startSequence: 0, startMillis: 0),
            now: { 1_000 })
        let entries = AuditFixtures.entries(7, chain: keyed)
        for entry in entries { checkpointer.written(AuditChainHead(sequence: entry.sequence, hash: entry.hash)) }
        checkpointer.finish()
        checkpointer.finish()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == ["audit-checkpoint-000000000003.json", "audit-checkpoint-000000000006.json",
                          "audit-checkpoint-000000000007.json"])
        for (name, index) in zip(names, [2, 5, 6]) {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            let checkpoint = try AuditCheckpoint.parse(text)
            #expect(checkpoint.refusal(for: keyed) == nil)
            #expect(checkpoint.hash == entries[index].hash)
        }
    }
}
