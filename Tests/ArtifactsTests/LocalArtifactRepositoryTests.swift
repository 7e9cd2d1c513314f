import Foundation
import Testing
@testable import Artifacts
import TrackingCore

private func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "swiftrack-local-repo-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func writeFile(_ path: String, _ text: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

@Suite struct LocalArtifactRepositoryTests {
    @Test func storesListsFetchesAndDeletes() throws {
        let root = try temporaryDirectory()
        let staging = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: staging) }
        let repository = LocalArtifactRepository(root: "file://" + root)
        try writeFile(staging + "/upload", "hello")
        try repository.store(localPath: staging + "/upload", as: "model/MLmodel")
        try writeFile(staging + "/empty", "")
        try repository.store(localPath: staging + "/empty", as: "empty.txt")
        #expect(!FileManager.default.fileExists(atPath: staging + "/upload"))
        #expect(try repository.list("") == [
            ArtifactFileInfo(path: "empty.txt", isDirectory: false, fileSize: 0),
            ArtifactFileInfo(path: "model", isDirectory: true, fileSize: nil),
        ])
        #expect(try repository.list("model") == [ArtifactFileInfo(path: "model/MLmodel", isDirectory: false, fileSize: 5)])
        #expect(try repository.list("missing") == [])
        let file = try repository.fetch("model/MLmodel", temporaryDirectory: staging)
        #expect(file == LocalArtifactFile(path: root + "/model/MLmodel", size: 5))
        #expect(throws: MLflowError.self) { try repository.fetch("nope", temporaryDirectory: staging) }
        #expect(throws: MLflowError.self) { try repository.fetch("model", temporaryDirectory: staging) }
        try repository.delete("model")
        #expect(try repository.list("") == [ArtifactFileInfo(path: "empty.txt", isDirectory: false, fileSize: 0)])
        try repository.delete("")
        #expect(try repository.list("") == [])
        #expect(FileManager.default.fileExists(atPath: root))
    }

    @Test func refusesSymbolicLinksThatLeaveTheRoot() throws {
        let root = try temporaryDirectory()
        let outside = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: outside) }
        try writeFile(outside + "/secret", "top secret")
        try FileManager.default.createSymbolicLink(atPath: root + "/escape", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: root + "/secret-link", withDestinationPath: outside + "/secret")
        let repository = LocalArtifactRepository(root: root)
        let invalid = MLflowError.invalidParameter("Invalid path")
        #expect(throws: invalid) { try repository.fetch("escape/secret", temporaryDirectory: outside) }
        #expect(throws: invalid) { try repository.fetch("secret-link", temporaryDirectory: outside) }
        #expect(throws: invalid) { try repository.list("escape") }
        try writeFile(outside + "/upload", "x")
        #expect(throws: invalid) { try repository.store(localPath: outside + "/upload", as: "escape/new") }
        #expect(!FileManager.default.fileExists(atPath: outside + "/new"))
        #expect(throws: invalid) { try repository.delete("escape") == () }
        #expect(FileManager.default.fileExists(atPath: outside + "/secret"))
        // A link that stays inside the root is fine.
        try writeFile(root + "/real/file", "ok")
        try FileManager.default.createSymbolicLink(atPath: root + "/inside", withDestinationPath: root + "/real")
        #expect(try repository.fetch("inside/file", temporaryDirectory: outside).size == 2)
    }
}
