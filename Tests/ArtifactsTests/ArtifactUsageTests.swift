import Foundation
import Testing
@testable import Artifacts

/// What `swiftrack gc` relies on: a run's artifact prefix is counted whole (files, bytes) and
/// deleted whole, and a sibling whose name starts the same (`run1` / `run10`) is left alone, on
/// every store kind.
@Suite("Artifacts: usage and recursive delete of a run's prefix", .serialized)
struct ArtifactUsageTests {
    /// Stores run1's three files (10 + 20 + 30 bytes, one two levels down) and run10's one.
    static func fill(_ repository: any ArtifactRepository, scratch: ScratchDirectory) throws {
        for (path, size) in [("1/run1/artifacts/a.txt", 10), ("1/run1/artifacts/model/b.bin", 20),
                             ("1/run1/artifacts/model/deep/c.bin", 30), ("1/run10/artifacts/a.txt", 40)] {
            let file = try scratch.makeFile(UUID().uuidString, size: size, seed: UInt64(size))
            try repository.store(localPath: file, as: path)
        }
    }

    static func check(_ repository: any ArtifactRepository, rootedAtRun runRepository: any ArtifactRepository) throws {
        #expect(try repository.usage(under: "1/run1/artifacts") == ArtifactUsage(files: 3, bytes: 60))
        #expect(try runRepository.usage(under: "") == ArtifactUsage(files: 3, bytes: 60))
        #expect(try repository.usage(under: "") == ArtifactUsage(files: 4, bytes: 100))
        #expect(try repository.usage(under: "nothing/here") == ArtifactUsage())
        try runRepository.delete("")
        #expect(try runRepository.usage(under: "") == ArtifactUsage())
        #expect(try repository.usage(under: "1/run1") == ArtifactUsage())
        #expect(try repository.usage(under: "1/run10") == ArtifactUsage(files: 1, bytes: 40))
        try repository.delete("1/run10/artifacts")
        #expect(try repository.usage(under: "") == ArtifactUsage())
    }

    @Test func localDisk() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let root = scratch.path + "/store"
        let repository = LocalArtifactRepository(root: root)
        try Self.fill(repository, scratch: scratch)
        try Self.check(repository, rootedAtRun: LocalArtifactRepository(root: "file://" + root + "/1/run1/artifacts"))
        #expect(!FileManager.default.fileExists(atPath: root + "/1/run10/artifacts"))
    }

    @Test(.enabled(if: MotoServer.isAvailable, "moto_server not installed: run scripts/bootstrap"))
    func s3() throws {
        let moto = try MotoServer()
        defer { moto.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try moto.createBucket("gc-artifacts")
        let repository = try S3ArtifactRepository(uri: "s3://gc-artifacts/root", configuration: moto.configuration())
        try Self.fill(repository, scratch: scratch)
        let run = try S3ArtifactRepository(uri: "s3://gc-artifacts/root/1/run1/artifacts", configuration: moto.configuration())
        try Self.check(repository, rootedAtRun: run)
    }

    @Test(.enabled(if: GCSEmulator.isAvailable, "gcp-storage-emulator not installed: run scripts/bootstrap"))
    func gcs() throws {
        let emulator = try GCSEmulator(bucket: "gc-artifacts")
        defer { emulator.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let configuration = emulator.configuration(simpleUploadLimit: 8 << 20, chunkSize: 8 << 20)
        let repository = try GCSArtifactRepository(uri: "gs://gc-artifacts/root", configuration: configuration)
        try Self.fill(repository, scratch: scratch)
        let run = try GCSArtifactRepository(uri: "gs://gc-artifacts/root/1/run1/artifacts", configuration: configuration)
        try Self.check(repository, rootedAtRun: run)
    }

    @Test(.enabled(if: AzureBlobStandIn.isAvailable, "azure-storage-blob not installed: run scripts/bootstrap"))
    func azureBlob() throws {
        let standIn = try AzureBlobStandIn(containers: ["artifacts"])
        defer { standIn.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let configuration = try AzureIntegrationTests.configuration(standIn)
        let base = "wasbs://artifacts@\(AzureBlobStandIn.account).blob.core.windows.net/root"
        let repository = try AzureBlobArtifactRepository(uri: base, configuration: configuration)
        try Self.fill(repository, scratch: scratch)
        let run = try AzureBlobArtifactRepository(uri: base + "/1/run1/artifacts", configuration: configuration)
        try Self.check(repository, rootedAtRun: run)
    }
}
