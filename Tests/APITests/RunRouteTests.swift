import JSON
import Testing
import TrackingCore
@testable import API

private typealias Tag = TrackingCore.Tag

@Suite struct RunRouteTests {
    @Test func createAnswersTheRunMessage() throws {
        let h = try APIHarness()
        let experimentId = try h.createExperiment("runs")
        let reply = h.post("/mlflow/runs/create", """
            {"experiment_id":"\(experimentId)","user_id":"ada","run_name":"first","start_time":1700000000123,
             "tags":[{"key":"team","value":"ml"}]}
            """)
        #expect(reply.status == 200)
        let run = try #require(reply.json?["run"])
        let info = try #require(run["info"])
        let runId = try #require(info["run_id"]?.stringValue)
        #expect(runId.count == 32)
        #expect(info["run_uuid"] == .string(runId))
        #expect(info["experiment_id"] == .string(experimentId))
        #expect(info["run_name"] == .string("first"))
        #expect(info["user_id"] == .string("ada"))
        #expect(info["status"] == .string("RUNNING"))
        #expect(info["start_time"] == .integer(1_700_000_000_123))
        #expect(info["end_time"] == nil)
        #expect(info["artifact_uri"] == .string("/tmp/x/\(experimentId)/\(runId)/artifacts"))
        #expect(info["lifecycle_stage"] == .string("active"))
        #expect(run["data"]?["tags"]?.value(forKey: "team") == .string("ml"))
        #expect(run["data"]?["tags"]?.value(forKey: "mlflow.runName") == .string("first"))
        #expect(run["data"]?["metrics"] == nil)
        #expect(run["inputs"] == .object([]))
        // The exact bytes keep the number unquoted.
        #expect(reply.text.contains("\"start_time\":1700000000123"))
        // runs/create leaves out empty outputs; runs/get always carries them.
        #expect(run["outputs"] == nil)
        #expect(try h.run(runId)["outputs"] == .object([]))
    }

