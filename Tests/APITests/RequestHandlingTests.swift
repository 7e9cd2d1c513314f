import HTTPTransport
import JSON
import Testing
@testable import API

@Suite struct RequestHandlingTests {
    private let missingName = "Missing value for required parameter 'name'." + apiDocs

    @Test func healthAndVersion() throws {
        let h = try APIHarness()
        let health = h.request("GET", "/health")
        #expect(health.status == 200)
        #expect(health.text == "OK")
        #expect(health.header("Content-Type") == "text/plain; charset=utf-8")
        let version = h.request("GET", "/version")
        #expect(version.status == 200)
        #expect(version.text == "test")
        // They live outside the API prefixes.
        #expect(h.request("GET", "/api/2.0/health").status == 404)
    }

    @Test func ajaxAPIIsATwinOfTheAPI() throws {
        let h = try APIHarness()
        let created = h.post("/mlflow/experiments/create", #"{"name":"twin"}"#, prefix: "/ajax-api/2.0")
        #expect(created.status == 200)
        #expect(created.json == .object([("experiment_id", .string("1"))]))
        let viaAPI = h.get("/mlflow/experiments/get?experiment_id=1")
        let viaAjax = h.get("/mlflow/experiments/get?experiment_id=1", prefix: "/ajax-api/2.0")
        #expect(viaAjax.status == 200)
        #expect(viaAjax.body == viaAPI.body)
        expectError(h.get("/mlflow/runs/get?run_id=nope", prefix: "/ajax-api/2.0"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Run with id=nope not found")
    }

    @Test func unknownRouteIsAnHTML404() throws {
        let h = try APIHarness()
        for target in ["/api/2.0/mlflow/nope", "/nope", "/api/2.0/mlflow/runs/get/extra", "/api/2.1/mlflow/runs/get"] {
            let reply = h.request("GET", target)
            #expect(reply.status == 404, "\(target)")
            #expect(reply.header("Content-Type") == "text/html; charset=utf-8")
            #expect(reply.text.contains("<title>404 Not Found</title>"))
        }
    }

    @Test func wrongMethodIsA405WithAllow() throws {
        let h = try APIHarness()
        let getOnPost = h.request("GET", "/api/2.0/mlflow/runs/create")
        #expect(getOnPost.status == 405)
        #expect(getOnPost.header("Allow") == "OPTIONS, POST")
        #expect(getOnPost.text.contains("<title>405 Method Not Allowed</title>"))
        let postOnGet = h.request("POST", "/api/2.0/mlflow/runs/get", body: "{}")
        #expect(postOnGet.status == 405)
        #expect(postOnGet.header("Allow") == "GET, HEAD, OPTIONS")
        let deleteOnSearch = h.request("DELETE", "/ajax-api/2.0/mlflow/experiments/search")
        #expect(deleteOnSearch.status == 405)
        #expect(deleteOnSearch.header("Allow") == "GET, HEAD, OPTIONS, POST")
        // HEAD is served by the GET handler.
        #expect(h.request("HEAD", "/health").status == 200)
    }

    @Test func contentTypeIsCheckedOnPost() throws {
        let h = try APIHarness()
        expectError(h.post("/mlflow/experiments/create", #"{"name":"x"}"#, contentType: nil), 400,
                    "INVALID_PARAMETER_VALUE", "Bad Request. Content-Type header is missing.")
        expectError(h.post("/mlflow/experiments/create", #"{"name":"x"}"#, contentType: "text/plain"), 400,
                    "INVALID_PARAMETER_VALUE", "Bad Request. Content-Type must be one of ['application/json'].")
        expectError(h.post("/mlflow/experiments/create", #"{"name":"x"}"#, contentType: "application/jsonx"), 400,
                    "INVALID_PARAMETER_VALUE", "Bad Request. Content-Type must be one of ['application/json'].")
        #expect(h.post("/mlflow/experiments/create", #"{"name":"x"}"#, contentType: "application/json; charset=utf-8")
                .status == 200)
        // Nothing was created by the refused requests.
        #expect(h.get("/mlflow/experiments/get-by-name?experiment_name=x").json?["experiment"]?["experiment_id"]
                == .string("1"))
    }

    @Test(arguments: [
        #"{"name": "#, "not json", #"{"name":"x",}"#, "[1,2]", "42", "\u{FF}\u{FE}",
    ])
    func malformedBodiesReadAsEmpty(body: String) throws {
        let h = try APIHarness()
        expectError(h.post("/mlflow/experiments/create", body), 400, "INVALID_PARAMETER_VALUE", missingName)
    }

    @Test func emptyAndInvalidUTF8BodiesReadAsEmpty() throws {
        let h = try APIHarness()
        expectError(h.post("/mlflow/experiments/create", bytes: []), 400, "INVALID_PARAMETER_VALUE", missingName)
        expectError(h.post("/mlflow/experiments/create", bytes: [0x7B, 0xFF, 0x7D]), 400, "INVALID_PARAMETER_VALUE",
                    missingName)
    }

    @Test func deeplyNestedJSONIsMalformedNotACrash() throws {
        let h = try APIHarness()
        expectError(h.post("/mlflow/experiments/create", String(repeating: "[", count: 1000)), 400,
                    "INVALID_PARAMETER_VALUE", missingName)
        let nestedValue = "{\"name\":\"deep\",\"x\":" + String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000) + "}"
        expectError(h.post("/mlflow/experiments/create", nestedValue), 400, "INVALID_PARAMETER_VALUE", missingName)
        let deepObject = String(repeating: "{\"a\":", count: 100_000)
        expectError(h.post("/mlflow/experiments/create", deepObject), 400, "INVALID_PARAMETER_VALUE", missingName)
    }

    /// A body of more JSON values than any request needs is refused before its tree is built
    /// (a 63 MB body of `[0]`s was 1.7 GB of values), also when wrapped in a JSON string; a value
    /// of the wrong type is echoed by its first 1,000 characters only.
    @Test func aBodyOfTooManyValuesIsRefusedAndHugeValuesAreNotEchoed() throws {
        let h = try APIHarness()
        let many = "{\"name\":\"x\",\"pad\":[" + Array(repeating: "0", count: 1_000_000).joined(separator: ",") + "]}"
        let tooMany = "The request body holds more than 1000000 JSON values, more than any request of this API needs."
        expectError(h.post("/mlflow/experiments/create", many), 400, "INVALID_PARAMETER_VALUE", tooMany)
        let wrapped = "\"" + many.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        expectError(h.post("/mlflow/experiments/create", wrapped), 400, "INVALID_PARAMETER_VALUE", tooMany)
        #expect(h.get("/mlflow/experiments/get-by-name?experiment_name=x").status == 404)
        // Just under the budget: parsed, and the unknown field ignored.
        let fits = "{\"name\":\"fits\",\"pad\":[" + Array(repeating: "0", count: 999_990).joined(separator: ",") + "]}"
        #expect(h.post("/mlflow/experiments/create", fits).status == 200)
        let huge = "{\"name\":[\"" + String(repeating: "a", count: 100_000) + "\"]}"
        let reply = h.post("/mlflow/experiments/create", huge)
        #expect(reply.status == 400)
        let message = reply.json?["message"]?.stringValue ?? ""
        #expect(message.count < 1_400 && message.contains("aaaa..."), "\(message.prefix(300)) \(message.suffix(300))")
    }

    @Test func aJSONStringHoldingAnObjectIsDecodedOnceMore() throws {
        let h = try APIHarness()
        let reply = h.post("/mlflow/experiments/create", #""{\"name\":\"wrapped\"}""#)
        #expect(reply.status == 200)
        #expect(h.get("/mlflow/experiments/get-by-name?experiment_name=wrapped").status == 200)
    }

    @Test func unknownFieldsAreIgnored() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        let reply = h.post("/mlflow/runs/log-parameter",
                           "{\"run_id\":\"\(runId)\",\"key\":\"p\",\"value\":\"1\",\"unknown\":[1,{\"x\":null}],\"other\":true}")
        #expect(reply.status == 200)
        #expect(try h.run(runId)["data"]?["params"]?.value(forKey: "p") == .string("1"))
    }

    @Test func repeatedKeysKeepTheLast() throws {
        let h = try APIHarness()
        #expect(h.post("/mlflow/experiments/create", #"{"name":"first","name":"second"}"#).status == 200)
        #expect(h.get("/mlflow/experiments/get?experiment_id=1").json?["experiment"]?["name"] == .string("second"))
    }

    @Test func getIgnoresTheBodyAndReadsTheQuery() throws {
        let h = try APIHarness()
        let reply = Reply(h.api.handle(HTTPRequest(method: "GET", target: "/api/2.0/mlflow/experiments/get?experiment_id=0",
                                                   body: Array(#"{"experiment_id":"999"}"#.utf8))))
        #expect(reply.json?["experiment"]?["name"] == .string("Default"))
    }

    @Test func errorBodiesHaveOnlyCodeAndMessage() throws {
        let h = try APIHarness()
        let reply = h.get("/mlflow/runs/get?run_id=nope")
        #expect(reply.json?.keys == ["error_code", "message"])
        #expect(reply.text == #"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Run with id=nope not found"}"#)
    }

    @Test func rejectionsAreJSONErrors() throws {
        let h = try APIHarness()
        let request = HTTPRequest(method: "POST", target: "/api/2.0/mlflow/runs/log-batch")
        let tooLarge = Reply(h.api.reject(.bodyTooLarge(limit: 10), request: request))
        #expect(tooLarge.status == 413)
        #expect(tooLarge.errorCode == "INVALID_PARAMETER_VALUE")
        #expect(tooLarge.message == "Request body exceeds the limit of 10 bytes.")
        let shuttingDown = Reply(h.api.reject(.serverShuttingDown, request: request))
        #expect(shuttingDown.status == 503)
        #expect(shuttingDown.errorCode == "TEMPORARILY_UNAVAILABLE")
    }
}
