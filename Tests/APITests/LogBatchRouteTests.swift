import JSON
import Testing
@testable import API

@Suite struct LogBatchRouteTests {
    private func metrics(_ count: Int) -> JSONValue {
        .array((0..<count).map { index in
            .object([("key", .string("m")), ("value", .integer(Int64(index))), ("timestamp", .integer(1)),
                     ("step", .integer(Int64(index)))])
        })
    }

    private func entries(_ count: Int, prefix: String) -> JSONValue {
        .array((0..<count).map { .object([("key", .string("\(prefix)\($0)")), ("value", .string("v"))]) })
    }

    private func batch(_ runId: String, metrics: Int = 0, params: Int = 0, tags: Int = 0) -> JSONValue {
        .object([("run_id", .string(runId)), ("metrics", self.metrics(metrics)),
                 ("params", entries(params, prefix: "p")), ("tags", entries(tags, prefix: "t"))])
    }

    /// Nothing of the batch was written: no metrics, no params, only the run-name tag.
    private func expectUntouched(_ h: APIHarness, _ runId: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let data = try h.run(runId)["data"]
        #expect(data?["metrics"] == nil, sourceLocation: sourceLocation)
        #expect(data?["params"] == nil, sourceLocation: sourceLocation)
        #expect(data?["tags"]?.arrayValue?.compactMap { $0["key"]?.stringValue } == ["mlflow.runName"],
                sourceLocation: sourceLocation)
        #expect(h.get("/mlflow/metrics/get-history?run_id=\(runId)&metric_key=m").text == "{}", sourceLocation: sourceLocation)
    }

    @Test func logsMetricsParamsAndTagsTogether() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        let reply = h.post("/mlflow/runs/log-batch", json: batch(runId, metrics: 3, params: 2, tags: 2))
        #expect(reply.status == 200)
        #expect(reply.text == "{}")
        let data = try #require(try h.run(runId)["data"])
        // The latest metric is the one at the greatest step.
        #expect(data["metrics"] == .array([.object([("key", .string("m")), ("value", .double(2)), ("timestamp", .integer(1)),
                                                    ("step", .integer(2))])]))
        #expect(data["params"]?.count == 2)
        #expect(data["params"]?.value(forKey: "p1") == .string("v"))
        #expect(data["tags"]?.value(forKey: "t0") == .string("v"))
        #expect(h.get("/mlflow/metrics/get-history?run_id=\(runId)&metric_key=m").json?["metrics"]?.count == 3)
    }

    @Test func exactlyAtTheLimitsIsAccepted() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        #expect(h.post("/mlflow/runs/log-batch", json: batch(runId, metrics: 800, params: 100, tags: 100)).status == 200)
        #expect(h.get("/mlflow/metrics/get-history?run_id=\(runId)&metric_key=m").json?["metrics"]?.count == 800)
    }

    @Test(arguments: [
        (1001, 0, 0, "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. "
            + "Please split up metrics across multiple requests and try again."),
        (0, 101, 0, "A batch logging request can contain at most 100 params. Got 101 params. "
            + "Please split up params across multiple requests and try again."),
        (0, 0, 101, "A batch logging request can contain at most 100 tags. Got 101 tags. "
            + "Please split up tags across multiple requests and try again."),
        (900, 60, 41, "A batch logging request can contain at most 1000 metrics, params, and tags. "
            + "Got 1001 metrics, params, and tags. Please split up metrics, params, and tags across multiple "
            + "requests and try again."),
    ])
    func overTheLimitsIsRefusedAndWritesNothing(metrics: Int, params: Int, tags: Int, message: String) throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        expectError(h.post("/mlflow/runs/log-batch", json: batch(runId, metrics: metrics, params: params, tags: tags)),
                    400, "INVALID_PARAMETER_VALUE", message)
        try expectUntouched(h, runId)
    }

    @Test func duplicateParamKeysAreRefused() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        let params: JSONValue = .array(["a", "b", "a", "b", "c"].map { .object([("key", .string($0)), ("value", .string("1"))]) })
        expectError(h.post("/mlflow/runs/log-batch", json: .object([("run_id", .string(runId)), ("params", params)])),
                    400, "INVALID_PARAMETER_VALUE",
                    "Duplicate parameter keys have been submitted: ['a', 'b']. Please ensure the request contains only "
                        + "one param value per param key.")
        try expectUntouched(h, runId)
    }

    @Test func missingSubFieldsAndBadEntriesNameTheirPath() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        expectError(h.post("/mlflow/runs/log-batch", "{\"run_id\":\"\(runId)\",\"metrics\":[{\"key\":\"m\",\"value\":1}]}"),
                    400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'metrics[0].timestamp'." + apiDocs)
        expectError(h.post("/mlflow/runs/log-batch", "{\"run_id\":\"\(runId)\",\"params\":[{\"value\":\"1\"}]}"),
                    400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'params[0].key'." + apiDocs)
        expectError(h.post("/mlflow/runs/log-batch", "{\"run_id\":\"\(runId)\",\"tags\":[{\"key\":\"ok\"},{\"value\":\"1\"}]}"),
                    400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'tags[1].key'." + apiDocs)
        expectError(h.post("/mlflow/runs/log-batch", "{\"run_id\":\"\(runId)\",\"params\":[{\"key\":\"ok\",\"value\":\"1\"},{\"key\":\"bad!\",\"value\":\"1\"}]}"),
                    400, "INVALID_PARAMETER_VALUE",
                    #"Invalid value "bad!" for parameter 'params[1].key' supplied: Names may only contain alphanumerics, "#
                        + "underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).")
        expectError(h.post("/mlflow/runs/log-batch", "{\"run_id\":\"\(runId)\",\"metrics\":[{\"key\":\"m\",\"value\":1,\"timestamp\":-5}]}"),
                    400, "INVALID_PARAMETER_VALUE",
                    "Invalid value -5 for parameter 'metrics[0].timestamp' supplied: metric 'm' (value=1.0). "
                        + "Timestamp must be a nonnegative long (64-bit integer) ")
        expectError(h.post("/mlflow/runs/log-batch", #"{"run_id":"bad id!"}"#), 400, "INVALID_PARAMETER_VALUE",
                    #"Invalid value "bad id!" for parameter 'run_id' supplied."#)
        expectError(h.post("/mlflow/runs/log-batch", "{\"run_id\":\"\(runId)\",\"metrics\":{\"key\":\"m\"}}"),
                    400, "INVALID_PARAMETER_VALUE",
                    #"Invalid value {"key":"m"} for parameter 'metrics' supplied:  Hint: Value was of type 'dict'."# + apiDocs)
        try expectUntouched(h, runId)
    }

    @Test func longValuesInABatchAreTruncated() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        let body: JSONValue = .object([
            ("run_id", .string(runId)),
            ("params", .array([.object([("key", .string("p")), ("value", .string(String(repeating: "x", count: 6001)))])])),
            ("tags", .array([.object([("key", .string("t")), ("value", .string(String(repeating: "y", count: 8001)))])])),
        ])
        #expect(h.post("/mlflow/runs/log-batch", json: body).status == 200)
        let data = try h.run(runId)["data"]
        #expect(data?["params"]?.value(forKey: "p")?.stringValue?.count == 6000)
        #expect(data?["tags"]?.value(forKey: "t")?.stringValue?.count == 8000)
    }
}

@Suite struct LogInputsRouteTests {
    @Test func datasetsAndModelsAppearInTheRunInputs() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        let reply = h.post("/mlflow/runs/log-inputs", """
            {"run_id":"\(runId)","datasets":[{"tags":[{"key":"mlflow.data.context","value":"train"}],
             "dataset":{"name":"iris","digest":"abc123","source_type":"local","source":"{\\"uri\\":\\"/d\\"}",
                        "schema":"{}"}}],
             "models":[{"model_id":"m-1"}]}
            """)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.text == "{}")
        let inputs = try #require(try h.run(runId)["inputs"])
        let datasetInput = try #require(inputs["dataset_inputs"]?[0])
        #expect(datasetInput["tags"] == .array([.object([("key", .string("mlflow.data.context")), ("value", .string("train"))])]))
        #expect(datasetInput["dataset"] == .object([("name", .string("iris")), ("digest", .string("abc123")),
                                                    ("source_type", .string("local")), ("source", .string(#"{"uri":"/d"}"#)),
                                                    ("schema", .string("{}"))]))
        #expect(inputs["model_inputs"] == .array([.object([("model_id", .string("m-1"))])]))
    }

    @Test func incompleteDatasetsAreRefused() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        expectError(h.post("/mlflow/runs/log-inputs", "{\"run_id\":\"\(runId)\",\"datasets\":[{\"tags\":[]}]}"),
                    400, "INVALID_PARAMETER_VALUE", "Dataset cannot be None")
        expectError(h.post("/mlflow/runs/log-inputs", """
            {"run_id":"\(runId)","datasets":[{"dataset":{"name":"d","source_type":"local","source":"s"}}]}
            """), 400, "INVALID_PARAMETER_VALUE", "Dataset digest cannot be None")
        expectError(h.post("/mlflow/runs/log-inputs", """
            {"run_id":"\(runId)","datasets":[{"dataset":{"name":"d","digest":"\(String(repeating: "0", count: 37))",
             "source_type":"local","source":"s"}}]}
            """), 400, "INVALID_PARAMETER_VALUE", "'Dataset digest' exceeds the maximum length of 36 characters")
        #expect(try h.run(runId)["inputs"] == .object([]))
    }
}
