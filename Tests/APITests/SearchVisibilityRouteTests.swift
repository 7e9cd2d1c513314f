import Foundation
import HTTPTransport
import JSON
import Testing
import TrackingCore
@testable import API

/// A `SearchVisibility` that answers per `request.user`, from fixed tables; an unknown caller
/// may read nothing.
private struct StubVisibility: SearchVisibility {
    let experiments: [String: IdentifierFilter]
    let models: [String: IdentifierFilter]

    func readableExperiments(_ request: RouteRequest) throws -> IdentifierFilter {
        experiments[request.user ?? ""] ?? .only([])
    }

    func readableRegisteredModels(_ request: RouteRequest) throws -> IdentifierFilter {
        models[request.user ?? ""] ?? .only([])
    }
}

/// Three experiments (a run and a logged model in each) and three registered models (a version
/// each), made through a plain API; then an API over the same store with per-user visibility.
private struct VisibilityFixture {
    let harness: APIHarness
    let experiments: [String]
    let api: MLflowAPI

    init() throws {
        harness = try APIHarness()
        var experiments: [String] = []
        for index in 1...3 {
            let id = try harness.createExperiment("e\(index)")
            _ = try harness.createRun(experimentId: id, name: "run-e\(index)")
            _ = try harness.createLoggedModel(#"{"experiment_id":"\#(id)","name":"lm-e\#(index)"}"#)
            #expect(harness.post("/mlflow/registered-models/create", #"{"name":"m\#(index)"}"#).status == 200)
            #expect(harness.post("/mlflow/model-versions/create", #"{"name":"m\#(index)","source":"s3://b/m"}"#)
                .status == 200)
            experiments.append(id)
        }
        self.experiments = experiments
        let (e1, e2, e3) = (experiments[0], experiments[1], experiments[2])
        var parts = APIParts(stores: APIStores(harness.store), version: "test")
        parts.visibility = StubVisibility(
            experiments: ["alice": .only([e1, e3]), "bob": .allExcept(["0", e1]), "admin": .all],
            models: ["alice": .only(["m1"]), "bob": .allExcept(["m1"]), "admin": .all])
        api = MLflowAPI(parts)
    }

    func send(_ method: String, _ target: String, _ body: String = "", as user: String?) -> Reply {
        var request = HTTPRequest(method: method, target: target,
                                  headers: [(name: "Content-Type", value: "application/json")], body: Array(body.utf8))
        request.user = user
        return Reply(api.handle(request))
    }

    /// `field` of every element of `list` in the answer (after checking it is a 200).
    func values(_ reply: Reply, _ list: String, _ path: [String]) -> [String] {
        #expect(reply.status == 200, "\(reply.text)")
        return (reply.json?[list]?.arrayValue ?? []).compactMap { element in
            path.reduce(Optional(element)) { $0?[$1] }?.stringValue
        }
    }
}

