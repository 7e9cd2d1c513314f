import Artifacts
import Foundation
import HTTPTransport
import JSON
import SQLiteEngine
import Storage
import Testing
import TrackingCore
@testable import API

/// The artifact proxy on a local destination, with the default root `mlflow-artifacts:/`.
private final class ProxyHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    let destination: String
    let staging: String
    let api: MLflowAPI
    let store: SQLTrackingStore

    init(serveArtifacts: Bool = true, artifactsOnly: Bool = false) throws {
        directory = try TemporaryDirectory()
        destination = directory.path + "/artifacts"
        staging = directory.path + "/staging"
        for path in [destination, staging] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        store = try SQLTrackingStore(database: try SQLiteDatabase.temporary(readerCount: 1),
                                        defaultArtifactRoot: "mlflow-artifacts:/")
        let service = ArtifactService(destination: serveArtifacts ? LocalArtifactRepository(root: destination) : nil,
                                      uploadDirectory: staging, scratchDirectory: staging, maxUploadBytes: 1000)
        api = MLflowAPI(APIParts(stores: APIStores(store), version: "test", artifacts: service, artifactsOnly: artifactsOnly))
    }

    /// A PUT as the HTTP server hands it over: the body staged in a file.
    func upload(_ path: String, _ text: String) throws -> Reply {
        let head = HTTPRequestHead(method: "PUT", rawPath: path, path: path, headers: [])
        #expect(api.bodyDestination(for: head) == .file(directory: staging, maxBytes: 1000))
        let file = staging + "/upload-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return Reply(api.handle(HTTPRequest(method: "PUT", target: path, bodyFile: file)))
    }

    func send(_ method: String, _ target: String, headers: [(name: String, value: String)] = [], body: String = "") -> Reply {
        Reply(api.handle(HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8))))
    }

    func fileText(_ response: HTTPResponse) throws -> String {
        let file = try #require(response.file)
        let data = try Data(contentsOf: URL(fileURLWithPath: file.path))
        return String(decoding: data.dropFirst(Int(file.offset)).prefix(Int(file.length)), as: UTF8.self)
    }
}

