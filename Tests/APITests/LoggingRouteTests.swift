import JSON
import Testing
@testable import API

@Suite struct LoggingRouteTests {
    @Test func logMetricStoresValueTimestampAndStep() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        let reply = h.post("/mlflow/runs/log-metric",
                           "{\"run_id\":\"\(runId)\",\"key\":\"loss\",\"value\":0.25,\"timestamp\":1700000000000,\"step\":3}")
        #expect(reply.status == 200)
        #expect(reply.text == "{}")
        let metrics = try h.run(runId)["data"]?["metrics"]
        #expect(metrics == .array([.object([("key", .string("loss")), ("value", .double(0.25)),
                                            ("timestamp", .integer(1_700_000_000_000)), ("step", .integer(3))])]))
    }

    @Test func nanIsWrittenAsAStringAndInfinityAsTheLargestDouble() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        #expect(h.post("/mlflow/runs/log-metric", "{\"run_id\":\"\(runId)\",\"key\":\"n\",\"value\":\"NaN\",\"timestamp\":1}")
                .status == 200)
        #expect(h.post("/mlflow/runs/log-metric", "{\"run_id\":\"\(runId)\",\"key\":\"i\",\"value\":\"Infinity\",\"timestamp\":1}")
                .status == 200)
        let reply = h.get("/mlflow/runs/get?run_id=\(runId)")
        #expect(reply.text.contains(#"{"key":"n","value":"NaN","timestamp":1,"step":0}"#))
        let metrics = try #require(reply.json?["run"]?["data"]?["metrics"])
        let infinity = metrics.arrayValue?.first { $0["key"] == .string("i") }
        #expect(infinity?["value"] == .double(1.7976931348623157e308))
    }

    @Test func logMetricTypeErrorsAndMissingFields() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        expectError(h.post("/mlflow/runs/log-metric", "{\"run_id\":\"\(runId)\",\"key\":\"m\",\"value\":\"x\",\"timestamp\":1}"),
                    400, "INVALID_PARAMETER_VALUE",
                    #"Invalid value "x" for parameter 'value' supplied:  Hint: Value was of type 'str'."# + apiDocs)
        expectError(h.post("/mlflow/runs/log-metric", "{\"run_id\":\"\(runId)\",\"key\":\"m\",\"value\":1,\"timestamp\":\"abc\"}"),
                    400, "INVALID_PARAMETER_VALUE",
                    #"Invalid value "abc" for parameter 'timestamp' supplied:  Hint: Value was of type 'str'."# + apiDocs)
        expectError(h.post("/mlflow/runs/log-metric", "{\"run_id\":\"\(runId)\",\"key\":\"m\",\"value\":1}"),
                    400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'timestamp'." + apiDocs)
        expectError(h.post("/mlflow/runs/log-metric", "{\"run_id\":\"\(runId)\",\"key\":\"m\",\"timestamp\":1}"),
                    400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'value'." + apiDocs)
        expectError(h.post("/mlflow/runs/log-metric", "{\"run_id\":\"\(runId)\",\"key\":\"m\",\"value\":1,\"timestamp\":-1}"),
                    400, "INVALID_PARAMETER_VALUE",
                    "Invalid value -1 for parameter 'timestamp' supplied: metric 'm' (value=1.0). "
                        + "Timestamp must be a nonnegative long (64-bit integer) ")
        expectError(h.post("/mlflow/runs/log-metric", "{\"run_id\":\"\(runId)\",\"key\":\"a/../b\",\"value\":1,\"timestamp\":1}"),
                    400, "INVALID_PARAMETER_VALUE",
                    #"Invalid value "a/../b" for parameter 'name' supplied: Names may be treated as files in certain "#
                        + "cases, and must not resolve to other names when treated as such. This name would resolve to 'b'")
        #expect(try h.run(runId)["data"]?["metrics"] == nil)
    }

    @Test func logParameterOverwriteRules() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        #expect(h.post("/mlflow/runs/log-parameter", "{\"run_id\":\"\(runId)\",\"key\":\"lr\",\"value\":\"0.1\"}").status == 200)
        // The same value again is fine.
        #expect(h.post("/mlflow/runs/log-parameter", "{\"run_id\":\"\(runId)\",\"key\":\"lr\",\"value\":\"0.1\"}").status == 200)
        expectError(h.post("/mlflow/runs/log-parameter", "{\"run_id\":\"\(runId)\",\"key\":\"lr\",\"value\":\"0.2\"}"),
                    400, "INVALID_PARAMETER_VALUE",
                    "Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' "
                        + "for run ID='\(runId)'. Attempted logging new value '0.2'.")
        expectError(h.post("/mlflow/runs/log-batch", "{\"run_id\":\"\(runId)\",\"params\":[{\"key\":\"lr\",\"value\":\"0.3\"}]}"),
                    400, "INVALID_PARAMETER_VALUE",
                    "Changing param values is not allowed. Params were already logged='[{'key': 'lr', 'old_value': '0.1', "
                        + "'new_value': '0.3'}]' for run ID='\(runId)'.")
        #expect(try h.run(runId)["data"]?["params"] == .array([.object([("key", .string("lr")), ("value", .string("0.1"))])]))
    }

    @Test(arguments: [
        ("a/../b", #"Invalid value "a/../b" for parameter 'key' supplied: Names may be treated as files in certain cases, "#
            + "and must not resolve to other names when treated as such. This name would resolve to 'b'"),
        ("/abs", #"Invalid value "/abs" for parameter 'key' supplied: Names may be treated as files in certain cases, "#
            + "and must not resolve to other names when treated as such. This name would resolve to '/abs'"),
        ("bad!char", #"Invalid value "bad!char" for parameter 'key' supplied: Names may only contain alphanumerics, "#
            + "underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."),
        (String(repeating: "k", count: 251), "'Param key' exceeds the maximum length of 250 characters"),
    ])
    func badParamKeys(key: String, message: String) throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        expectError(h.post("/mlflow/runs/log-parameter", json: .object([("run_id", .string(runId)), ("key", .string(key)),
                                                                         ("value", .string("v"))])),
                    400, "INVALID_PARAMETER_VALUE", message)
        #expect(try h.run(runId)["data"]?["params"] == nil)
    }

    @Test func badTagKeys() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        expectError(h.post("/mlflow/runs/set-tag", json: .object([("run_id", .string(runId)),
                                                                   ("key", .string(String(repeating: "k", count: 251))),
                                                                   ("value", .string("v"))])),
                    400, "INVALID_PARAMETER_VALUE", "'key' exceeds the maximum length of 250 characters")
        expectError(h.post("/mlflow/runs/set-tag", "{\"run_id\":\"\(runId)\",\"key\":\"./t\",\"value\":\"v\"}"),
                    400, "INVALID_PARAMETER_VALUE",
                    #"Invalid value "./t" for parameter 'key' supplied: Names may be treated as files in certain cases, "#
                        + "and must not resolve to other names when treated as such. This name would resolve to 't'")
    }

    @Test func longParamAndTagValuesAreTruncated() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        let longParam = String(repeating: "p", count: 6500)
        let longTag = String(repeating: "é", count: 8500)
        #expect(h.post("/mlflow/runs/log-parameter", json: .object([("run_id", .string(runId)), ("key", .string("p")),
                                                                     ("value", .string(longParam))])).status == 200)
        #expect(h.post("/mlflow/runs/set-tag", json: .object([("run_id", .string(runId)), ("key", .string("t")),
                                                               ("value", .string(longTag))])).status == 200)
        let data = try #require(try h.run(runId)["data"])
        #expect(data["params"]?.value(forKey: "p")?.stringValue == String(repeating: "p", count: 6000))
        #expect(data["tags"]?.value(forKey: "t")?.stringValue == String(repeating: "é", count: 8000))
    }

    @Test func setTagAndDeleteTag() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        #expect(h.post("/mlflow/runs/set-tag", "{\"run_uuid\":\"\(runId)\",\"key\":\"k\",\"value\":\"v\"}").status == 200)
        #expect(try h.run(runId)["data"]?["tags"]?.value(forKey: "k") == .string("v"))
        #expect(h.post("/mlflow/runs/delete-tag", "{\"run_id\":\"\(runId)\",\"key\":\"k\"}").text == "{}")
        #expect(try h.run(runId)["data"]?["tags"]?.value(forKey: "k") == nil)
        expectError(h.post("/mlflow/runs/delete-tag", "{\"run_id\":\"\(runId)\",\"key\":\"k\"}"), 404,
                    "RESOURCE_DOES_NOT_EXIST", "No tag with name: k in run with id \(runId)")
        // Setting mlflow.runName renames the run.
        #expect(h.post("/mlflow/runs/set-tag", "{\"run_id\":\"\(runId)\",\"key\":\"mlflow.runName\",\"value\":\"nm\"}").status == 200)
        #expect(try h.run(runId)["info"]?["run_name"] == .string("nm"))
    }

    @Test func loggingToADeletedRunIsRefused() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        #expect(h.post("/mlflow/runs/delete", "{\"run_id\":\"\(runId)\"}").status == 200)
        let message = "The run \(runId) must be in the 'active' state. Current state is deleted."
        expectError(h.post("/mlflow/runs/log-metric", "{\"run_id\":\"\(runId)\",\"key\":\"m\",\"value\":1,\"timestamp\":1}"),
                    400, "INVALID_PARAMETER_VALUE", message)
        expectError(h.post("/mlflow/runs/log-parameter", "{\"run_id\":\"\(runId)\",\"key\":\"p\",\"value\":\"1\"}"),
                    400, "INVALID_PARAMETER_VALUE", message)
        expectError(h.post("/mlflow/runs/set-tag", "{\"run_id\":\"\(runId)\",\"key\":\"t\",\"value\":\"1\"}"),
                    400, "INVALID_PARAMETER_VALUE", message)
        expectError(h.post("/mlflow/runs/log-batch", "{\"run_id\":\"\(runId)\",\"params\":[{\"key\":\"p\",\"value\":\"1\"}]}"),
                    400, "INVALID_PARAMETER_VALUE", message)
        expectError(h.post("/mlflow/runs/update", "{\"run_id\":\"\(runId)\",\"status\":\"FINISHED\"}"),
                    400, "INVALID_PARAMETER_VALUE", message)
    }

    @Test func loggingToAnUnknownRunIs404() throws {
        let h = try APIHarness()
        expectError(h.post("/mlflow/runs/log-metric", #"{"run_id":"nope","key":"m","value":1,"timestamp":1}"#),
                    404, "RESOURCE_DOES_NOT_EXIST", "Run with id=nope not found")
        expectError(h.post("/mlflow/runs/log-parameter", #"{"key":"p","value":"1"}"#),
                    400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'run_id'." + apiDocs)
    }
}