@Suite("Search visibility on the routes")
struct SearchVisibilityRouteTests {
    @Test func experimentsSearchAnswersReadableExperimentsOnly() throws {
        let f = try VisibilityFixture()
        let (e1, e2, e3) = (f.experiments[0], f.experiments[1], f.experiments[2])
        func ids(_ user: String?, prefix: String = "/api/2.0", get: Bool = false) -> Set<String> {
            let reply = get ? f.send("GET", prefix + "/mlflow/experiments/search?max_results=100", as: user)
                : f.send("POST", prefix + "/mlflow/experiments/search", #"{"max_results":100}"#, as: user)
            return Set(f.values(reply, "experiments", ["experiment_id"]))
        }
        #expect(ids("admin") == ["0", e1, e2, e3])
        #expect(ids("alice") == [e1, e3])
        #expect(ids("alice", get: true) == [e1, e3])
        #expect(ids("alice", prefix: "/ajax-api/2.0") == [e1, e3])
        #expect(ids("bob") == [e2, e3])
        #expect(f.send("POST", "/api/2.0/mlflow/experiments/search", "{}", as: "carol").text == "{}")
        // Paging walks the readable ones only.
        let first = f.send("POST", "/api/2.0/mlflow/experiments/search", #"{"max_results":1}"#, as: "alice")
        let token = try #require(first.json?["next_page_token"]?.stringValue)
        let second = f.send("POST", "/api/2.0/mlflow/experiments/search",
                            #"{"max_results":1,"page_token":"\#(token)"}"#, as: "alice")
        #expect(second.json?["next_page_token"] == nil)
        #expect(Set(f.values(first, "experiments", ["experiment_id"]) + f.values(second, "experiments", ["experiment_id"]))
                == [e1, e3])
    }

    @Test func runsSearchDropsUnreadableExperimentIds() throws {
        let f = try VisibilityFixture()
        let (e1, e2, e3) = (f.experiments[0], f.experiments[1], f.experiments[2])
        func runNames(_ user: String, _ experimentIds: [String], prefix: String = "/api/2.0") -> Set<String> {
            let ids = experimentIds.map { "\"\($0)\"" }.joined(separator: ",")
            let reply = f.send("POST", prefix + "/mlflow/runs/search", #"{"experiment_ids":[\#(ids)]}"#, as: user)
            return Set(f.values(reply, "runs", ["info", "run_name"]))
        }
        let all = [e1, e2, e3]
        #expect(runNames("admin", all) == ["run-e1", "run-e2", "run-e3"])
        #expect(runNames("alice", all) == ["run-e1", "run-e3"])
        #expect(runNames("alice", all, prefix: "/ajax-api/2.0") == ["run-e1", "run-e3"])
        #expect(runNames("bob", all) == ["run-e2", "run-e3"])
        #expect(runNames("bob", [e1]).isEmpty)
        // Another spelling of a refused id is refused too.
        #expect(runNames("bob", ["0" + e1, " \(e1)"]).isEmpty)
        #expect(f.send("POST", "/api/2.0/mlflow/runs/search", #"{"experiment_ids":["\#(e2)"]}"#, as: "carol").text
                == "{}")
    }

    @Test func loggedModelsSearchDropsUnreadableExperimentIds() throws {
        let f = try VisibilityFixture()
        let ids = f.experiments.map { "\"\($0)\"" }.joined(separator: ",")
        func names(_ user: String) -> Set<String> {
            let reply = f.send("POST", "/api/2.0/mlflow/logged-models/search", #"{"experiment_ids":[\#(ids)]}"#, as: user)
            return Set(f.values(reply, "models", ["info", "name"]))
        }
        #expect(names("admin") == ["lm-e1", "lm-e2", "lm-e3"])
        #expect(names("alice") == ["lm-e1", "lm-e3"])
        #expect(names("bob") == ["lm-e2", "lm-e3"])
        #expect(names("carol").isEmpty)
    }

    @Test func registrySearchesAnswerReadableModelsOnly() throws {
        let f = try VisibilityFixture()
        func models(_ user: String, prefix: String = "/api/2.0") -> [String] {
            f.values(f.send("GET", prefix + "/mlflow/registered-models/search", as: user), "registered_models", ["name"])
        }
        func versions(_ user: String) -> Set<String> {
            Set(f.values(f.send("GET", "/api/2.0/mlflow/model-versions/search", as: user), "model_versions", ["name"]))
        }
        #expect(models("admin") == ["m1", "m2", "m3"])
        #expect(models("alice") == ["m1"])
        #expect(models("alice", prefix: "/ajax-api/2.0") == ["m1"])
        #expect(models("bob") == ["m2", "m3"])
        #expect(f.send("GET", "/api/2.0/mlflow/registered-models/search", as: "carol").text == "{}")
        #expect(versions("admin") == ["m1", "m2", "m3"])
        #expect(versions("alice") == ["m1"])
        #expect(versions("bob") == ["m2", "m3"])
        #expect(f.send("GET", "/api/2.0/mlflow/model-versions/search", as: "carol").text == "{}")
        // Paging with max_results 1 walks bob's two models and stops.
        let first = f.send("GET", "/api/2.0/mlflow/registered-models/search?max_results=1", as: "bob")
        #expect(f.values(first, "registered_models", ["name"]) == ["m2"])
        let token = try #require(first.json?["next_page_token"]?.stringValue)
        let encoded = token.replacingOccurrences(of: "=", with: "%3D")
        let second = f.send("GET", "/api/2.0/mlflow/registered-models/search?max_results=1&page_token=\(encoded)", as: "bob")
        #expect(f.values(second, "registered_models", ["name"]) == ["m3"])
        #expect(second.json?["next_page_token"] == nil)
    }

    @Test func withoutVisibilityNothingChanges() throws {
        let f = try VisibilityFixture()
        var request = HTTPRequest(method: "GET", target: "/api/2.0/mlflow/registered-models/search")
        request.user = "carol"
        let reply = Reply(f.harness.api.handle(request))
        #expect(f.values(reply, "registered_models", ["name"]) == ["m1", "m2", "m3"])
    }
}
