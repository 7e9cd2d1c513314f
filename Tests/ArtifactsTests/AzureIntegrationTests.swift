import Foundation
import OutboundHTTP
import Testing
import TrackingCore
@testable import Artifacts
import Crypto

/// AzureBlobArtifactRepository against the loopback stand-in (`AzureBlobStandIn`), which checks
/// every Shared Key and SAS signature with Microsoft's SDK code. Each test starts its own.
@Suite(.serialized, .enabled(if: AzureBlobStandIn.isAvailable, "azure-storage-blob not installed: run scripts/bootstrap"))
struct AzureIntegrationTests {
    static let uri = "wasbs://artifacts@\(AzureBlobStandIn.account).blob.core.windows.net/experiments/1"

    static func configuration(_ standIn: AzureBlobStandIn) throws -> AzureConfiguration {
        var configuration = try AzureConfiguration(environment: ["AZURE_STORAGE_CONNECTION_STRING": standIn.connectionString])
        configuration.singleUploadLimit = 8 << 20
        configuration.blockSize = 8 << 20
        return configuration
    }

    @Test func storeFetchListDelete() throws {
        let standIn = try AzureBlobStandIn(containers: ["artifacts"])
        defer { standIn.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let repository = try AzureBlobArtifactRepository(uri: Self.uri, configuration: Self.configuration(standIn))
        let small = try scratch.makeFile("small.txt", size: 1234, seed: 21)
        let large = try scratch.makeFile("large.bin", size: 40 << 20, seed: 22)
        let smallHash = try SHA256.hexOfFile(small)
        try repository.store(localPath: small, as: "a.txt")
        try repository.store(localPath: large, as: "model/weights.bin")  // five 8 MiB blocks
        try repository.store(localPath: small, as: "model/sub/c.txt")
        try repository.store(localPath: small, as: "modelx/d.txt")
        try repository.store(localPath: small, as: "odd name/ü+&.txt")
        let stats = try standIn.stats()
        #expect(stats["putblock"] == 5)
        #expect(stats["putblocklist"] == 1)
        #expect(stats["putblob"] == 4)

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
                                         downloadLabel: "azure", missingMarker: "BlobNotFound")
        #expect(try standIn.stats()["sharedkey"] ?? 0 > 20, "every call was signed and verified")
    }

