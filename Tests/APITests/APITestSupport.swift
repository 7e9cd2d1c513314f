import Foundation
import HTTPTransport
import JSON
import SQLiteEngine
import Storage
import Testing
import TrackingCore
@testable import API

/// An `MLflowAPI` on a fresh temporary SQLite store, driven with in-memory requests.
final class APIHarness: @unchecked Sendable {
    let database: SQLiteDatabase
    let store: SQLTrackingStore
    let api: MLflowAPI

    init() throws {
        database = try SQLiteDatabase.temporary(readerCount: 1)
        store = try SQLTrackingStore(database: database, defaultArtifactRoot: "/tmp/x")
        api = MLflowAPI(APIParts(stores: APIStores(store), version: "test"))
    }

    /// A POST with a JSON body (text as given) and, unless nil, a Content-Type header.
    func post(_ path: String, _ body: String, contentType: String? = "application/json",
              prefix: String = "/api/2.0") -> Reply {
        post(path, bytes: Array(body.utf8), contentType: contentType, prefix: prefix)
    }

    func post(_ path: String, bytes: [UInt8], contentType: String? = "application/json",
              prefix: String = "/api/2.0") -> Reply {
        let headers = contentType.map { [(name: "Content-Type", value: $0)] } ?? []
        return Reply(api.handle(HTTPRequest(method: "POST", target: prefix + path, headers: headers, body: bytes)))
    }

    /// A POST whose body is built as a `JSONValue`.
    func post(_ path: String, json: JSONValue, prefix: String = "/api/2.0") -> Reply {
        post(path, bytes: JSONWriter.bytes(json), prefix: prefix)
    }

    /// A GET of `target` (path and query) below `prefix`.
    func get(_ target: String, prefix: String = "/api/2.0") -> Reply {
        Reply(api.handle(HTTPRequest(method: "GET", target: prefix + target)))
    }

    func request(_ method: String, _ target: String, body: String = "") -> Reply {
        Reply(api.handle(HTTPRequest(method: method, target: target,
                                     headers: [(name: "Content-Type", value: "application/json")],
                                     body: Array(body.utf8))))
    }

    // MARK: Fixtures

    /// Creates an experiment and returns its id.
    func createExperiment(_ name: String, artifactLocation: String? = nil) throws -> String {
        var members: [(String, JSONValue)] = [("name", .string(name))]
        if let artifactLocation { members.append(("artifact_location", .string(artifactLocation))) }
        let reply = post("/mlflow/experiments/create", json: .object(members))
        try #require(reply.status == 200, "create experiment: \(reply.text)")
        return try #require(reply.json?["experiment_id"]?.stringValue)
    }

    /// Creates a run in `experimentId` and returns its id.
    func createRun(experimentId: String = "0", name: String = "r", startTime: Int64 = 1000) throws -> String {
        let reply = post("/mlflow/runs/create",
                         "{\"experiment_id\":\"\(experimentId)\",\"run_name\":\"\(name)\",\"start_time\":\(startTime)}")
        try #require(reply.status == 200, "create run: \(reply.text)")
        return try #require(reply.json?["run"]?["info"]?["run_id"]?.stringValue)
    }

    /// The `run` object of runs/get.
    func run(_ runId: String) throws -> JSONValue {
        let reply = get("/mlflow/runs/get?run_id=\(runId)")
        try #require(reply.status == 200, "get run: \(reply.text)")
        return try #require(reply.json?["run"])
    }
}

/// A response with its body parsed when it is JSON.
struct Reply {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    init(_ response: HTTPResponse) {
        status = response.status
        headers = response.headers
        body = response.body
    }

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONParser.parse(body) }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var errorCode: String? { json?["error_code"]?.stringValue }
    var message: String? { json?["message"]?.stringValue }
}

/// Checks an MLflow error answer: status, JSON content type, error code and exact message.
func expectError(_ reply: Reply, _ status: Int, _ code: String, _ message: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply.status == status, "status; body: \(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
    #expect(reply.errorCode == code, sourceLocation: sourceLocation)
    #expect(reply.message == message, sourceLocation: sourceLocation)
}

let apiDocs = " See the API docs for more information about request parameters."

extension JSONValue {
    var stringValue: String? { if case .string(let text) = self { return text }; return nil }
    var intValue: Int64? { if case .integer(let number) = self { return number }; return nil }
    var doubleValue: Double? {
        switch self {
        case .double(let number): return number
        case .integer(let number): return Double(number)
        default: return nil
        }
    }
    var arrayValue: [JSONValue]? { if case .array(let elements) = self { return elements }; return nil }
    var keys: [String] { if case .object(let members) = self { return members.map(\.0) }; return [] }
    var count: Int { arrayValue?.count ?? 0 }

    subscript(index: Int) -> JSONValue? {
        guard let elements = arrayValue, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The `value` of the `{key, value}` element with `key` in an array of such objects.
    func value(forKey key: String) -> JSONValue? {
        arrayValue?.first { $0["key"]?.stringValue == key }?["value"]
    }
}

/// A temporary directory removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "swiftrack-apitests-\(UUID().uuidString.lowercased())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ contents: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: full))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