@Suite struct ArtifactProxyTests {
    @Test func uploadsListsDownloadsAndDeletes() throws {
        let harness = try ProxyHarness()
        let base = "/api/2.0/mlflow-artifacts/artifacts"
        #expect(try harness.upload(base + "/1/run/artifacts/model/MLmodel", "flavors: {}").text == "{}")
        #expect(try harness.upload(base + "/1/run/artifacts/notes.txt", "hello").status == 200)
        #expect(FileManager.default.fileExists(atPath: harness.destination + "/1/run/artifacts/model/MLmodel"))

        let listing = harness.send("GET", base + "?path=1/run/artifacts")
        #expect(listing.text == #"{"files":[{"path":"model","is_dir":true},{"path":"notes.txt","is_dir":false,"file_size":5}]}"#)
        #expect(harness.send("GET", base + "?path=nothing").text == "{}")

        let download = harness.api.handle(HTTPRequest(method: "GET", target: base + "/1/run/artifacts/notes.txt"))
        #expect(download.status == 200)
        #expect(try harness.fileText(download) == "hello")
        #expect(download.headers.contains { $0 == (name: "Content-Type", value: "text/plain") })
        #expect(download.headers.contains { $0 == (name: "Content-Disposition", value: "attachment; filename=notes.txt") })

        let ranged = harness.api.handle(HTTPRequest(method: "GET", target: base + "/1/run/artifacts/notes.txt",
                                                    headers: [(name: "Range", value: "bytes=1-3")]))
        #expect(ranged.status == 206)
        #expect(try harness.fileText(ranged) == "ell")
        #expect(ranged.headers.contains { $0 == (name: "Content-Range", value: "bytes 1-3/5") })
        let beyond = harness.api.handle(HTTPRequest(method: "GET", target: base + "/1/run/artifacts/notes.txt",
                                                    headers: [(name: "Range", value: "bytes=9-")]))
        #expect(beyond.status == 416)

        expectError(harness.send("GET", base + "/1/run/artifacts/missing.txt"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "No such file or directory: '1/run/artifacts/missing.txt'")
        #expect(harness.send("DELETE", base + "/1/run/artifacts/model").text == "{}")
        #expect(!FileManager.default.fileExists(atPath: harness.destination + "/1/run/artifacts/model"))
        let methods = harness.send("POST", base + "/1/x")
        #expect(methods.status == 405)
    }

    @Test(arguments: ["/..%2f..%2fetc/passwd", "/%252e%252e/%252e%252e/etc/passwd", "/a/../../x", "/%2fetc/passwd"])
    func refusesTraversalOnEveryVerb(_ suffix: String) throws {
        let harness = try ProxyHarness()
        let target = "/api/2.0/mlflow-artifacts/artifacts" + suffix
        for method in ["GET", "DELETE"] {
            expectError(harness.send(method, target), 400, "INVALID_PARAMETER_VALUE", "Invalid path")
        }
        expectError(try harness.upload(target, "x"), 400, "INVALID_PARAMETER_VALUE", "Invalid path")
        expectError(harness.send("GET", "/api/2.0/mlflow-artifacts/artifacts?path=..%2F.."), 400,
                    "INVALID_PARAMETER_VALUE", "Invalid path")
    }

    @Test func runsGetProxiedRootsAndTheirArtifactsAreListed() throws {
        let harness = try ProxyHarness()
        let created = harness.send("POST", "/api/2.0/mlflow/experiments/create",
                                   headers: [(name: "Content-Type", value: "application/json")], body: #"{"name":"e"}"#)
        let experimentId = try #require(created.json?["experiment_id"]?.stringValue)
        let run = harness.send("POST", "/api/2.0/mlflow/runs/create", headers: [(name: "Content-Type", value: "application/json")],
                               body: #"{"experiment_id":"\#(experimentId)"}"#)
        let info = try #require(run.json?["run"]?["info"])
        let runId = try #require(info["run_id"]?.stringValue)
        #expect(info["artifact_uri"]?.stringValue == "mlflow-artifacts:/\(experimentId)/\(runId)/artifacts")
        _ = try harness.upload("/api/2.0/mlflow-artifacts/artifacts/\(experimentId)/\(runId)/artifacts/d/f.txt", "abc")
        let root = harness.send("GET", "/api/2.0/mlflow/artifacts/list?run_id=\(runId)")
        #expect(root.json?["files"] == .array([.object([("path", .string("d")), ("is_dir", .bool(true))])]))
        let sub = harness.send("GET", "/api/2.0/mlflow/artifacts/list?run_id=\(runId)&path=d")
        #expect(sub.json?["files"] == .array([.object([("path", .string("d/f.txt")), ("is_dir", .bool(false)),
                                                       ("file_size", .integer(3))])]))
        let got = harness.api.handle(HTTPRequest(method: "GET", target: "/get-artifact?run_id=\(runId)&path=d/f.txt"))
        #expect(try harness.fileText(got) == "abc")
        expectError(harness.send("GET", "/get-artifact?run_id=\(runId)&path=../../x"), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid path")
    }

    @Test func multipartNeedsAnObjectStore() throws {
        let harness = try ProxyHarness()
        expectError(harness.send("POST", "/api/2.0/mlflow-artifacts/mpu/create/1/x",
                                 headers: [(name: "Content-Type", value: "application/json")],
                                 body: #"{"path":"big.bin","num_parts":2}"#),
                    501, "NOT_IMPLEMENTED", "Multipart upload is not supported for the current artifact repository")
    }

    @Test func withoutServeArtifactsTheProxyIsDisabled() throws {
        let harness = try ProxyHarness(serveArtifacts: false)
        let reply = harness.send("GET", "/api/2.0/mlflow-artifacts/artifacts?path=")
        #expect(reply.status == 503)
        #expect(reply.errorCode == "TEMPORARILY_UNAVAILABLE")
    }

    @Test func artifactsOnlyDisablesTracking() throws {
        let harness = try ProxyHarness(artifactsOnly: true)
        #expect(harness.send("GET", "/api/2.0/mlflow/experiments/get?experiment_id=0").status == 503)
        #expect(harness.send("GET", "/health").status == 200)
        #expect(try harness.upload("/api/2.0/mlflow-artifacts/artifacts/a.txt", "x").status == 200)
    }
}
