import Foundation
import JSON
import Testing
@testable import API

/// Swiftrack's own registry routes: history (newest first) and rollback of an alias or a stage.
@Suite("API: registry history and rollback routes")
struct RegistryRollbackRouteTests {
    /// A model `m` with three versions, alias `prod` moved 1 -> 2 -> 3 and version 1 then 2 in Production.
    private func promoted() throws -> APIHarness {
        let harness = try APIHarness()
        let runId = try harness.createRun()
        let artifactURI = try #require(harness.run(runId)["info"]?["artifact_uri"]?.stringValue)
        #expect(harness.post("/mlflow/registered-models/create", #"{"name": "m"}"#).status == 200)
        for _ in 1...3 {
            let created = harness.post("/mlflow/model-versions/create", json: .object([
                ("name", .string("m")), ("source", .string(artifactURI + "/model")), ("run_id", .string(runId)),
            ]))
            try #require(created.status == 200, "\(created.text)")
        }
        for version in ["1", "2", "3"] {
            #expect(harness.post("/mlflow/registered-models/alias",
                                 #"{"name": "m", "alias": "prod", "version": "\#(version)"}"#).status == 200)
        }
        for (version, archive) in [("1", false), ("2", true)] {
            let moved = harness.post("/mlflow/model-versions/transition-stage", #"""
                {"name": "m", "version": "\#(version)", "stage": "Production", "archive_existing_versions": \#(archive)}
                """#)
            #expect(moved.status == 200, "\(moved.text)")
        }
        return harness
    }

    @Test func historyIsNewestFirst() throws {
        let harness = try promoted()
        for prefix in ["/api/2.0", "/ajax-api/2.0"] {
            let reply = harness.get("/swiftrack/registered-models/history?name=m", prefix: prefix)
            #expect(reply.status == 200, "\(reply.text)")
            let entries = try #require(reply.json?["entries"]?.arrayValue)
            #expect(entries.map { $0["kind"]?.stringValue } == ["stage", "stage", "stage", "alias", "alias", "alias"])
            #expect(entries.map { $0["to"]?.stringValue } == ["Production", "Archived", "Production", "3", "2", "1"])
            #expect(entries[5].keys == ["name", "version", "kind", "alias", "to", "timestamp", "rollback"])
            #expect(entries[4]["from"] == .string("1") && entries[4]["rollback"] == .bool(false))
        }
        expectError(harness.get("/swiftrack/registered-models/history?name=zz"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Registered Model with name=zz not found")
        expectError(harness.get("/swiftrack/registered-models/history"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'name'." + apiDocs)
        #expect(harness.request("POST", "/api/2.0/swiftrack/registered-models/history").status == 405)
    }

    @Test func rollbackOfAnAliasAndOfAStage() throws {
        let harness = try promoted()
        let alias = harness.post("/swiftrack/registered-models/rollback", #"{"name": "m", "alias": "prod"}"#)
        #expect(alias.status == 200, "\(alias.text)")
        #expect(alias.json?["model_version"]?["version"] == .string("2"))
        #expect(alias.json?["model_version"]?["aliases"] == .array([.string("prod")]))
        let entry = try #require(alias.json?["entries"]?[0])
        #expect(entry["from"] == .string("3") && entry["to"] == .string("2") && entry["rollback"] == .bool(true))
        #expect(harness.get("/mlflow/registered-models/alias?name=m&alias=prod").json?["model_version"]?["version"]
                == .string("2"))

        let stage = harness.post("/swiftrack/registered-models/rollback", #"{"name": "m", "stage": "production"}"#)
        #expect(stage.status == 200, "\(stage.text)")
        #expect(stage.json?["model_version"]?["version"] == .string("1"))
        #expect(stage.json?["model_version"]?["current_stage"] == .string("Production"))
        #expect(stage.json?["entries"]?.count == 2)
        #expect(harness.get("/mlflow/model-versions/get?name=m&version=2").json?["model_version"]?["current_stage"]
                == .string("None"))
        let newest = harness.get("/swiftrack/registered-models/history?name=m").json?["entries"]?[0]
        #expect(newest?["rollback"] == .bool(true))
    }

    @Test func rollbackErrors() throws {
        let harness = try promoted()
        let route = "/swiftrack/registered-models/rollback"
        expectError(harness.post(route, #"{"name": "m", "alias": "other"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "There is nothing to roll back: alias 'other' of registered model 'm' has no recorded move left to undo.")
        expectError(harness.post(route, #"{"name": "m", "stage": "Staging"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "There is nothing to roll back: no recorded move into stage 'Staging' of registered model 'm' is "
                        + "left to undo.")
        expectError(harness.post(route, #"{"name": "zz", "alias": "prod"}"#), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Registered Model with name=zz not found")
        for body in [#"{"name": "m"}"#, #"{"name": "m", "alias": "prod", "stage": "Production"}"#] {
            expectError(harness.post(route, body), 400, "INVALID_PARAMETER_VALUE",
                        "A rollback needs exactly one of 'alias' and 'stage'.")
        }
        expectError(harness.post(route, #"{"name": "m", "stage": "Live"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid Model Version stage: Live. Value must be one of None, Staging, Production, Archived.")
        expectError(harness.post(route, #"{"alias": "prod"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'name'." + apiDocs)
        #expect(harness.request("GET", "/api/2.0" + route).status == 405)
    }
}
