import Foundation
import OutboundHTTP
import Testing
import TrackingCore
@testable import Artifacts
import Crypto

/// S3ArtifactRepository against a real moto server (each test starts its own, on a free port).
@Suite(.serialized, .enabled(if: MotoServer.isAvailable, "moto_server not installed: run scripts/bootstrap (compat/requirements.txt has moto[server])"))
struct S3IntegrationTests {
    @Test func storeFetchListDelete() throws {
        let moto = try MotoServer()
        defer { moto.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try moto.createBucket("artifacts")
        let repository = try S3ArtifactRepository(uri: "s3://artifacts/experiments/1", configuration: moto.configuration())

        // A small file and one past the 64 MiB threshold, which goes through a multipart upload.
        let peakBefore = Self.peakResidentBytes()
        let small = try scratch.makeFile("small.txt", size: 1234, seed: 1)
        let large = try scratch.makeFile("large.bin", size: 70 << 20, seed: 2)
        let smallHash = try SHA256.hexOfFile(small)
        let largeHash = try SHA256.hexOfFile(large)
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
        #expect(fetchedLarge.size == 70 << 20)
        #expect(try SHA256.hexOfFile(fetchedLarge.path) == largeHash)
        // Streamed both ways: the 70 MiB never sat in memory (the peak grew by far less).
        #expect(peakBefore != nil, "VmHWM readable from /proc/self/status")
        if let before = peakBefore, let after = Self.peakResidentBytes() {
            #expect(after - before < 40 << 20, "peak RSS grew by \((after - before) >> 20) MiB")
        }
        let odd = try repository.fetch("odd name/ü+&.txt", temporaryDirectory: scratch.path)
        #expect(try SHA256.hexOfFile(odd.path) == smallHash)

        // The large object really was assembled from parts: its ETag is "<md5 of md5s>-2".
        let head = try repository.client.send("HEAD", key: "experiments/1/model/weights.bin", operation: "HeadObject")
        #expect(head.header("ETag")?.hasSuffix("-2\"") == true)
        #expect(head.header("Content-Length") == String(70 << 20))

        try checkListingMissingAndDelete(repository, largeSize: 70 << 20, scratch: scratch.path,
                                         downloadLabel: "s3", missingMarker: "NoSuchKey")
    }

    /// The process's peak resident set (VmHWM), from /proc.
    static func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    @Test func listingFollowsContinuationTokens() throws {
        let moto = try MotoServer()
        defer { moto.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try moto.createBucket("many")
        let repository = try S3ArtifactRepository(uri: "s3://many", configuration: moto.configuration())
        let file = try scratch.makeFile("f", size: 10, seed: 3)
        // ListObjectsV2 returns at most 1,000 keys a page.
        let names = (0..<1005).map { String(format: "k%04d", $0) }
        for name in names { try repository.store(localPath: file, as: "d/" + name) }
        let listed = try repository.list("d")
        #expect(listed.count == 1005)
        #expect(listed.map(\.path) == names.map { "d/" + $0 })
        try repository.delete("d")  // two DeleteObjects batches
        #expect(try repository.list("").isEmpty)
    }

    @Test func presignedMultipartUpload() throws {
        let moto = try MotoServer()
        defer { moto.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try moto.createBucket("uploads")
        let repository = try S3ArtifactRepository(uri: "s3://uploads/root", configuration: moto.configuration())
        let first = try scratch.makeFile("part1", size: 5 << 20, seed: 4)
        let second = try scratch.makeFile("part2", size: 300_000, seed: 5)

        let upload = try repository.createMultipartUpload(path: "big/file.bin", partCount: 2)
        let uploadId = try #require(upload.uploadId)
        #expect(upload.parts.map(\.partNumber) == [1, 2])
        #expect(upload.parts.allSatisfy { $0.url.contains("X-Amz-Signature=") && $0.url.contains("partNumber=") })
        var uploaded: [UploadedPart] = []
        let client = HTTPClient()
        for (target, file) in zip(upload.parts, [first, second]) {
            let response = try client.perform(HTTPClientRequest(method: "PUT", url: target.url,
                                                          headers: target.headers.map { HTTPHeader($0.key, $0.value) },
                                                          body: .file(path: file)))
            #expect(response.status == 200)
            let etag = try #require(response.header("ETag"))
            uploaded.append(UploadedPart(partNumber: target.partNumber, etag: etag, url: target.url))
        }
        try repository.completeMultipartUpload(path: "big/file.bin", uploadId: uploadId, parts: uploaded.reversed())

        let fetched = try repository.fetch("big/file.bin", temporaryDirectory: scratch.path)
        #expect(fetched.size == (5 << 20) + 300_000)
        let digest = Digest(.sha256)
        for file in [first, second] { try LocalFileReader.forEachChunk(path: file, offset: 0, length: nil) { digest.update($0) } }
        #expect(try SHA256.hexOfFile(fetched.path) == Hex.encode(digest.finalize()))

        // An aborted upload is gone from ListMultipartUploads, and aborting it again is NoSuchUpload.
        let aborted = try repository.createMultipartUpload(path: "big/aborted.bin", partCount: 1)
        let abortedId = try #require(aborted.uploadId)
        func openUploads() throws -> [String] {
            let response = try repository.client.send("GET", key: "", query: [QueryItem("uploads")], operation: "ListMultipartUploads")
            return S3XMLElement.parse(response.body)?.children("Upload").compactMap { $0.value("UploadId") } ?? []
        }
        #expect(try openUploads() == [abortedId])
        try repository.abortMultipartUpload(path: "big/aborted.bin", uploadId: abortedId)
        #expect(try openUploads().isEmpty)
        let error = #expect(throws: MLflowError.self) {
            try repository.abortMultipartUpload(path: "big/aborted.bin", uploadId: abortedId)
        }
        #expect(error?.code == .resourceDoesNotExist, "\(String(describing: error))")
        #expect(error?.message.contains("NoSuchUpload") == true)
        #expect(try repository.list("big") == [ArtifactFileInfo(path: "big/file.bin", isDirectory: false, fileSize: (5 << 20) + 300_000)])

        #expect(throws: MLflowError.self) { try repository.createMultipartUpload(path: "x", partCount: 0) }
    }

    /// With moto's IAM checks on, every call must carry a signature moto recomputes (with
    /// botocore) and accepts; a wrong secret is refused.
    @Test func motoVerifiesOurSignatures() throws {
        let moto = try MotoServer()
        defer { moto.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let user = try moto.createS3User(named: "swiftrack")
        try moto.setAuthentication(enabled: true)
        try moto.createBucket("signed", credentials: user)
        let repository = try S3ArtifactRepository(uri: "s3://signed/p", configuration: moto.configuration(credentials: user))
        let file = try scratch.makeFile("f.txt", size: 4321, seed: 6)
        try repository.store(localPath: file, as: "dir/f.txt")
        try repository.store(localPath: file, as: "dir/g.txt")
        #expect(try repository.list("dir").map(\.path) == ["dir/f.txt", "dir/g.txt"])
        let fetched = try repository.fetch("dir/f.txt", temporaryDirectory: scratch.path)
        #expect(try SHA256.hexOfFile(fetched.path) == SHA256.hexOfFile(file))
        try repository.delete("dir")
        #expect(try repository.list("").isEmpty)

        var wrong = user
        wrong.secretAccessKey = "not-the-secret"
        let forged = try S3ArtifactRepository(uri: "s3://signed/p", configuration: moto.configuration(credentials: wrong))
        let error = #expect(throws: MLflowError.self) { try forged.list("") }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("SignatureDoesNotMatch") == true)
        try moto.setAuthentication(enabled: false)
    }
}
