import Auth
import Foundation
import Testing
@testable import API

/// The break-in review's existence oracle: a non-admin refused a resource they may not read got
/// other words (or another status) than for one that does not exist, and a hidden run's refusal
/// named its experiment. Each pair here is the same request for a hidden and a missing resource;
/// the answers must be the same once the two identifiers are swapped for one placeholder.
@Suite("Access: a hidden resource is refused like a missing one")
struct ExistenceOracleTests {
    /// An admin's experiment (a run, a logged model), a registered model with a version and a
    /// pending transition request for it; bob may not read any of them: with a default of
    /// NO_PERMISSIONS he has no grant, with a default of READ a DENY grant hides them.
    private struct Fixture {
        let harness: AuthHarness
        let experiment: String, experimentName: String, run: String, loggedModel: String
        let model: String, request: Int64
    }

    private func fixture(_ defaultPermission: Permission) throws -> Fixture {
        let harness = try AuthHarness(defaultPermission: defaultPermission)
        try harness.addUser("bob")
        let (experiment, run, model) = try harness.fixtures("hidden")
        let loggedModel = try #require(harness.api("POST", "/mlflow/logged-models", #"{"experiment_id":"\#(experiment)"}"#,
                                                   as: "admin").json?["model"]?["info"]?["model_id"]?.stringValue)
        let request = try #require(harness.api("POST", "/mlflow/transition-requests/create",
                                               #"{"name":"\#(model)","version":"1","stage":"Staging"}"#, as: "admin")
            .json?["request"]?["id"]?.intValue)
        if defaultPermission.canRead {
            try harness.auth.createGrant(username: "bob", .experiment, experiment, .deny)
            try harness.auth.createGrant(username: "bob", .registeredModel, model, .deny)
        }
        return Fixture(harness: harness, experiment: experiment, experimentName: "e-hidden", run: run,
                       loggedModel: loggedModel, model: model, request: request)
    }

    /// bob's answer to `request(hidden)` and to `request(missing)`: same status, same body with the
    /// identifier swapped, and a refusal that names neither anything else.
    private func expectSame(_ harness: AuthHarness, hidden: String, missing: String, status: Int = 403,
                            sourceLocation: SourceLocation = #_sourceLocation,
                            _ request: (String) -> (method: String, path: String, body: String)) {
        func answer(_ id: String) -> (Int, String) {
            let (method, path, body) = request(id)
            let reply = harness.api(method, path, body, as: "bob")
            return (reply.status, reply.text.replacingOccurrences(of: id, with: "<id>"))
        }
        let (hiddenStatus, hiddenBody) = answer(hidden)
        let (missingStatus, missingBody) = answer(missing)
        #expect(hiddenStatus == status, "\(hiddenBody)", sourceLocation: sourceLocation)
        #expect(missingStatus == status, "\(missingBody)", sourceLocation: sourceLocation)
        #expect(hiddenBody == missingBody, sourceLocation: sourceLocation)
    }

    @Test(arguments: [Permission.noPermissions, .read])
    func runsExperimentsAndLoggedModels(defaultPermission: Permission) throws {
        let f = try fixture(defaultPermission)
        let missingRun = String(repeating: "0", count: 32)
        for (method, path, body) in [("GET", "/mlflow/runs/get?run_id=", ""),
                                     ("GET", "/mlflow/metrics/get-history?metric_key=m&run_id=", ""),
                                     ("POST", "/mlflow/runs/set-tag", #"{"key":"k","value":"v","run_id":"#),
                                     ("POST", "/mlflow/runs/delete", #"{"run_id":"#)] {
            expectSame(f.harness, hidden: f.run, missing: missingRun) { id in
                body.isEmpty ? (method, path + id, "") : (method, path, body + "\"\(id)\"}")
            }
        }
        // Not "reading experiment 1 needs READ permission": the run's experiment is not named.
        let refused = f.harness.api("GET", "/mlflow/runs/get?run_id=\(f.run)", as: "bob")
        expectError(refused, 403, "PERMISSION_DENIED", "Permission denied: there is no run \(f.run) you may see.")
        expectSame(f.harness, hidden: f.experiment, missing: "987654") { id in
            ("GET", "/mlflow/experiments/get?experiment_id=\(id)", "")
        }
        expectSame(f.harness, hidden: f.experiment, missing: "987654") { id in
            ("POST", "/mlflow/runs/create", #"{"experiment_id":"\#(id)"}"#)
        }
        // By name MLflow's client reads a 404 as "no such experiment"; a hidden one answers the same.
        expectSame(f.harness, hidden: f.experimentName, missing: "e-nowhere", status: 404) { name in
            ("GET", "/mlflow/experiments/get-by-name?experiment_name=\(name)", "")
        }
        let missingModel = "m-" + String(repeating: "0", count: 32)
        expectSame(f.harness, hidden: f.loggedModel, missing: missingModel) { id in
            ("GET", "/mlflow/logged-models/\(id)", "")
        }
    }

    @Test(arguments: [Permission.noPermissions, .read])
    func registeredModelsVersionsAndTransitionRequests(defaultPermission: Permission) throws {
        let f = try fixture(defaultPermission)
        for (method, path, body) in [("GET", "/mlflow/registered-models/get?name=", ""),
                                     ("GET", "/mlflow/registered-models/get-latest-versions?name=", ""),
                                     ("PATCH", "/mlflow/registered-models/update", #"{"description":"d","name":"#),
                                     ("POST", "/mlflow/registered-models/set-tag", #"{"key":"k","value":"v","name":"#),
                                     ("GET", "/mlflow/transition-requests/list?name=", "")] {
            expectSame(f.harness, hidden: f.model, missing: "no-such-model") { name in
                body.isEmpty ? (method, path + name, "") : (method, path, body + "\"\(name)\"}")
            }
        }
        // A version: of a hidden model vs of a missing one, and an existing vs a missing version.
        expectSame(f.harness, hidden: f.model, missing: "no-such-model") { name in
            ("GET", "/mlflow/model-versions/get?name=\(name)&version=1", "")
        }
        expectSame(f.harness, hidden: "1", missing: "7") { version in
            ("GET", "/mlflow/model-versions/get?name=\(f.model)&version=\(version)", "")
        }
        for (method, path) in [("POST", "/mlflow/transition-requests/approve"),
                               ("POST", "/mlflow/transition-requests/reject"),
                               ("DELETE", "/mlflow/transition-requests/delete")] {
            expectSame(f.harness, hidden: String(f.request), missing: "987654") { id in
                (method, path, #"{"request_id":\#(id)}"#)
            }
        }
        expectError(f.harness.api("POST", "/mlflow/transition-requests/reject", #"{"request_id":\#(f.request)}"#,
                                  as: "bob"),
                    403, "PERMISSION_DENIED", "Permission denied: there is no transition request \(f.request) you may see.")
        if defaultPermission == .noPermissions { try expectAReaderStillLearnsWhatTheyLack(f) }
    }

    /// Who may read a resource still hears what they lack (they know it exists), and what is missing in it.
    private func expectAReaderStillLearnsWhatTheyLack(_ f: Fixture) throws {
        try f.harness.auth.createGrant(username: "bob", .experiment, f.experiment, .read)
        try f.harness.auth.createGrant(username: "bob", .registeredModel, f.model, .read)
        expectError(f.harness.api("POST", "/mlflow/runs/set-tag", #"{"run_id":"\#(f.run)","key":"k","value":"v"}"#,
                                  as: "bob"),
                    403, "PERMISSION_DENIED",
                    "Permission denied: changing experiment \(f.experiment) needs EDIT permission; bob has READ.")
        expectError(f.harness.api("PATCH", "/mlflow/registered-models/update", #"{"name":"\#(f.model)","description":"d"}"#,
                                  as: "bob"),
                    403, "PERMISSION_DENIED",
                    "Permission denied: changing registered model '\(f.model)' needs EDIT permission; bob has READ.")
        #expect(f.harness.api("GET", "/mlflow/runs/get?run_id=\(f.run)", as: "bob").status == 200)
        let missingVersion = f.harness.api("GET", "/mlflow/model-versions/get?name=\(f.model)&version=7", as: "bob")
        #expect(missingVersion.status == 404, "\(missingVersion.text)")
    }
}
