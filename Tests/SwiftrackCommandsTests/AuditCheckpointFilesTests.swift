import Audit
import Foundation
import Testing
@testable import SwiftrackCommands

/// `audit verify --checkpoint`: repeatable paths split from the other arguments, and every file
/// named loaded, or the command stopped (a skipped checkpoint would hide the cut it reveals).
@Suite struct AuditCheckpointFilesTests {
    private let folder = NSTemporaryDirectory() + "swiftrack-checkpoints-\(UUID().uuidString)"

    private func checkpoint(_ sequence: Int64) -> AuditCheckpoint {
        AuditCheckpoint(sequence: sequence, hash: String(repeating: "a", count: 64), mode: .sha256, keyId: nil,
                        timeMillis: 1_700_000_000_000 + sequence, mac: nil)
    }

    private func write(_ text: String, _ name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
        return folder + "/" + name
    }

    private func failure(_ paths: [String]) -> String? {
        do {
            _ = try AuditCheckpointFiles.load(paths)
            return nil
        } catch {
            return (error as? CommandFailure)?.description ?? "not a command failure: \(error)"
        }
    }

    @Test func checkpointOptionsRepeatAndTheRestIsKept() throws {
        let split = try AuditCheckpointFiles.splitOptions(["verify", "--checkpoint", "a.json", "--audit-db-uri",
                                                           "sqlite:///audit.db", "--checkpoint=dir", "--full"])
        #expect(split.paths == ["a.json", "dir"])
        #expect(split.rest == ["verify", "--audit-db-uri", "sqlite:///audit.db", "--full"])
        #expect(throws: UsageError.self) { try AuditCheckpointFiles.splitOptions(["verify", "--checkpoint"]) }
    }

    @Test func loadsFilesAndADirectorysCheckpointsInOrder() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let single = try write(checkpoint(7).json, "kept-elsewhere.json")
        try FileManager.default.createDirectory(atPath: folder + "/dir", withIntermediateDirectories: true)
        _ = try write(checkpoint(2000).json, "dir/audit-checkpoint-000000002000.json")
        _ = try write(checkpoint(1000).json, "dir/audit-checkpoint-000000001000.json")
        _ = try write("not a checkpoint", "dir/notes.txt")

        let claims = try AuditCheckpointFiles.load([single, folder + "/dir"])
        #expect(claims.map(\.source) == [single, folder + "/dir/audit-checkpoint-000000001000.json",
                                         folder + "/dir/audit-checkpoint-000000002000.json"])
        #expect(claims.map(\.checkpoint) == [checkpoint(7), checkpoint(1000), checkpoint(2000)])
    }

    @Test func aMissingOrUnreadableCheckpointStopsTheCommand() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(failure([folder + "/absent.json"]) == "no checkpoint file or directory at \(folder)/absent.json")
        let broken = try write("{\"format\": \"something-else\"}", "broken.json")
        #expect(failure([broken])
                == "\(broken): INVALID_PARAMETER_VALUE: The audit checkpoint is not a swiftrack-audit-checkpoint-v1 file")
        try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
        #expect(failure([folder + "/empty"]) == "no audit-checkpoint-*.json file in \(folder)/empty")
    }
}
