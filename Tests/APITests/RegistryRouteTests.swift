import Foundation
import JSON
import Testing
@testable import API

/// Registry routes through `MLflowAPI.handle`: methods, paths and the JSON shapes MLflow writes.
@Suite("API: model registry routes")
struct RegistryRouteTests {
    static let routes: [(String, String)] = [
        ("POST", "registered-models/create"), ("GET", "registered-models/get"), ("POST", "registered-models/rename"),
        ("PATCH", "registered-models/update"), ("DELETE", "registered-models/delete"),
        ("GET", "registered-models/search"), ("POST", "registered-models/get-latest-versions"),
        ("GET", "registered-models/get-latest-versions"), ("POST", "registered-models/set-tag"),
        ("DELETE", "registered-models/delete-tag"), ("POST", "registered-models/alias"),
        ("DELETE", "registered-models/alias"), ("GET", "registered-models/alias"),
        ("POST", "model-versions/create"), ("GET", "model-versions/get"), ("PATCH", "model-versions/update"),
        ("DELETE", "model-versions/delete"), ("GET", "model-versions/search"), ("POST", "model-versions/set-tag"),
        ("DELETE", "model-versions/delete-tag"), ("POST", "model-versions/transition-stage"),
        ("GET", "model-versions/get-download-uri"),
    ]

    @Test func everyRouteAnswersUnderBothPrefixes() throws {
        let harness = try APIHarness()
        for (method, path) in Self.routes {
            for prefix in ["/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/"] {
                let reply = harness.request(method, prefix + path, body: "{}")
                if path.hasSuffix("/search") {
                    #expect(reply.status == 200 && reply.text == "{}", "\(method) \(prefix)\(path): \(reply.text)")
                } else {
                    #expect(reply.status == 400, "\(method) \(prefix)\(path): \(reply.status)")
                    #expect(reply.errorCode == "INVALID_PARAMETER_VALUE", "\(method) \(path): \(reply.text)")
                }
            }
        }
        #expect(harness.request("GET", "/api/2.0/mlflow/registered-models/create").status == 405)
        #expect(harness.request("POST", "/api/2.0/mlflow/registered-models/search").status == 405)
        #expect(harness.request("POST", "/api/2.0/mlflow/registered-models/update").status == 405)
        #expect(harness.request("PUT", "/api/2.0/mlflow/registered-models/alias").status == 405)
    }

    @Test func registeredModelShape() throws {
        let harness = try APIHarness()
        let created = harness.post("/mlflow/registered-models/create",
                                   #"{"name": "m", "description": "d", "tags": [{"key": "a", "value": "b"}]}"#)
        #expect(created.status == 200, "\(created.text)")
        let model = try #require(created.json?["registered_model"])
        #expect(model.keys == ["name", "creation_timestamp", "last_updated_timestamp", "description", "tags"])
        #expect(model["tags"] == .array([.object([("key", .string("a")), ("value", .string("b"))])]))
        let bare = harness.post("/mlflow/registered-models/create", #"{"name": "bare"}"#)
        #expect(bare.json?["registered_model"]?.keys == ["name", "creation_timestamp", "last_updated_timestamp"])
    }

    @Test func modelVersionShapeAndAliases() throws {
        let harness = try APIHarness()
        let runId = try harness.createRun()
        let artifactURI = try #require(harness.run(runId)["info"]?["artifact_uri"]?.stringValue)
        _ = harness.post("/mlflow/registered-models/create", #"{"name": "m"}"#)
        let created = harness.post("/mlflow/model-versions/create", json: .object([
            ("name", .string("m")), ("source", .string(artifactURI + "/model")), ("run_id", .string(runId)),
        ]))
        #expect(created.status == 200, "\(created.text)")
        let version = try #require(created.json?["model_version"])
        #expect(version.keys == ["name", "version", "creation_timestamp", "last_updated_timestamp", "current_stage",
                                 "description", "source", "run_id", "status", "run_link"])
        #expect(version["version"] == .string("1"))
        #expect(version["current_stage"] == .string("None"))
        #expect(version["status"] == .string("READY"))
        #expect(version["description"] == .string(""))
        #expect(version["run_link"] == .string(""))

        let tagged = harness.post("/mlflow/model-versions/create",
                                  #"{"name": "m", "source": "s3://b/m", "tags": [{"key": "t", "value": "v"}]}"#)
        #expect(tagged.json?["model_version"]?.keys.suffix(3) == ["status", "tags", "run_link"])
        #expect(tagged.json?["model_version"]?["run_id"] == .string(""))

        #expect(harness.post("/mlflow/registered-models/alias", #"{"name": "m", "alias": "champ", "version": "1"}"#)
                    .text == "{}")
        let byAlias = harness.get("/mlflow/registered-models/alias?name=m&alias=champ")
        #expect(byAlias.json?["model_version"]?["aliases"] == .array([.string("champ")]))
        let model = try #require(harness.get("/mlflow/registered-models/get?name=m").json?["registered_model"])
        #expect(model["aliases"] == .array([.object([("alias", .string("champ")), ("version", .string("1"))])]))
        #expect(model["latest_versions"]?[0]?["version"] == .string("2"))
        #expect(model["latest_versions"]?[0]?["aliases"] == nil)
        let searched = harness.get("/mlflow/model-versions/search?filter=name%3D%27m%27")
        #expect(searched.json?["model_versions"]?.count == 2)
        #expect(searched.json?["model_versions"]?[1]?["aliases"] == nil)
        #expect(harness.get("/mlflow/model-versions/get-download-uri?name=m&version=1").json?["artifact_uri"]
                == .string(artifactURI + "/model"))
    }

