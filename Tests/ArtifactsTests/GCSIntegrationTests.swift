import Foundation
import Testing
import TrackingCore
@testable import Artifacts
import Crypto

/// GCSArtifactRepository against gcp-storage-emulator (each test starts its own, on a free port).
@Suite(.serialized, .enabled(if: GCSEmulator.isAvailable,
                             "gcp-storage-emulator not installed: run scripts/bootstrap (compat/requirements.txt)"))
struct GCSIntegrationTests {
    @Test func storeFetchListDelete() throws {
        let emulator = try GCSEmulator(bucket: "artifacts")
        defer { emulator.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // 40 MiB goes through a resumable upload in five 8 MiB chunks.
        let repository = try GCSArtifactRepository(uri: "gs://artifacts/experiments/1",
                                                   configuration: emulator.configuration(simpleUploadLimit: 8 << 20, chunkSize: 8 << 20))
        let small = try scratch.makeFile("small.txt", size: 1234, seed: 11)
        let large = try scratch.makeFile("large.bin", size: 40 << 20, seed: 12)
        let smallHash = try SHA256.hexOfFile(small)
        try repository.store(localPath: small, as: "a.txt")
        try repository.store(localPath: large, as: "model/weights.bin")
        try repository.store(localPath: small, as: "model/sub/c.txt")
        try repository.store(localPath: small, as: "modelx/d.txt")
        try repository.store(localPath: small, as: "odd name/ü+&.txt")

        let fetchedSmall = try repository.fetch("a.txt", temporaryDirectory: scratch.path)
        #expect(fetchedSmall.isTemporary)
        #expect(fetchedSmall.size == 1234)
        #expect(try SHA256.hexOfFile(fetchedSmall.path) == smallHash)
        let fetchedLarge = try repository.fetch("model/weights.bin", temporaryDirectory: scratch.path)
        #expect(fetchedLarge.size == 40 << 20)
        #expect(try SHA256.hexOfFile(fetchedLarge.path) == SHA256.hexOfFile(large))
        let odd = try repository.fetch("odd name/ü+&.txt", temporaryDirectory: scratch.path)
        #expect(try SHA256.hexOfFile(odd.path) == smallHash)

        try checkListingMissingAndDelete(repository, largeSize: 40 << 20, scratch: scratch.path,
                                         downloadLabel: "gcs", missingMarker: "notFound")
        // Another prefix of the same bucket is a separate tree.
        let other = try GCSArtifactRepository(uri: "gs://artifacts/experiments/2", configuration: emulator.configuration())
        try other.store(localPath: small, as: "x.txt")
        #expect(try repository.list("").isEmpty)
        #expect(try other.list("").map(\.path) == ["x.txt"])
    }

    /// (An empty media upload is not tried: the emulator fails on a bodiless upload, real GCS does not.)
    @Test func replaceAndMissingBucket() throws {
        let emulator = try GCSEmulator(bucket: "b")
        defer { emulator.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let repository = try GCSArtifactRepository(uri: "gs://b", configuration: emulator.configuration())
        let zeroth = try scratch.makeFile("zeroth", size: 5000, seed: 13)
        let first = try scratch.makeFile("first", size: 100, seed: 14)
        try repository.store(localPath: zeroth, as: "e")
        #expect(try repository.fetch("e", temporaryDirectory: scratch.path).size == 5000)
        try repository.store(localPath: first, as: "e")
        let fetched = try repository.fetch("e", temporaryDirectory: scratch.path)
        #expect(try SHA256.hexOfFile(fetched.path) == SHA256.hexOfFile(first))
        #expect(try repository.list("") == [ArtifactFileInfo(path: "e", isDirectory: false, fileSize: 100)])
        // A bucket that does not exist is RESOURCE_DOES_NOT_EXIST too.
        let nowhere = try GCSArtifactRepository(uri: "gs://no-such-bucket/p", configuration: emulator.configuration())
        #expect(throws: MLflowError.self) { try nowhere.store(localPath: first, as: "x") }
    }

    /// With a service-account key, every call carries the bearer token from one exchange
    /// (the emulator accepts any token; the stand-in counts the exchanges).
    @Test(.enabled(if: TokenEndpointStandIn.isAvailable)) func bearerTokenIsFetchedOnceAndReused() throws {
        let emulator = try GCSEmulator(bucket: "auth")
        defer { emulator.stop() }
        let endpoint = try TokenEndpointStandIn()
        defer { endpoint.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let key = try TestRSAKey(directory: scratch.path)
        let account = GCSServiceAccountKey(clientEmail: "svc@p", privateKeyId: "k", privateKeyPEM: key.privateKeyPEM,
                                           tokenURI: endpoint.tokenURI)
        let configuration = GCSConfiguration(credentials: .serviceAccountKey(account), endpointURL: emulator.endpoint)
        let file = try scratch.makeFile("f", size: 10, seed: 15)
        for index in 0..<3 {
            let repository = try GCSArtifactRepository(uri: "gs://auth/p", configuration: configuration)
            try repository.store(localPath: file, as: "f\(index)")
        }
        let repository = try GCSArtifactRepository(uri: "gs://auth/p", configuration: configuration)
        #expect(try repository.list("").map(\.path) == ["f0", "f1", "f2"])
        #expect(try endpoint.count() == 1)
    }
}
