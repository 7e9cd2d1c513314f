import Auth
import JSON
import Testing
import TrackingCore
@testable import API

/// Scorer routes take their experiment's permissions, read from the same `experiment_id` the handler
/// acts on; the cross-experiment reads (`scorers/list` without an experiment, `online-configs`)
/// answer only what the caller may read.
@Suite("Scorers: routes and access")
struct ScorerRouteTests {
    private static let judge = #"{\"name\": \"tone\", \"call_source\": null, \"instructions_judge_pydantic_data\": "#
        + #"{\"instructions\": \"polite?\", \"model\": \"openai:/gpt-4.1-mini\"}}"#

    private func v3(_ harness: AuthHarness, _ method: String, _ target: String, _ body: String = "", as user: String) -> Reply {
        harness.send(method, "/api/3.0/mlflow/scorers/" + target, body, as: user)
    }

    private func register(_ harness: AuthHarness, _ experiment: String, _ name: String = "tone", as user: String = "admin") -> Reply {
        v3(harness, "POST", "register",
           #"{"experiment_id":"\#(experiment)","name":"\#(name)","serialized_scorer":"\#(Self.judge)"}"#, as: user)
    }

    @Test func theRoutesAnswerMLflowsShapesUnderBothPrefixes() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        let experiment = try harness.fixtures("s").experiment
        let registered = register(harness, experiment)
        #expect(registered.status == 200, "\(registered.text)")
        let body = try #require(registered.json)
        #expect(body["version"]?.intValue == 1 && body["experiment_id"]?.stringValue == experiment)
        #expect(body["name"]?.stringValue == "tone" && body["serialized_scorer"]?.stringValue?.contains("polite?") == true)
        let scorerId = try #require(body["scorer_id"]?.stringValue)
        #expect(register(harness, experiment).json?["version"]?.intValue == 2)

        let got = v3(harness, "GET", "get?experiment_id=\(experiment)&name=tone&version=1", as: "admin")
        let scorer = try #require(got.json?["scorer"])
        #expect(scorer["experiment_id"] == .integer(Int64(experiment) ?? -1))
        #expect(scorer["scorer_version"]?.intValue == 1 && scorer["scorer_id"]?.stringValue == scorerId)
        let ajax = harness.send("GET", "/ajax-api/3.0/mlflow/scorers/list?experiment_id=\(experiment)", as: "admin")
        #expect(ajax.json?["scorers"]?.arrayValue?.map { $0["scorer_version"]?.intValue } == [2])
        let versions = v3(harness, "GET", "versions?experiment_id=\(experiment)&name=tone", as: "admin")
        #expect(versions.json?["scorers"]?.arrayValue?.map { $0["scorer_version"]?.intValue } == [1, 2])

        let put = v3(harness, "PUT", "online-config", #"{"experiment_id":"\#(experiment)","name":"tone","sample_rate":0}"#,
                     as: "admin")
        #expect(put.status == 200, "\(put.text)")
        #expect(put.json?["config"]?["sample_rate"] == .double(0) && put.json?["config"]?["filter_string"] == nil)
        let configs = v3(harness, "GET", "online-configs?scorer_ids=\(scorerId)&scorer_ids=other", as: "admin")
        #expect(configs.json?["configs"]?.arrayValue?.map { $0["scorer_id"]?.stringValue } == [scorerId])
        let started = v3(harness, "PUT", "online-config", #"{"experiment_id":"\#(experiment)","name":"tone","sample_rate":0.5}"#,
                         as: "admin")
        expectError(started, 400, "INVALID_PARAMETER_VALUE", "Scorer 'tone' does not use a gateway model. Automatic "
                    + "evaluation is only supported for scorers that use gateway models.")
        let badFilter = v3(harness, "PUT", "online-config",
                           #"{"experiment_id":"\#(experiment)","name":"tone","sample_rate":0,"filter_string":["x"]}"#, as: "admin")
        expectError(badFilter, 400, "INVALID_PARAMETER_VALUE", "Invalid value ['x'] for parameter 'filter_string' supplied: "
                    + "Value was of type 'list'. Expected type 'str' or None.")

        #expect(v3(harness, "DELETE", "delete", #"{"experiment_id":"\#(experiment)","name":"tone","version":1}"#,
                   as: "admin").status == 200)
        #expect(v3(harness, "DELETE", "delete", #"{"experiment_id":"\#(experiment)","name":"tone"}"#, as: "admin").status == 200)
        #expect(v3(harness, "GET", "list?experiment_id=\(experiment)", as: "admin").text == "{}")
        expectError(v3(harness, "GET", "get?experiment_id=\(experiment)&name=tone", as: "admin"), 404,
                    "RESOURCE_DOES_NOT_EXIST", "Scorer with name 'tone' not found for experiment \(experiment).")
    }

    /// A permission lookup that fails refuses the cross-experiment reads (503) rather than answering
    /// every scorer; the per-experiment routes refuse the same way.
    @Test func aFailingPermissionLookupRefusesRatherThanShowingEverything() throws {
        let harness = try AuthHarness(defaultPermission: .noPermissions)
        try harness.addUser("mallory")
        let experiment = try harness.fixtures("s").experiment
        let scorerId = try #require(register(harness, experiment).json?["scorer_id"]?.stringValue)
        try harness.auth.database.write { try $0.executeScript("DROP TABLE role_permissions") }
        for target in ["list", "list?experiment_ids=\(experiment)", "online-configs?scorer_ids=\(scorerId)",
                       "get?experiment_id=\(experiment)&name=tone"] {
            let reply = v3(harness, "GET", target, as: "mallory")
            #expect(reply.status == 503, "\(target): \(reply.text)")
            #expect(reply.json?["scorers"] == nil && reply.json?["configs"] == nil && reply.json?["scorer"] == nil)
        }
    }

    /// Mallory may read nothing of the admin's: every scorer route on the admin's experiment is refused,
    /// and the cross-experiment reads leave its scorers and their configuration out.
    @Test func anOutsiderReachesNoScorerOfAnExperimentSheMayNotRead() throws {
        let harness = try AuthHarness(defaultPermission: .noPermissions)
        try harness.addUser("mallory")
        let experiment = try harness.fixtures("secret").experiment
        let scorerId = try #require(register(harness, experiment).json?["scorer_id"]?.stringValue)
        #expect(v3(harness, "PUT", "online-config", #"{"experiment_id":"\#(experiment)","name":"tone","sample_rate":0}"#,
                   as: "admin").status == 200)
        let own = try #require(harness.api("POST", "/mlflow/experiments/create", #"{"name":"mine"}"#, as: "mallory")
            .json?["experiment_id"]?.stringValue)
        #expect(register(harness, own, "hers", as: "mallory").status == 200)

        for (method, target, body) in [
            ("POST", "register", #"{"experiment_id":"\#(experiment)","name":"planted","serialized_scorer":"\#(Self.judge)"}"#),
            ("GET", "list?experiment_id=\(experiment)", ""),
            ("GET", "versions?experiment_id=\(experiment)&name=tone", ""),
            ("GET", "get?experiment_id=\(experiment)&name=tone", ""),
            ("DELETE", "delete", #"{"experiment_id":"\#(experiment)","name":"tone"}"#),
            ("PUT", "online-config", #"{"experiment_id":"\#(experiment)","name":"tone","sample_rate":0}"#),
            // An unknown experiment is refused as a hidden one is.
            ("GET", "get?experiment_id=987654&name=tone", ""),
        ] {
            let reply = v3(harness, method, target, body, as: "mallory")
            #expect(reply.status == 403, "\(method) \(target): \(reply.text)")
        }
        // The cross-experiment reads answer her own scorers only.
        let everything = v3(harness, "GET", "list", as: "mallory")
        #expect(everything.json?["scorers"]?.arrayValue?.map { $0["scorer_name"]?.stringValue } == ["hers"])
        let named = v3(harness, "GET", "list?experiment_ids=\(experiment)&experiment_ids=\(own)", as: "mallory")
        #expect(named.json?["scorers"]?.arrayValue?.map { $0["scorer_name"]?.stringValue } == ["hers"])
        #expect(v3(harness, "GET", "online-configs?scorer_ids=\(scorerId)", as: "mallory").json?["configs"] == .array([]))
        // Nothing changed.
        let kept = v3(harness, "GET", "list?experiment_id=\(experiment)", as: "admin").json?["scorers"]?.arrayValue
        #expect(kept?.map { $0["scorer_name"]?.stringValue } == ["tone"])
        #expect(v3(harness, "GET", "online-configs?scorer_ids=\(scorerId)", as: "admin").json?["configs"]?.arrayValue?.count == 1)

        // READ lets her read, not change; EDIT registers and configures; only MANAGE deletes.
        try harness.auth.createGrant(username: "mallory", .experiment, experiment, .read)
        #expect(v3(harness, "GET", "get?experiment_id=\(experiment)&name=tone", as: "mallory").status == 200)
        #expect(v3(harness, "GET", "online-configs?scorer_ids=\(scorerId)", as: "mallory").json?["configs"]?.arrayValue?.count == 1)
        #expect(register(harness, experiment, "planted", as: "mallory").status == 403)
        try harness.auth.updateGrant(username: "mallory", .experiment, experiment, .edit)
        #expect(register(harness, experiment, "planted", as: "mallory").status == 200)
        #expect(v3(harness, "DELETE", "delete", #"{"experiment_id":"\#(experiment)","name":"tone"}"#, as: "mallory").status == 403)
        try harness.auth.updateGrant(username: "mallory", .experiment, experiment, .manage)
        #expect(v3(harness, "DELETE", "delete", #"{"experiment_id":"\#(experiment)","name":"tone"}"#, as: "mallory").status == 200)
    }
}