    @Test func stagesLatestVersionsUpdatesAndDeletes() throws {
        let harness = try APIHarness()
        _ = harness.post("/mlflow/registered-models/create", #"{"name": "m"}"#)
        for _ in 0..<3 { _ = harness.post("/mlflow/model-versions/create", #"{"name": "m", "source": "s3://b/x"}"#) }
        let moved = harness.post("/mlflow/model-versions/transition-stage",
                                 #"{"name": "m", "version": "2", "stage": "staging", "archive_existing_versions": false}"#)
        #expect(moved.json?["model_version"]?["current_stage"] == .string("Staging"))
        let staged = harness.get("/mlflow/registered-models/get-latest-versions?name=m&stages=Staging&stages=Production")
        #expect(staged.json?["model_versions"]?.count == 1)
        let all = harness.post("/mlflow/registered-models/get-latest-versions", #"{"name": "m"}"#)
        #expect(all.json?["model_versions"]?.arrayValue?.compactMap { $0["version"]?.stringValue } == ["3", "2"])

        let updated = harness.request("PATCH", "/api/2.0/mlflow/model-versions/update",
                                      body: #"{"name": "m", "version": "1", "description": "hi"}"#)
        #expect(updated.json?["model_version"]?["description"] == .string("hi"))
        let described = harness.request("PATCH", "/api/2.0/mlflow/registered-models/update",
                                         body: #"{"name": "m", "description": "model"}"#)
        #expect(described.json?["registered_model"]?["description"] == .string("model"))
        #expect(harness.request("DELETE", "/api/2.0/mlflow/model-versions/delete",
                                body: #"{"name": "m", "version": "3"}"#).text == "{}")
        let next = harness.post("/mlflow/model-versions/create", #"{"name": "m", "source": "s3://b/x"}"#)
        #expect(next.json?["model_version"]?["version"] == .string("4"))
        #expect(harness.post("/mlflow/registered-models/set-tag", #"{"name": "m", "key": "k", "value": "v"}"#).text == "{}")
        #expect(harness.request("DELETE", "/api/2.0/mlflow/registered-models/delete-tag",
                                body: #"{"name": "m", "key": "k"}"#).text == "{}")
        let renamed = harness.post("/mlflow/registered-models/rename", #"{"name": "m", "new_name": "n"}"#)
        #expect(renamed.json?["registered_model"]?["name"] == .string("n"))
        #expect(harness.request("DELETE", "/api/2.0/mlflow/registered-models/delete", body: #"{"name": "n"}"#).text
                == "{}")
        #expect(harness.get("/mlflow/registered-models/search").text == "{}")
    }

    @Test func searchPagingThroughTheQueryString() throws {
        let harness = try APIHarness()
        for name in ["a", "b", "c"] { _ = harness.post("/mlflow/registered-models/create", "{\"name\": \"\(name)\"}") }
        let first = harness.get("/mlflow/registered-models/search?max_results=2&order_by=name+DESC")
        #expect(first.json?["registered_models"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["c", "b"])
        let token = try #require(first.json?["next_page_token"]?.stringValue)
        let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
        let second = harness.get("/mlflow/registered-models/search?max_results=2&order_by=name+DESC&page_token=\(encoded)")
        #expect(second.json?["registered_models"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["a"])
        #expect(second.json?["next_page_token"] == nil)
    }
}
