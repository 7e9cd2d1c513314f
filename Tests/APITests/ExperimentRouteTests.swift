import JSON
import Testing
@testable import API

@Suite struct ExperimentRouteTests {
    @Test func createThenGetAnswersTheExperimentMessage() throws {
        let h = try APIHarness()
        let created = h.post("/mlflow/experiments/create", #"{"name":"exp-a","tags":[{"key":"team","value":"ml"}]}"#)
        #expect(created.status == 200)
        #expect(created.json == .object([("experiment_id", .string("1"))]))

        let reply = h.get("/mlflow/experiments/get?experiment_id=1")
        #expect(reply.status == 200)
        let experiment = try #require(reply.json?["experiment"])
        #expect(experiment["experiment_id"] == .string("1"))
        #expect(experiment["name"] == .string("exp-a"))
        #expect(experiment["artifact_location"] == .string("/tmp/x/1"))
        #expect(experiment["lifecycle_stage"] == .string("active"))
        // int64 fields are JSON numbers, not strings.
        let created0 = try #require(experiment["creation_time"]?.intValue)
        #expect(created0 > 1_600_000_000_000)
        #expect(experiment["last_update_time"]?.intValue == created0)
        #expect(experiment["tags"] == .array([.object([("key", .string("team")), ("value", .string("ml"))])]))
    }

    @Test func getByNameFindsAndMisses() throws {
        let h = try APIHarness()
        let id = try h.createExperiment("by name")
        let found = h.get("/mlflow/experiments/get-by-name?experiment_name=by%20name")
        #expect(found.status == 200)
        #expect(found.json?["experiment"]?["experiment_id"] == .string(id))
        expectError(h.get("/mlflow/experiments/get-by-name?experiment_name=nope"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Could not find experiment with name 'nope'")
        let defaultExperiment = h.get("/mlflow/experiments/get-by-name?experiment_name=Default")
        #expect(defaultExperiment.json?["experiment"]?["experiment_id"] == .string("0"))
    }

    @Test func getUnknownAndMalformedIds() throws {
        let h = try APIHarness()
        expectError(h.get("/mlflow/experiments/get?experiment_id=999"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "No Experiment with id=999 exists")
        expectError(h.get("/mlflow/experiments/get?experiment_id=abc"), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.")
        expectError(h.get("/mlflow/experiments/get"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'experiment_id'." + apiDocs)
    }

    @Test func createRejectsDuplicatesBadNamesAndRunsURIs() throws {
        let h = try APIHarness()
        _ = try h.createExperiment("dup")
        expectError(h.post("/mlflow/experiments/create", #"{"name":"dup"}"#), 400, "RESOURCE_ALREADY_EXISTS",
                    "Experiment(name=dup) already exists.")
        expectError(h.post("/mlflow/experiments/create", #"{"name":""}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'name'." + apiDocs)
        expectError(h.post("/mlflow/experiments/create", #"{"name":123}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid value 123 for parameter 'name' supplied:  Hint: Value was of type 'int'." + apiDocs)
        let long = String(repeating: "n", count: 501)
        expectError(h.post("/mlflow/experiments/create", "{\"name\":\"\(long)\"}"), 400, "INVALID_PARAMETER_VALUE",
                    "'name' exceeds the maximum length of 500 characters")
        expectError(h.post("/mlflow/experiments/create", #"{"name":"r","artifact_location":"runs:/abc/x"}"#), 400,
                    "INVALID_PARAMETER_VALUE", "Artifact location cannot be a runs:/ URI. Given: 'runs:/abc/x'")
        // Nothing was written by the failures: only Default and "dup".
        let all = h.post("/mlflow/experiments/search", #"{"view_type":"ALL"}"#)
        #expect(all.json?["experiments"]?.count == 2)
    }

    @Test func createKeepsAnExplicitArtifactLocationAndIgnoresUnknownFields() throws {
        let h = try APIHarness()
        let reply = h.post("/mlflow/experiments/create", #"{"name":"loc","artifact_location":"s3://b/p","bogus":{"x":1}}"#)
        #expect(reply.status == 200)
        let id = try #require(reply.json?["experiment_id"]?.stringValue)
        #expect(h.get("/mlflow/experiments/get?experiment_id=\(id)").json?["experiment"]?["artifact_location"]
                == .string("s3://b/p"))
    }

    @Test func updateRenamesAndRefusesTakenNames() throws {
        let h = try APIHarness()
        let a = try h.createExperiment("a")
        _ = try h.createExperiment("b")
        let renamed = h.post("/mlflow/experiments/update", "{\"experiment_id\":\"\(a)\",\"new_name\":\"a2\"}")
        #expect(renamed.status == 200)
        #expect(renamed.text == "{}")
        #expect(h.get("/mlflow/experiments/get?experiment_id=\(a)").json?["experiment"]?["name"] == .string("a2"))
        expectError(h.post("/mlflow/experiments/update", "{\"experiment_id\":\"\(a)\",\"new_name\":\"b\"}"), 400,
                    "RESOURCE_ALREADY_EXISTS", "Experiment(name=b) already exists.")
        expectError(h.post("/mlflow/experiments/update", "{\"experiment_id\":\"\(a)\"}"), 400,
                    "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'new_name'." + apiDocs)
    }

    @Test func deleteAndRestoreMoveTheLifecycleStage() throws {
        let h = try APIHarness()
        let id = try h.createExperiment("gone")
        #expect(h.post("/mlflow/experiments/delete", "{\"experiment_id\":\"\(id)\"}").text == "{}")
        #expect(h.get("/mlflow/experiments/get?experiment_id=\(id)").json?["experiment"]?["lifecycle_stage"]
                == .string("deleted"))
        expectError(h.post("/mlflow/experiments/update", "{\"experiment_id\":\"\(id)\",\"new_name\":\"x\"}"), 400,
                    "INVALID_STATE", "Cannot rename a non-active experiment.")
        expectError(h.post("/mlflow/experiments/delete", "{\"experiment_id\":\"\(id)\"}"), 404,
                    "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=\(id) exists")
        #expect(h.post("/mlflow/experiments/restore", "{\"experiment_id\":\"\(id)\"}").status == 200)
        #expect(h.get("/mlflow/experiments/get?experiment_id=\(id)").json?["experiment"]?["lifecycle_stage"]
                == .string("active"))
        expectError(h.post("/mlflow/experiments/restore", "{\"experiment_id\":\"\(id)\"}"), 404,
                    "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=\(id) exists")
        expectError(h.post("/mlflow/experiments/delete", #"{"experiment_id":"424242"}"#), 404,
                    "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=424242 exists")
    }

    @Test func setAndDeleteExperimentTags() throws {
        let h = try APIHarness()
        let id = try h.createExperiment("tagged")
        #expect(h.post("/mlflow/experiments/set-experiment-tag",
                       "{\"experiment_id\":\"\(id)\",\"key\":\"k\",\"value\":\"v1\"}").status == 200)
        #expect(h.post("/mlflow/experiments/set-experiment-tag",
                       "{\"experiment_id\":\"\(id)\",\"key\":\"k\",\"value\":\"v2\"}").status == 200)
        var experiment = h.get("/mlflow/experiments/get?experiment_id=\(id)").json?["experiment"]
        #expect(experiment?["tags"] == .array([.object([("key", .string("k")), ("value", .string("v2"))])]))

        expectError(h.post("/mlflow/experiments/set-experiment-tag",
                           "{\"experiment_id\":\"\(id)\",\"key\":\"bad!\",\"value\":\"v\"}"), 400,
                    "INVALID_PARAMETER_VALUE",
                    #"Invalid value "bad!" for parameter 'key' supplied: Names may only contain alphanumerics, "#
                        + "underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).")
        let longValue = String(repeating: "v", count: 20001)
        expectError(h.post("/mlflow/experiments/set-experiment-tag",
                           "{\"experiment_id\":\"\(id)\",\"key\":\"big\",\"value\":\"\(longValue)\"}"), 400,
                    "INVALID_PARAMETER_VALUE", "'value' exceeds the maximum length of 20000 characters")

        #expect(h.post("/mlflow/experiments/delete-experiment-tag", "{\"experiment_id\":\"\(id)\",\"key\":\"k\"}").text
                == "{}")
        experiment = h.get("/mlflow/experiments/get?experiment_id=\(id)").json?["experiment"]
        #expect(experiment?["tags"] == nil)
        expectError(h.post("/mlflow/experiments/delete-experiment-tag", "{\"experiment_id\":\"\(id)\",\"key\":\"k\"}"),
                    404, "RESOURCE_DOES_NOT_EXIST", "No tag with name: k in experiment with id \(id)")
    }
}

@Suite struct ExperimentSearchRouteTests {
    /// Default plus "alpha", "beta" and a deleted "gamma".
    private func seeded() throws -> (APIHarness, [String]) {
        let h = try APIHarness()
        let ids = try ["alpha", "beta", "gamma"].map { try h.createExperiment($0) }
        #expect(h.post("/mlflow/experiments/delete", "{\"experiment_id\":\"\(ids[2])\"}").status == 200)
        return (h, ids)
    }

    private func names(_ reply: Reply) -> [String] {
        reply.json?["experiments"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }

    @Test func searchByPostAndGetWithFilterAndOrder() throws {
        let (h, _) = try seeded()
        let post = h.post("/mlflow/experiments/search", #"{"filter":"name LIKE '%a'","order_by":["name DESC"]}"#)
        #expect(post.status == 200)
        #expect(names(post) == ["beta", "alpha"])
        let get = h.get("/mlflow/experiments/search?filter=name%20LIKE%20%27%25a%27&order_by=name%20ASC")
        #expect(get.status == 200)
        #expect(names(get) == ["alpha", "beta"])
    }

    @Test func searchPagesWithTokens() throws {
        let (h, _) = try seeded()
        let first = h.post("/mlflow/experiments/search", #"{"max_results":2,"order_by":["name ASC"]}"#)
        #expect(names(first) == ["Default", "alpha"])
        let token = try #require(first.json?["next_page_token"]?.stringValue)
        let second = h.post("/mlflow/experiments/search",
                            json: .object([("max_results", .integer(2)), ("order_by", .array([.string("name ASC")])),
                                           ("page_token", .string(token))]))
        #expect(names(second) == ["beta"])
        #expect(second.json?["next_page_token"] == nil)
    }

    @Test func viewTypeByNameAndByNumber() throws {
        let (h, _) = try seeded()
        #expect(names(h.post("/mlflow/experiments/search", #"{"view_type":"DELETED_ONLY"}"#)) == ["gamma"])
        #expect(names(h.post("/mlflow/experiments/search", #"{"view_type":2}"#)) == ["gamma"])
        #expect(names(h.get("/mlflow/experiments/search?view_type=2")) == ["gamma"])
        #expect(names(h.get("/mlflow/experiments/search?view_type=DELETED_ONLY")) == ["gamma"])
        #expect(Set(names(h.post("/mlflow/experiments/search", #"{"view_type":3}"#)))
                == ["Default", "alpha", "beta", "gamma"])
        #expect(Set(names(h.post("/mlflow/experiments/search", #"{"view_type":"ACTIVE_ONLY"}"#)))
                == ["Default", "alpha", "beta"])
        expectError(h.post("/mlflow/experiments/search", #"{"view_type":"BOGUS"}"#), 400, "INVALID_PARAMETER_VALUE",
                    #"Invalid value "BOGUS" for parameter 'view_type' supplied:  Hint: Value was of type 'str'."#
                        + apiDocs)
    }

    @Test func emptyResultIsAnEmptyObject() throws {
        let (h, _) = try seeded()
        let reply = h.post("/mlflow/experiments/search", #"{"filter":"name = 'nope'"}"#)
        #expect(reply.status == 200)
        #expect(reply.text == "{}")
    }

    @Test func maxResultsBoundsAndTypes() throws {
        let (h, _) = try seeded()
        expectError(h.post("/mlflow/experiments/search", #"{"max_results":50001}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000")
        expectError(h.post("/mlflow/experiments/search", #"{"max_results":0}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer")
        expectError(h.post("/mlflow/experiments/search", #"{"max_results":"abc"}"#), 400, "INVALID_PARAMETER_VALUE",
                    #"Invalid value "abc" for parameter 'max_results' supplied:  Hint: Value was of type 'str'."#
                        + apiDocs)
        // A decimal string is an int64 in protobuf's JSON.
        #expect(names(h.post("/mlflow/experiments/search", #"{"max_results":"1","order_by":["name ASC"]}"#)) == ["Default"])
        #expect(h.post("/mlflow/experiments/search", #"{"max_results":50000}"#).status == 200)
    }
}
