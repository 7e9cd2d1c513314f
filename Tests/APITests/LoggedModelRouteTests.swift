import Foundation
import JSON
import Testing
import TrackingCore
@testable import API

extension APIHarness {
    /// Creates a logged model through the API and returns its `model` object.
    func createLoggedModel(_ body: String = #"{"experiment_id":"0"}"#) throws -> JSONValue {
        let reply = post("/mlflow/logged-models", body)
        try #require(reply.status == 200, "create logged model: \(reply.text)")
        return try #require(reply.json?["model"])
    }

    func modelId(_ model: JSONValue) throws -> String {
        try #require(model["info"]?["model_id"]?.stringValue)
    }
}

@Suite struct LoggedModelRouteTests {
    @Test func createAnswersTheModelMessage() throws {
        let h = try APIHarness()
        let experimentId = try h.createExperiment("lm")
        let model = try h.createLoggedModel("""
            {"experiment_id":"\(experimentId)","name":"clf","model_type":"sklearn",
             "params":[{"key":"alpha","value":"0.5"}],"tags":[{"key":"team","value":"ml"}]}
            """)
        let info = try #require(model["info"])
        let id = try h.modelId(model)
        #expect(info.keys == ["model_id", "experiment_id", "name", "creation_timestamp_ms", "last_updated_timestamp_ms",
                              "artifact_uri", "status", "model_type", "source_run_id", "tags"])
        #expect(info["experiment_id"] == .string(experimentId))
        #expect(info["name"] == .string("clf"))
        #expect(info["artifact_uri"] == .string("/tmp/x/\(experimentId)/models/\(id)/artifacts"))
        #expect(info["status"] == .string("LOGGED_MODEL_PENDING"))
        #expect(info["model_type"] == .string("sklearn"))
        // MLflow answers the proto's "" for an absent source run.
        #expect(info["source_run_id"] == .string(""))
        #expect(info["tags"] == .array([.object([("key", .string("team")), ("value", .string("ml"))])]))
        #expect(model["data"]?["params"]?.value(forKey: "alpha") == .string("0.5"))
        #expect(info["creation_timestamp_ms"]?.intValue == info["last_updated_timestamp_ms"]?.intValue)
        let bare = try h.createLoggedModel()
        #expect(bare["data"] == .object([]))
        #expect(bare["info"]?["model_type"] == .string(""))
        #expect(bare["info"]?["name"]?.stringValue?.split(separator: "-").count == 3)
    }

    @Test func createErrors() throws {
        let h = try APIHarness()
        expectError(h.post("/mlflow/logged-models", "{}"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'experiment_id'." + apiDocs)
        expectError(h.post("/mlflow/logged-models", #"{"experiment_id":"42"}"#), 404, "RESOURCE_DOES_NOT_EXIST",
                    "No Experiment with id=42 exists")
        expectError(h.post("/mlflow/logged-models", #"{"experiment_id":"0","name":"a:b"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid model name ('a:b') provided. Model name must be a non-empty string and cannot contain the "
                    + #"following characters: ('/', ':', '.', '%', '"', "'")"#)
        expectError(h.post("/mlflow/logged-models", #"{"experiment_id":"0"}"#, contentType: nil), 400,
                    "INVALID_PARAMETER_VALUE", "Bad Request. Content-Type header is missing.")
    }

    @Test func getFinalizeDelete() throws {
        let h = try APIHarness()
        let id = try h.modelId(try h.createLoggedModel())
        #expect(h.get("/mlflow/logged-models/\(id)").json?["model"]?["info"]?["model_id"] == .string(id))
        #expect(h.get("/mlflow/logged-models/\(id)", prefix: "/ajax-api/2.0").status == 200)
        expectError(h.get("/mlflow/logged-models/m-nope"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Logged model with ID 'm-nope' not found.")

        let path = "/api/2.0/mlflow/logged-models/\(id)"
        expectError(h.request("PATCH", path, body: #"{"status":"LOGGED_MODEL_READY"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'model_id'." + apiDocs)
        expectError(h.request("PATCH", path, body: #"{"model_id":"\#(id)"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'status'." + apiDocs)
        let ready = h.request("PATCH", path, body: #"{"model_id":"\#(id)","status":"LOGGED_MODEL_READY"}"#)
        #expect(ready.status == 200)
        #expect(ready.json?["model"]?["info"]?["status"] == .string("LOGGED_MODEL_READY"))
        let failed = h.request("PATCH", path, body: #"{"model_id":"\#(id)","status":3}"#)
        #expect(failed.json?["model"]?["info"]?["status"] == .string("LOGGED_MODEL_UPLOAD_FAILED"))

        #expect(h.request("DELETE", path).text == "{}")
        expectError(h.get("/mlflow/logged-models/\(id)"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Logged model with ID '\(id)' not found.")
        #expect(h.get("/mlflow/logged-models/\(id)?allow_deleted=true").status == 200)
        expectError(h.request("DELETE", "/api/2.0/mlflow/logged-models/m-nope"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Logged model with ID 'm-nope' not found.")
    }

    @Test func tagsAndParams() throws {
        let h = try APIHarness()
        let id = try h.modelId(try h.createLoggedModel())
        let base = "/api/2.0/mlflow/logged-models/\(id)"
        #expect(h.request("PATCH", base + "/tags", body: #"{"tags":[{"key":"k","value":"v"},{"key":"a b","value":"w"}]}"#)
            .text == "{}")
        #expect(h.get("/mlflow/logged-models/\(id)").json?["model"]?["info"]?["tags"]?.value(forKey: "a b") == .string("w"))
        #expect(h.request("DELETE", base + "/tags/a%20b").text == "{}")
        expectError(h.request("DELETE", base + "/tags/zz"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "No tag with key 'zz' found for model with ID '\(id)'.")

        expectError(h.post("/mlflow/logged-models/\(id)/params", #"{"params":[{"key":"p","value":"1"}]}"#), 400,
                    "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'model_id'." + apiDocs)
        #expect(h.post("/mlflow/logged-models/\(id)/params",
                       #"{"model_id":"\#(id)","params":[{"key":"p","value":"1"}]}"#).text == "{}")
        #expect(h.get("/mlflow/logged-models/\(id)").json?["model"]?["data"]?["params"]?.value(forKey: "p") == .string("1"))
    }

    @Test func metricsWithModelIdAndRunOutputs() throws {
        let h = try APIHarness()
        let id = try h.modelId(try h.createLoggedModel())
        let runId = try h.createRun()
        #expect(h.post("/mlflow/runs/log-metric", """
            {"run_id":"\(runId)","key":"acc","value":0.5,"timestamp":10,"step":2,
             "model_id":"\(id)","dataset_name":"ds","dataset_digest":"dg"}
            """).status == 200)
        let metrics = h.get("/mlflow/logged-models/\(id)").json?["model"]?["data"]?["metrics"]
        #expect(metrics == .array([.object([
            ("key", .string("acc")), ("value", .double(0.5)), ("timestamp", .integer(10)), ("step", .integer(2)),
            ("dataset_name", .string("ds")), ("dataset_digest", .string("dg")), ("model_id", .string(id)),
            ("run_id", .string(runId)),
        ])]))

        expectError(h.post("/mlflow/runs/outputs", "{}"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'run_id'." + apiDocs)
        expectError(h.post("/mlflow/runs/outputs", #"{"run_id":"\#(runId)"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'models'." + apiDocs)
        expectError(h.post("/mlflow/runs/outputs", #"{"run_id":"abc","models":[]}"#), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Run with id=abc not found")
        #expect(h.post("/mlflow/runs/outputs", #"{"run_id":"\#(runId)","models":[{"model_id":"\#(id)","step":4}]}"#)
            .text == "{}")
        #expect(try h.run(runId)["outputs"]
                == .object([("model_outputs", .array([.object([("model_id", .string(id)), ("step", .integer(4))])]))]))
    }

    @Test func listArtifactsOnLocalDisk() throws {
        let h = try APIHarness()
        let directory = try TemporaryDirectory()
        let experimentId = try h.createExperiment("art", artifactLocation: directory.path)
        let id = try h.modelId(try h.createLoggedModel(#"{"experiment_id":"\#(experimentId)"}"#))
        let root = "\(directory.path)/models/\(id)/artifacts"
        let empty = h.get("/mlflow/logged-models/\(id)/artifacts/directories")
        #expect(empty.json == .object([("root_uri", .string(root))]))
        try directory.write("models/\(id)/artifacts/MLmodel", "flavors: {}")
        try directory.write("models/\(id)/artifacts/sub/model.pkl", "x")
        let listed = h.get("/mlflow/logged-models/\(id)/artifacts/directories")
        #expect(listed.json?["files"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["MLmodel", "sub"])
        let sub = h.get("/mlflow/logged-models/\(id)/artifacts/directories?artifact_directory_path=sub")
        #expect(sub.json?["files"]?[0]?["path"] == .string("sub/model.pkl"))
        expectError(h.get("/mlflow/logged-models/\(id)/artifacts/directories?artifact_directory_path=../x"), 400,
                    "INVALID_PARAMETER_VALUE", "Invalid path")
    }
}
