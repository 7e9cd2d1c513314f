import Artifacts
import Foundation
import HTTPTransport
import JSON
import SQLiteEngine
import Storage
import Testing
@testable import API

/// `/model-versions/get-artifact`: one file of a model version, from a proxied or a local root.
@Suite("API: model version artifact download")
struct ModelVersionArtifactRouteTests {
    private func fileText(_ response: HTTPResponse) throws -> String {
        let file = try #require(response.file)
        let data = try Data(contentsOf: URL(fileURLWithPath: file.path))
        return String(decoding: data.dropFirst(Int(file.offset)).prefix(Int(file.length)), as: UTF8.self)
    }

    @Test(arguments: [true, false])
    func downloadsAFileOfAVersion(proxied: Bool) throws {
        let directory = try TemporaryDirectory()
        let destination = directory.path + "/artifacts"
        let root = proxied ? "mlflow-artifacts:/" : directory.path + "/direct"
        let store = try SQLTrackingStore(database: try SQLiteDatabase.temporary(readerCount: 1),
                                            defaultArtifactRoot: root)
        let service = ArtifactService(destination: LocalArtifactRepository(root: destination),
                                      uploadDirectory: directory.path, scratchDirectory: directory.path)
        let api = MLflowAPI(APIParts(stores: APIStores(store), version: "test", artifacts: service))
        func send(_ method: String, _ target: String, _ body: String = "") -> HTTPResponse {
            api.handle(HTTPRequest(method: method, target: target,
                                   headers: [(name: "Content-Type", value: "application/json")], body: Array(body.utf8)))
        }
        let run = Reply(send("POST", "/api/2.0/mlflow/runs/create", #"{"experiment_id": "0"}"#))
        let runId = try #require(run.json?["run"]?["info"]?["run_id"]?.stringValue)
        let artifactURI = try #require(run.json?["run"]?["info"]?["artifact_uri"]?.stringValue)
        #expect(artifactURI.hasPrefix("mlflow-artifacts:/") == proxied)
        let onDisk = proxied ? destination + String(artifactURI.dropFirst("mlflow-artifacts:".count)) : artifactURI
        try FileManager.default.createDirectory(atPath: onDisk + "/model", withIntermediateDirectories: true)
        try Data("flavors: {}\n".utf8).write(to: URL(fileURLWithPath: onDisk + "/model/MLmodel"))
        #expect(Reply(send("POST", "/api/2.0/mlflow/registered-models/create", #"{"name": "m"}"#)).status == 200)
        let created = Reply(send("POST", "/api/2.0/mlflow/model-versions/create",
                                 #"{"name": "m", "source": "\#(artifactURI)/model", "run_id": "\#(runId)"}"#))
        #expect(created.status == 200, "\(created.text)")

        for prefix in ["", "/ajax-api/2.0/mlflow"] {
            let download = send("GET", prefix + "/model-versions/get-artifact?name=m&version=1&path=MLmodel")
            #expect(download.status == 200, "\(Reply(download).text)")
            #expect(try fileText(download) == "flavors: {}\n")
        }
        #expect(send("GET", "/model-versions/get-artifact?name=m&version=1&path=..%2F..%2Fetc%2Fpasswd").status == 400)
        #expect(send("GET", "/model-versions/get-artifact?name=m&version=1&path=/etc/passwd").status == 400)
        expectError(Reply(send("GET", "/model-versions/get-artifact?name=m&version=7&path=MLmodel")), 404,
                    "RESOURCE_DOES_NOT_EXIST", "Model Version (name=m, version=7) not found")
        #expect(send("GET", "/model-versions/get-artifact?name=m&version=1&path=missing.txt").status == 404)
        #expect(send("GET", "/model-versions/get-artifact?name=m&version=1").status == 400)
    }
}
