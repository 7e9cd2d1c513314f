import Foundation
import Testing
@testable import Artifacts
import Crypto
import TrackingCore

/// Issue 20: artifact paths and stored URIs from a request never make a 500, never write outside
/// the destination, and never send a signature or token to a host taken from a stored URI.
@Suite struct HostileArtifactPathTests {
    private func upload(_ repository: LocalArtifactRepository, _ staging: String, as path: String) throws {
        try Data("x".utf8).write(to: URL(fileURLWithPath: staging + "/upload"))
        try repository.store(localPath: staging + "/upload", as: path)
    }

    private func code(_ body: () throws -> Void) -> ErrorCode? {
        do { try body() } catch let error as MLflowError { return error.code } catch {}
        return nil
    }

    @Test func namesLongerThan255BytesAreRefused() throws {
        #expect(try ArtifactPath.validated("a/" + String(repeating: "s", count: 255)) == "a/" + String(repeating: "s", count: 255))
        for path in ["a/" + String(repeating: "s", count: 256) + "/f", String(repeating: "s", count: 5_000),
                     String(repeating: "é", count: 128)] {
            #expect(throws: MLflowError.invalidParameter("Invalid path: a name in it is longer than 255 bytes")) {
                try ArtifactPath.validated(path)
            }
        }
        #expect(try ArtifactPath.validated("a//b") == "a/b")
        #expect(throws: MLflowError.self) { try ArtifactPath.checkObjectKey(String(repeating: "k/", count: 513)) }
        #expect(throws: Never.self) { try ArtifactPath.checkObjectKey(String(repeating: "k", count: 1_024)) }
    }

    @Test func localStoreMapsPathFaultsTo400AndNeverDeletesADirectory() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let root = scratch.path + "/root"
        try FileManager.default.createDirectory(atPath: root + "/dir", withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: root + "/dir/kept.txt"))
        let repository = LocalArtifactRepository(root: root)
        try upload(repository, scratch.path, as: "a.txt")
        // A file used as a directory, at any depth.
        #expect(code { try upload(repository, scratch.path, as: "a.txt/b") } == .invalidParameterValue)
        #expect(code { try upload(repository, scratch.path, as: "a.txt/b/c/d") } == .invalidParameterValue)
        // A directory used as a file: refused, and the directory keeps its artifacts.
        #expect(code { try upload(repository, scratch.path, as: "dir") } == .invalidParameterValue)
        #expect(FileManager.default.fileExists(atPath: root + "/dir/kept.txt"))
        // A path longer than the file system takes (each name under 255 bytes, 5,000 in all).
        let deep = Array(repeating: String(repeating: "d", count: 200), count: 25).joined(separator: "/")
        #expect(code { try upload(repository, scratch.path, as: deep) } == .invalidParameterValue)
        #expect(try String(contentsOfFile: root + "/a.txt", encoding: .utf8) == "x")
        #expect(FileManager.default.fileExists(atPath: root + "/dir/kept.txt"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted() == ["root", "upload"])
    }

    @Test func bucketNamesCannotSteerTheHost() throws {
        #expect(try BucketLocation(uri: "s3://my-bucket.v2/p", scheme: "s3").bucket == "my-bucket.v2")
        for uri in ["s3://evil.com:443@x/p", "s3://user@attacker/p", "s3://a%2Fb/p", "s3://../p", "gs://a b/p",
                    "s3://attacker:9000/p"] {
            #expect(throws: MLflowError.self, "\(uri)") { try BucketLocation(uri: uri, scheme: uri.hasPrefix("gs") ? "gs" : "s3") }
        }
        // Without an endpoint, AWS's own host; the bucket is a DNS label of it.
        let endpoint = try S3Endpoint(configuration: S3Configuration(credentials: nil), bucket: "bucket")
        #expect(endpoint.authority == "bucket.s3.us-east-1.amazonaws.com")
    }

    @Test func azureSendsNothingToAHostFromTheURI() throws {
        let key = Base64.decode(AzureBlobStandIn.key) ?? []
        let keyed = AzureConfiguration(credentials: .sharedKey(account: nil, key: key))
        for uri in ["wasbs://c@acct.blob.core.attacker.example/p", "https://acct.blob.core.evil.com/c/p",
                    "wasbs://c@acct.blob.core.windows.net.evil.com/p", "wasbs://c@acct.blob.core.windows.net:8443/p",
                    "wasbs://c@user:pw@acct.blob.core.windows.net/p"] {
            #expect(code { _ = try AzureBlobArtifactRepository(uri: uri, configuration: keyed) } == .invalidParameterValue,
                    "\(uri)")
        }
        #expect(!AzureBlobLocation.isBlobHost("acct.blob.core.attacker.example"))
        for host in ["acct.blob.core.windows.net", "acct.blob.core.chinacloudapi.cn", "acct.blob.core.usgovcloudapi.net"] {
            #expect(AzureBlobLocation.isBlobHost(host), "\(host)")
            #expect(throws: Never.self) { _ = try AzureBlobArtifactRepository(uri: "wasbs://c@\(host)/p", configuration: keyed) }
        }
        // A configured endpoint: requests go there; its own host is accepted in URIs, others are not.
        let custom = AzureConfiguration(credentials: .sharedKey(account: "acct", key: key),
                                        blobEndpoint: "https://acct.blob.core.contoso.local")
        #expect(throws: Never.self) {
            _ = try AzureBlobArtifactRepository(uri: "wasbs://c@acct.blob.core.contoso.local/p", configuration: custom)
        }
        #expect(code { _ = try AzureBlobArtifactRepository(uri: "wasbs://c@acct.blob.core.other.local/p",
                                                            configuration: custom) } == .invalidParameterValue)
    }

    @Test func azureCredentialsServeOnlyTheirAccount() throws {
        let key = Base64.decode(AzureBlobStandIn.key) ?? []
        let configured = try AzureConfiguration(environment: ["AZURE_STORAGE_ACCOUNT": "mine", "AZURE_STORAGE_SAS_TOKEN": "sv=1&sig=x"])
        #expect(throws: Never.self) {
            _ = try AzureBlobArtifactRepository(uri: "wasbs://c@mine.blob.core.windows.net/p", configuration: configured)
        }
        #expect(throws: MLflowError.invalidParameter(
            "The Azure credentials are for account 'mine', but the artifact URI names account 'theirs'")) {
            _ = try AzureBlobArtifactRepository(uri: "wasbs://c@theirs.blob.core.windows.net/p", configuration: configured)
        }
        // A SAS token names no account: without one configured it is not sent anywhere.
        let unpinned = AzureConfiguration(credentials: .sharedAccessSignature("sv=1&sig=x"))
        #expect(code { _ = try AzureBlobArtifactRepository(uri: "wasbs://c@any.blob.core.windows.net/p",
                                                            configuration: unpinned) } == .invalidParameterValue)
        // A key without an account signs for the URI's account, on Microsoft's hosts only (MLflow's rule).
        let keyOnly = AzureConfiguration(credentials: .sharedKey(account: nil, key: key))
        #expect(throws: Never.self) {
            _ = try AzureBlobArtifactRepository(uri: "wasbs://c@any.blob.core.windows.net/p", configuration: keyOnly)
        }
        #expect(try AzureConnectionString("AccountName=acct;SharedAccessSignature=sv=1").account == "acct")
    }
}