    @Test func listingFollowsMarkers() throws {
        let standIn = try AzureBlobStandIn(containers: ["artifacts"])
        defer { standIn.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let repository = try AzureBlobArtifactRepository(uri: Self.uri, configuration: Self.configuration(standIn))
        let file = try scratch.makeFile("f", size: 10, seed: 23)
        let names = (0..<7).map { "d/k\($0)" } + ["d/sub/x", "d/sub/y", "d/tub/z"]
        for name in names { try repository.store(localPath: file, as: name) }
        // Pages of three: the markers are followed to the end, with and without a delimiter.
        let flat = try repository.listBlobs(prefix: "experiments/1/d/", delimiter: nil, pageSize: 3)
        #expect(flat.objects.map(\.name) == names.map { "experiments/1/" + $0 })
        let folded = try repository.listBlobs(prefix: "experiments/1/d/", delimiter: "/", pageSize: 3)
        #expect(folded.objects.count == 7)
        #expect(folded.prefixes == ["experiments/1/d/sub/", "experiments/1/d/tub/"])
        #expect(try repository.list("d").count == 9)
    }

    @Test func wrongKeyAndMissingContainer() throws {
        let standIn = try AzureBlobStandIn(containers: ["artifacts"])
        defer { standIn.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let file = try scratch.makeFile("f", size: 10, seed: 24)
        var forged = try Self.configuration(standIn)
        forged.credentials = .sharedKey(account: AzureBlobStandIn.account, key: Array(repeating: 7, count: 64))
        let repository = try AzureBlobArtifactRepository(uri: Self.uri, configuration: forged)
        let error = #expect(throws: MLflowError.self) { try repository.store(localPath: file, as: "x") }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("AuthenticationFailed") == true)
        let elsewhere = try AzureBlobArtifactRepository(uri: "wasbs://nope@\(AzureBlobStandIn.account).blob.core.windows.net",
                                                        configuration: Self.configuration(standIn))
        let missing = #expect(throws: MLflowError.self) { try elsewhere.list("") }
        #expect(missing?.code == .resourceDoesNotExist)
        #expect(missing?.message.contains("ContainerNotFound") == true)
    }

    /// A container SAS made by the SDK, as `AZURE_STORAGE_SAS_TOKEN` would carry it.
    @Test func sasTokenCredentials() throws {
        let standIn = try AzureBlobStandIn(containers: ["artifacts"])
        defer { standIn.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let file = try scratch.makeFile("f", size: 3000, seed: 25)
        let large = try scratch.makeFile("g", size: 9 << 20, seed: 26)
        func repository(permissions: String) throws -> AzureBlobArtifactRepository {
            let token = try standIn.containerSAS(container: "artifacts", permissions: permissions)
            var configuration = try AzureConfiguration(environment: ["AZURE_STORAGE_SAS_TOKEN": "?" + token])
            configuration.blobEndpoint = standIn.blobEndpoint
            configuration.singleUploadLimit = 8 << 20
            configuration.blockSize = 8 << 20
            return try AzureBlobArtifactRepository(uri: Self.uri, configuration: configuration)
        }
        let readWrite = try repository(permissions: "rwdl")
        try readWrite.store(localPath: file, as: "dir/f")
        try readWrite.store(localPath: large, as: "dir/g")
        #expect(try readWrite.list("dir").map(\.path) == ["dir/f", "dir/g"])
        let fetched = try readWrite.fetch("dir/g", temporaryDirectory: scratch.path)
        #expect(try SHA256.hexOfFile(fetched.path) == SHA256.hexOfFile(large))
        let readOnly = try repository(permissions: "rl")
        #expect(try readOnly.list("dir").count == 2)
        let refused = #expect(throws: MLflowError.self) { try readOnly.store(localPath: file, as: "dir/h") }
        #expect(refused?.code == .permissionDenied)
        #expect(refused?.message.contains("AuthorizationPermissionMismatch") == true)
        try readWrite.delete("dir")
        #expect(try readWrite.list("").isEmpty)
        #expect(try standIn.stats()["sharedkey"] == 0, "nothing was signed with the key")
    }

    /// Presigned Put Block URLs (a service SAS per blob), uploaded to by a plain HTTP client, then
    /// committed in part-number order.
    @Test func presignedMultipartUpload() throws {
        let standIn = try AzureBlobStandIn(containers: ["artifacts"])
        defer { standIn.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let repository = try AzureBlobArtifactRepository(uri: Self.uri, configuration: Self.configuration(standIn))
        let first = try scratch.makeFile("part1", size: 5 << 20, seed: 27)
        let second = try scratch.makeFile("part2", size: 300_000, seed: 28)

        let upload = try repository.createMultipartUpload(path: "big/file.bin", partCount: 2)
        #expect(upload.uploadId == nil)
        #expect(upload.parts.map(\.partNumber) == [1, 2])
        #expect(upload.parts.allSatisfy { $0.url.contains("comp=block") && $0.url.contains("sig=") && $0.url.contains("sp=w") })
        var uploaded: [UploadedPart] = []
        let client = HTTPClient()
        for (target, file) in zip(upload.parts, [first, second]) {
            let response = try client.perform(HTTPClientRequest(method: "PUT", url: target.url, body: .file(path: file)))
            #expect(response.status == 201)
            uploaded.append(UploadedPart(partNumber: target.partNumber, etag: response.header("ETag") ?? "", url: target.url))
        }
        try repository.completeMultipartUpload(path: "big/file.bin", uploadId: "", parts: uploaded.reversed())
        let fetched = try repository.fetch("big/file.bin", temporaryDirectory: scratch.path)
        #expect(fetched.size == (5 << 20) + 300_000)
        let digest = Digest(.sha256)
        for file in [first, second] { try LocalFileReader.forEachChunk(path: file, offset: 0, length: nil) { digest.update($0) } }
        #expect(try SHA256.hexOfFile(fetched.path) == Hex.encode(digest.finalize()))
        #expect(try standIn.stats()["sas"] == 2, "the parts were authorised by their SAS")

        // A write-only SAS does not let its holder read the blob back.
        let url = try #require(upload.parts.first?.url)
        let blobURL = String(url.prefix { $0 != "?" }) + "?" + url.split(separator: "?").dropFirst().joined()
            .split(separator: "&").filter { !$0.hasPrefix("comp=") && !$0.hasPrefix("blockid=") }.joined(separator: "&")
        #expect(try client.perform(HTTPClientRequest(method: "GET", url: blobURL)).status == 403)
        // Committing blocks that were never uploaded is refused.
        let never = #expect(throws: MLflowError.self) {
            try repository.completeMultipartUpload(path: "big/other.bin", uploadId: "", parts: [UploadedPart(partNumber: 1, etag: "")])
        }
        #expect(never?.code == .invalidParameterValue)
        #expect(never?.message.contains("InvalidBlockList") == true)
        try repository.abortMultipartUpload(path: "big/other.bin", uploadId: "")
        #expect(throws: MLflowError.self) { try repository.createMultipartUpload(path: "x", partCount: 0) }
        #expect(throws: MLflowError.self) { try repository.completeMultipartUpload(path: "x", uploadId: "", parts: []) }
    }
}
