import Foundation
import JSON
import Testing
import TrackingCore
@testable import API

@Suite struct LoggedModelSearchRouteTests {
    @Test func searchShapesAndDefaults() throws {
        let h = try APIHarness()
        let experimentId = try h.createExperiment("search")
        for name in ["a1", "a2", "a3"] {
            _ = try h.createLoggedModel(#"{"experiment_id":"\#(experimentId)","name":"\#(name)"}"#)
            Thread.sleep(forTimeInterval: 0.003)
        }
        expectError(h.post("/mlflow/logged-models/search", "{}"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'experiment_ids'." + apiDocs)
        #expect(h.post("/mlflow/logged-models/search", #"{"experiment_ids":[]}"#).text == "{}")
        let all = h.post("/mlflow/logged-models/search", #"{"experiment_ids":["\#(experimentId)"]}"#)
        #expect(all.json?["models"]?.arrayValue?.compactMap { $0["info"]?["name"]?.stringValue } == ["a3", "a2", "a1"])
        #expect(all.json?["next_page_token"] == nil)

        let page = h.post("/mlflow/logged-models/search", #"{"experiment_ids":["\#(experimentId)"],"max_results":2}"#)
        #expect(page.json?["models"]?.count == 2)
        let token = try #require(page.json?["next_page_token"]?.stringValue)
        let rest = h.post("/mlflow/logged-models/search",
                          #"{"experiment_ids":["\#(experimentId)"],"max_results":2,"page_token":"\#(token)"}"#)
        #expect(rest.json?["models"]?.arrayValue?.compactMap { $0["info"]?["name"]?.stringValue } == ["a1"])

        // A proto2 bool: absent `ascending` is false, so this orders by name descending.
        let ordered = h.post("/mlflow/logged-models/search",
                             #"{"experiment_ids":["\#(experimentId)"],"order_by":[{"field_name":"name"}]}"#)
        #expect(ordered.json?["models"]?.arrayValue?.compactMap { $0["info"]?["name"]?.stringValue } == ["a3", "a2", "a1"])
        let filtered = h.post("/mlflow/logged-models/search",
                              #"{"experiment_ids":["\#(experimentId)"],"filter":"name = 'a2'"}"#)
        #expect(filtered.json?["models"]?.count == 1)
        expectError(h.post("/mlflow/logged-models/search",
                           #"{"experiment_ids":["\#(experimentId)"],"filter":"foo.x = 1"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid entity type: 'foo'. Expected one of ['attributes', 'metrics', 'params', 'tags'].")
    }

    @Test func routerSendsSearchAndIdsApart() throws {
        let h = try APIHarness()
        // As Flask: GET on the search path is the get route with model_id "search".
        expectError(h.get("/mlflow/logged-models/search"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Logged model with ID 'search' not found.")
        #expect(h.request("PUT", "/api/2.0/mlflow/logged-models/m-1").status == 405)
        #expect(h.request("POST", "/api/2.0/mlflow/logged-models/m-1/tags/x").status == 405)
        #expect(h.request("GET", "/api/2.0/mlflow/logged-models/m-1/nope").status == 404)
        #expect(h.request("GET", "/api/2.0/mlflow/logged-models//tags").status == 404)
    }
}
