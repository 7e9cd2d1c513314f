import Foundation
import OutboundHTTP
import TrackingCore
@testable import Artifacts
import Crypto

/// A `moto_server` subprocess on a free loopback port, for the S3 integration tests.
final class MotoServer {
    static let binary: String = {
        // Tests/ArtifactsTests/MotoServer.swift -> package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".venv/bin/moto_server").path
    }()
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    static let credentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")

    let port: Int
    private let process = Process()

    var endpoint: String { "http://127.0.0.1:\(port)" }

    init() throws {
        port = try LoopbackProcess.freePort()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let client = HTTPClient()
        for _ in 0..<200 {
            if let response = try? client.perform(HTTPClientRequest(method: "GET", url: endpoint + "/", connectTimeout: 1, timeout: 2)),
               response.status == 200 { return }
            usleep(100_000)
        }
        stop()
        throw MLflowError.internalError("moto_server did not start on port \(port)")
    }

    deinit { stop() }

    /// SIGKILL: the child inherits the test runner's blocked-signal mask, so SIGTERM never arrives.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func configuration(credentials: AWSCredentials = MotoServer.credentials) -> S3Configuration {
        S3Configuration(credentials: credentials, region: "us-east-1", endpointURL: endpoint)
    }

    /// Creates `bucket` with a signed CreateBucket call.
    func createBucket(_ bucket: String, credentials: AWSCredentials = MotoServer.credentials) throws {
        let client = try S3Client(configuration: configuration(credentials: credentials), bucket: bucket)
        _ = try client.send("PUT", key: "", operation: "CreateBucket")
    }

    /// Makes moto check signatures and permissions from now on (or stop checking).
    func setAuthentication(enabled: Bool) throws {
        let count = enabled ? "0" : "1000000000"
        let response = try HTTPClient().perform(HTTPClientRequest(method: "POST", url: endpoint + "/moto-api/reset-auth",
                                                            body: .bytes(Array(count.utf8))))
        guard response.status == 200 else { throw MLflowError.internalError("reset-auth answered \(response.status)") }
    }

    /// Creates an IAM user allowed `s3:*` and returns its new access key (signed IAM calls).
    func createS3User(named name: String) throws -> AWSCredentials {
        func call(_ parameters: [(String, String)]) throws -> S3XMLElement {
            let form = (parameters + [("Version", "2010-05-08")])
                .map { "\(AWSURIEncoding.encode($0.0))=\(AWSURIEncoding.encode($0.1))" }.joined(separator: "&")
            let body = Array(form.utf8)
            let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "iam")
            let signable = SigV4Request(method: "POST", host: "127.0.0.1:\(port)", encodedPath: "/",
                                        headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")])
            let headers = signer.signedHeaders(for: signable, payloadHash: SHA256.hex(body), date: AMZDate(Date()))
            let response = try HTTPClient().perform(HTTPClientRequest(method: "POST", url: endpoint + "/", headers: headers, body: .bytes(body)))
            guard response.isSuccess, let document = S3XMLElement.parse(response.body) else {
                throw MLflowError.internalError("IAM \(parameters.first?.1 ?? "") answered \(response.status): \(response.bodyText)")
            }
            return document
        }
        _ = try call([("Action", "CreateUser"), ("UserName", name)])
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
        _ = try call([("Action", "PutUserPolicy"), ("UserName", name), ("PolicyName", "s3"), ("PolicyDocument", policy)])
        let created = try call([("Action", "CreateAccessKey"), ("UserName", name)])
        func find(_ element: S3XMLElement, _ name: String) -> String? {
            if element.name == name { return element.text }
            for child in element.children { if let found = find(child, name) { return found } }
            return nil
        }
        guard let id = find(created, "AccessKeyId"), let secret = find(created, "SecretAccessKey") else {
            throw MLflowError.internalError("CreateAccessKey answered without a key")
        }
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret)
    }
}

/// Temporary files for the integration tests, removed with the directory.
struct ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "s3-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// A file of `size` deterministic pseudo-random bytes, written 1 MiB at a time.
    func makeFile(_ name: String, size: Int, seed: UInt64) throws -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        // One pseudo-random MiB, stamped with its index each time: every chunk differs, cheaply.
        var state = seed | 1
        var block = [UInt8](repeating: 0, count: 1 << 20)
        for index in block.indices {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            block[index] = UInt8(truncatingIfNeeded: state)
        }
        var written = 0
        var chunkIndex: UInt64 = 0
        while written < size {
            let count = min(block.count, size - written)
            withUnsafeBytes(of: (chunkIndex ^ seed).littleEndian) { stamp in
                for (offset, byte) in stamp.enumerated() where offset < count { block[offset] = byte }
            }
            try handle.write(contentsOf: block[0..<count])
            written += count
            chunkIndex += 1
        }
        return file
    }
}