    @Test func createRefusesUnknownExperimentsAndBadIds() throws {
        let h = try APIHarness()
        expectError(h.post("/mlflow/runs/create", #"{"experiment_id":"999"}"#), 404, "RESOURCE_DOES_NOT_EXIST",
                    "No Experiment with id=999 exists")
        expectError(h.post("/mlflow/runs/create", #"{"experiment_id":"abc"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.")
        expectError(h.post("/mlflow/runs/create", #"{"experiment_id":"0","start_time":"abc"}"#), 400,
                    "INVALID_PARAMETER_VALUE",
                    #"Invalid value "abc" for parameter 'start_time' supplied:  Hint: Value was of type 'str'."#
                        + apiDocs)
        // MLflow fails without experiment_id (a raw FOREIGN KEY error): Swiftrack asks for it.
        expectError(h.post("/mlflow/runs/create", "{}"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'experiment_id'." + apiDocs)
    }

    @Test func getFindsByRunIdOrRunUUIDAndMisses() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        #expect(h.get("/mlflow/runs/get?run_id=\(runId)").json?["run"]?["info"]?["run_id"] == .string(runId))
        #expect(h.get("/mlflow/runs/get?run_uuid=\(runId)").json?["run"]?["info"]?["run_uuid"] == .string(runId))
        expectError(h.get("/mlflow/runs/get?run_id=nope"), 404, "RESOURCE_DOES_NOT_EXIST", "Run with id=nope not found")
        expectError(h.get("/mlflow/runs/get"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'run_id'." + apiDocs)
    }

    @Test func updateSetsStatusByNameOrNumberAndIgnoresUnknownStatus() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        let finished = h.post("/mlflow/runs/update", "{\"run_id\":\"\(runId)\",\"status\":\"FINISHED\",\"end_time\":2000}")
        #expect(finished.status == 200)
        let info = try #require(finished.json?["run_info"])
        #expect(info["status"] == .string("FINISHED"))
        #expect(info["end_time"] == .integer(2000))
        #expect(info["run_id"] == .string(runId))

        let failed = h.post("/mlflow/runs/update", "{\"run_uuid\":\"\(runId)\",\"status\":4}")
        #expect(failed.json?["run_info"]?["status"] == .string("FAILED"))
        let unchanged = h.post("/mlflow/runs/update", "{\"run_id\":\"\(runId)\",\"status\":\"BOGUS\"}")
        #expect(unchanged.status == 200)
        #expect(unchanged.json?["run_info"]?["status"] == .string("FAILED"))

        let renamed = h.post("/mlflow/runs/update", "{\"run_id\":\"\(runId)\",\"run_name\":\"better\"}")
        #expect(renamed.json?["run_info"]?["run_name"] == .string("better"))
        #expect(try h.run(runId)["data"]?["tags"]?.value(forKey: "mlflow.runName") == .string("better"))
        expectError(h.post("/mlflow/runs/update", #"{"run_id":"nope","status":"FINISHED"}"#), 404,
                    "RESOURCE_DOES_NOT_EXIST", "Run with id=nope not found")
    }

    @Test func deleteAndRestore() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        #expect(h.post("/mlflow/runs/delete", "{\"run_id\":\"\(runId)\"}").text == "{}")
        #expect(try h.run(runId)["info"]?["lifecycle_stage"] == .string("deleted"))
        // Deleting twice is fine, as in MLflow.
        #expect(h.post("/mlflow/runs/delete", "{\"run_id\":\"\(runId)\"}").status == 200)
        #expect(h.post("/mlflow/runs/restore", "{\"run_id\":\"\(runId)\"}").text == "{}")
        #expect(try h.run(runId)["info"]?["lifecycle_stage"] == .string("active"))
        expectError(h.post("/mlflow/runs/delete", #"{"run_id":"nope"}"#), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Run with id=nope not found")
        expectError(h.post("/mlflow/runs/restore", "{}"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'run_id'." + apiDocs)
    }
}

@Suite struct RunSearchRouteTests {
    /// Three runs in one experiment with metric m = 1, 2, 3; the last one deleted.
    private func seeded() throws -> (APIHarness, String, [String]) {
        let h = try APIHarness()
        let experimentId = try h.createExperiment("search")
        var ids: [String] = []
        for index in 1...3 {
            let runId = try h.createRun(experimentId: experimentId, name: "run\(index)", startTime: Int64(index))
            let logged = h.post("/mlflow/runs/log-metric",
                                "{\"run_id\":\"\(runId)\",\"key\":\"m\",\"value\":\(index),\"timestamp\":1}")
            #expect(logged.status == 200)
            ids.append(runId)
        }
        #expect(h.post("/mlflow/runs/delete", "{\"run_id\":\"\(ids[2])\"}").status == 200)
        return (h, experimentId, ids)
    }

    private func runIds(_ reply: Reply) -> [String] {
        reply.json?["runs"]?.arrayValue?.compactMap { $0["info"]?["run_id"]?.stringValue } ?? []
    }

    @Test func filtersOrdersAndPages() throws {
        let (h, experimentId, ids) = try seeded()
        let all = h.post("/mlflow/runs/search", "{\"experiment_ids\":[\"\(experimentId)\"]}")
        #expect(runIds(all) == [ids[1], ids[0]])  // newest first, deleted left out
        let filtered = h.post("/mlflow/runs/search",
                              "{\"experiment_ids\":[\"\(experimentId)\"],\"filter\":\"metrics.m > 1.5\"}")
        #expect(runIds(filtered) == [ids[1]])
        #expect(filtered.json?["runs"]?[0]?["data"]?["metrics"]?[0]?["value"] == .double(2))

        let first = h.post("/mlflow/runs/search", """
            {"experiment_ids":["\(experimentId)"],"order_by":["metrics.m ASC"],"max_results":1}
            """)
        #expect(runIds(first) == [ids[0]])
        let token = try #require(first.json?["next_page_token"]?.stringValue)
        let second = h.post("/mlflow/runs/search", """
            {"experiment_ids":["\(experimentId)"],"order_by":["metrics.m ASC"],"max_results":1,"page_token":"\(token)"}
            """)
        #expect(runIds(second) == [ids[1]])
    }

    @Test func runViewTypeByNameAndNumber() throws {
        let (h, experimentId, ids) = try seeded()
        let deleted = h.post("/mlflow/runs/search", "{\"experiment_ids\":[\"\(experimentId)\"],\"run_view_type\":\"DELETED_ONLY\"}")
        #expect(runIds(deleted) == [ids[2]])
        let deletedByNumber = h.post("/mlflow/runs/search", "{\"experiment_ids\":[\"\(experimentId)\"],\"run_view_type\":2}")
        #expect(runIds(deletedByNumber) == [ids[2]])
        let all = h.post("/mlflow/runs/search", "{\"experiment_ids\":[\"\(experimentId)\"],\"run_view_type\":\"ALL\"}")
        #expect(Set(runIds(all)) == Set(ids))
    }

    @Test func emptyAnswerIsAnEmptyObject() throws {
        let (h, experimentId, _) = try seeded()
        let reply = h.post("/mlflow/runs/search", "{\"experiment_ids\":[\"\(experimentId)\"],\"filter\":\"metrics.m > 99\"}")
        #expect(reply.status == 200)
        #expect(reply.text == "{}")
    }

    @Test func maxResultsTypesAndLimits() throws {
        let (h, experimentId, _) = try seeded()
        expectError(h.post("/mlflow/runs/search", #"{"max_results":"abc"}"#), 400, "INVALID_PARAMETER_VALUE",
                    #"Invalid value "abc" for parameter 'max_results' supplied:  Hint: Value was of type 'str'."#
                        + apiDocs)
        expectError(h.post("/mlflow/runs/search", #"{"max_results":50001}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid value 50001 for parameter 'max_results' supplied:  Hint: Value was of type 'int'." + apiDocs)
        expectError(h.post("/mlflow/runs/search", #"{"max_results":true}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid value true for parameter 'max_results' supplied:  Hint: Value was of type 'bool'." + apiDocs)
        expectError(h.post("/mlflow/runs/search", #"{"experiment_ids":"0"}"#), 400, "INVALID_PARAMETER_VALUE",
                    #"Invalid value "0" for parameter 'experiment_ids' supplied:  Hint: Value was of type 'str'."#
                        + apiDocs)
        let big = h.post("/mlflow/runs/search", "{\"experiment_ids\":[\"\(experimentId)\"],\"max_results\":50000}")
        #expect(big.status == 200)
        #expect(runIds(big).count == 2)
    }
}
