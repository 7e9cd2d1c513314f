import Auth
import Foundation
import HTTPTransport
import JSON
import Observability
import SQLiteEngine
import Storage
import Synchronization
import Testing
import TrackingCore
@testable import API

/// An `MLflowAPI` with access control on, over fresh SQLite tracking and auth databases.
final class AuthHarness: @unchecked Sendable {
    let store: SQLTrackingStore
    let auth: AuthStore
    let api: MLflowAPI

    init(defaultPermission: Permission) throws {
        store = try SQLTrackingStore(database: try SQLiteDatabase.temporary(readerCount: 1), defaultArtifactRoot: "/tmp/x")
        auth = try AuthStore(database: try SQLiteDatabase.temporary(readerCount: 1), passwordIterations: 1_000)
        try auth.createUser(username: "admin", password: Self.password("admin"), isAdmin: true)
        let access = AccessControl(store: auth, defaultPermission: defaultPermission, stores: APIStores(store))
        api = MLflowAPI(APIParts(stores: APIStores(store), version: "test", access: access))
    }

    /// The harness's password for a user.
    static func password(_ name: String) -> String { "\(name)-secret-pass" }

    func addUser(_ name: String) throws {
        try auth.createUser(username: name, password: Self.password(name))
    }

    /// A request as `user` (with `password(user)`; nil: no credentials).
    func send(_ method: String, _ target: String, _ body: String = "", as user: String?) -> Reply {
        var headers: [(name: String, value: String)] = [(name: "Content-Type", value: "application/json")]
        if let user {
            let token = Data("\(user):\(Self.password(user))".utf8).base64EncodedString()
            headers.append((name: "Authorization", value: "Basic \(token)"))
        }
        return Reply(api.handle(HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8))))
    }

    func api(_ method: String, _ path: String, _ body: String = "", as user: String?) -> Reply {
        send(method, "/api/2.0" + path, body, as: user)
    }

    /// A run of a new experiment `user` creates (and so may read): the fields a model version
    /// made from it names, `"source":"runs:/<run>/model","run_id":"<run>"`.
    func runSource(as user: String, _ tag: String) throws -> String {
        let experiment = try #require(api("POST", "/mlflow/experiments/create", #"{"name":"src-\#(tag)"}"#, as: user)
            .json?["experiment_id"]?.stringValue)
        let run = try #require(api("POST", "/mlflow/runs/create", #"{"experiment_id":"\#(experiment)"}"#, as: user)
            .json?["run"]?["info"]?["run_id"]?.stringValue)
        return #""source":"runs:/\#(run)/model","run_id":"\#(run)""#
    }

    /// Admin-made fixtures: an experiment with a run (a metric logged) and a registered model with a version.
    func fixtures(_ tag: String) throws -> (experiment: String, run: String, model: String) {
        let experiment = try #require(api("POST", "/mlflow/experiments/create", #"{"name":"e-\#(tag)"}"#, as: "admin")
            .json?["experiment_id"]?.stringValue)
        let run = try #require(api("POST", "/mlflow/runs/create", #"{"experiment_id":"\#(experiment)"}"#, as: "admin")
            .json?["run"]?["info"]?["run_id"]?.stringValue)
        #expect(api("POST", "/mlflow/runs/log-metric",
                    #"{"run_id":"\#(run)","key":"m","value":1,"timestamp":1,"step":0}"#, as: "admin").status == 200)
        let model = "model-\(tag)"
        #expect(api("POST", "/mlflow/registered-models/create", #"{"name":"\#(model)"}"#, as: "admin").status == 200)
        #expect(api("POST", "/mlflow/model-versions/create", #"{"name":"\#(model)","source":"s3://bucket/model"}"#,
                    as: "admin").status == 200)
        return (experiment, run, model)
    }
}

@Suite("Access control")
struct AccessControlTests {
    @Test func requestsWithoutValidCredentialsGet401ButHealthIsPublic() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        for user in [nil, "nobody"] {
            let reply = harness.api("GET", "/mlflow/experiments/search?max_results=1", as: user)
            #expect(reply.status == 401)
            #expect(reply.header("WWW-Authenticate") == "Basic realm=\"mlflow\"")
            #expect(reply.text.hasPrefix("You are not authenticated."))
        }
        let wrongPassword = Data("admin:not-the-password".utf8).base64EncodedString()
        let reply = Reply(harness.api.handle(HTTPRequest(method: "GET", target: "/api/2.0/mlflow/experiments/search",
                                                         headers: [(name: "Authorization", value: "Basic \(wrongPassword)")])))
        #expect(reply.status == 401)
        #expect(harness.send("GET", "/health", as: nil).status == 200)
        // Public: only the routes declared so (health, version, the 3.0 server info).
        #expect(harness.send("GET", "/version", as: nil).status == 200)
        #expect(harness.send("GET", "/api/3.0/mlflow/server-info", as: nil).status == 200)
    }

    /// Every permission level against the routes that need read, update or delete, as MLflow's
    /// validators decide (docs/notes/mlflow-auth.md §5): READ reads, EDIT also changes, only MANAGE
    /// deletes; NO_PERMISSIONS and DENY do nothing. The default permission is NO_PERMISSIONS here,
    /// so the grant alone decides.
    @Test(arguments: [Permission.read, .use, .edit, .manage, .noPermissions, .deny])
    func eachLevelAllowsExactlyWhatMLflowsDoes(level: Permission) throws {
        let harness = try AuthHarness(defaultPermission: .noPermissions)
        try harness.addUser("u")
        let (experiment, run, model) = try harness.fixtures(level.rawValue)
        if level != .noPermissions {
            try harness.auth.createGrant(username: "u", .experiment, experiment, level)
            try harness.auth.createGrant(username: "u", .registeredModel, model, level)
        }
        let cases: [(Permission.Need, String, String, String)] = [
            (.read, "GET", "/mlflow/experiments/get?experiment_id=\(experiment)", ""),
            (.read, "GET", "/mlflow/runs/get?run_id=\(run)", ""),
            (.read, "GET", "/mlflow/metrics/get-history?run_id=\(run)&metric_key=m", ""),
            (.read, "GET", "/mlflow/registered-models/get?name=\(model)", ""),
            (.read, "GET", "/mlflow/model-versions/get?name=\(model)&version=1", ""),
            (.update, "POST", "/mlflow/experiments/set-experiment-tag",
             #"{"experiment_id":"\#(experiment)","key":"k","value":"v"}"#),
            (.update, "POST", "/mlflow/runs/create", #"{"experiment_id":"\#(experiment)"}"#),
            (.update, "POST", "/mlflow/runs/log-batch", #"{"run_id":"\#(run)","params":[{"key":"p","value":"1"}]}"#),
            (.update, "POST", "/mlflow/runs/set-tag", #"{"run_id":"\#(run)","key":"t","value":"1"}"#),
            (.update, "PATCH", "/mlflow/registered-models/update", #"{"name":"\#(model)","description":"d"}"#),
            (.update, "POST", "/mlflow/model-versions/set-tag", #"{"name":"\#(model)","version":"1","key":"k","value":"v"}"#),
            (.delete, "DELETE", "/mlflow/model-versions/delete", #"{"name":"\#(model)","version":"1"}"#),
            (.delete, "POST", "/mlflow/runs/delete", #"{"run_id":"\#(run)"}"#),
            (.delete, "POST", "/mlflow/experiments/delete", #"{"experiment_id":"\#(experiment)"}"#),
        ]
        for (need, method, path, body) in cases {
            let reply = harness.api(method, path, body, as: "u")
            if level.allows(need) {
                #expect(reply.status == 200, "\(level) \(method) \(path): \(reply.text)")
            } else {
                #expect(reply.status == 403, "\(level) \(method) \(path): \(reply.text)")
                #expect(reply.errorCode == "PERMISSION_DENIED")
            }
        }
        // Admins pass every rule whatever their grants.
        #expect(harness.api("POST", "/mlflow/experiments/restore", #"{"experiment_id":"\#(experiment)"}"#,
                            as: "admin").status == 200 || level.allows(.delete) == false)
    }

    @Test func theDefaultPermissionIsAFloorAndDenyOverridesIt() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        try harness.addUser("u")
        let (experiment, run, _) = try harness.fixtures("floor")
        #expect(harness.api("GET", "/mlflow/runs/get?run_id=\(run)", as: "u").status == 200)
        let denied = harness.api("POST", "/mlflow/runs/set-tag", #"{"run_id":"\#(run)","key":"t","value":"1"}"#, as: "u")
        #expect(denied.status == 403)
        #expect(denied.message == "Permission denied: changing experiment \(experiment) needs EDIT permission; u has READ.")
        try harness.auth.createGrant(username: "u", .experiment, experiment, .deny)
        #expect(harness.api("GET", "/mlflow/runs/get?run_id=\(run)", as: "u").status == 403)
        // Another spelling of the id does not dodge the DENY.
        #expect(harness.api("GET", "/mlflow/experiments/get?experiment_id=0\(experiment)", as: "u").status == 403)
        // An unknown run is refused, not reported missing.
        #expect(harness.api("GET", "/mlflow/runs/get?run_id=nope", as: "u").status == 403)
    }

    @Test func creatorsManageWhatTheyCreateAndGrantsFollowARenamedModel() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        try harness.addUser("u")
        try harness.addUser("v")
        let id = try #require(harness.api("POST", "/mlflow/experiments/create", #"{"name":"mine"}"#, as: "u")
            .json?["experiment_id"]?.stringValue)
        #expect(harness.api("POST", "/mlflow/experiments/update", #"{"experiment_id":"\#(id)","new_name":"still-mine"}"#,
                            as: "u").status == 200)
        #expect(harness.api("POST", "/mlflow/experiments/update", #"{"experiment_id":"\#(id)","new_name":"theirs"}"#,
                            as: "v").status == 403)
        #expect(harness.api("POST", "/mlflow/registered-models/create", #"{"name":"m1"}"#, as: "u").status == 200)
        #expect(harness.api("POST", "/mlflow/registered-models/rename", #"{"name":"m1","new_name":"m2"}"#, as: "u")
            .status == 200)
        #expect(try harness.auth.directGrant(username: "u", .registeredModel, "m2") == .manage)
        #expect(harness.api("DELETE", "/mlflow/registered-models/delete", #"{"name":"m2"}"#, as: "v").status == 403)
        #expect(harness.api("DELETE", "/mlflow/registered-models/delete", #"{"name":"m2"}"#, as: "u").status == 200)
        #expect(throws: MLflowError.self) { try harness.auth.directGrant(username: "u", .registeredModel, "m2") }
    }

    @Test func searchesAnswerWhatTheGrantsAndTheDefaultLetTheCallerRead() throws {
        let harness = try AuthHarness(defaultPermission: .noPermissions)
        try harness.addUser("u")
        let a = try harness.fixtures("a"), b = try harness.fixtures("b"), c = try harness.fixtures("c")
        func experiments() -> Set<String> {
            let reply = harness.api("GET", "/mlflow/experiments/search?max_results=100", as: "u")
            return Set(reply.json?["experiments"]?.arrayValue?.compactMap { $0["experiment_id"]?.stringValue } ?? [])
        }
        func models() -> Set<String> {
            let reply = harness.api("GET", "/mlflow/registered-models/search?max_results=100", as: "u")
            return Set(reply.json?["registered_models"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
        }
        #expect(experiments() == [])
        try harness.auth.createGrant(username: "u", .experiment, a.experiment, .read)
        try harness.auth.createGrant(username: "u", .registeredModel, b.model, .edit)
        #expect(experiments() == [a.experiment])
        #expect(models() == [b.model])
        // Everything through `*`, except what a DENY takes away.
        try harness.auth.createGrant(username: "u", .experiment, "*", .read)
        try harness.auth.createGrant(username: "u", .experiment, b.experiment, .deny)
        #expect(experiments() == ["0", a.experiment, c.experiment])
        let runs = harness.api("POST", "/mlflow/runs/search",
                               #"{"experiment_ids":["\#(a.experiment)","\#(b.experiment)"]}"#, as: "u")
        #expect(runs.json?["runs"]?.arrayValue?.compactMap { $0["info"]?["run_id"]?.stringValue } == [a.run])
    }

    @Test func theRequestLogNamesTheSignedInUser() throws {
        let lines = Mutex<[String]>([])
        let store = try SQLTrackingStore(database: try SQLiteDatabase.temporary(readerCount: 1), defaultArtifactRoot: "/x")
        let auth = try AuthStore(database: try SQLiteDatabase.temporary(readerCount: 1), passwordIterations: 1_000)
        try auth.createUser(username: "alice", password: AuthHarness.password("alice"))
        let observability = APIObservability(metrics: ServerMetrics(version: "t", mlflowVersion: "3.17.2"),
                                             log: RequestLog(format: .json) { line in lines.withLock { $0.append(line) } })
        let api = MLflowAPI(APIParts(stores: APIStores(store), version: "t", observability: observability,
                            access: AccessControl(store: auth, defaultPermission: .read, stores: APIStores(store))))
        let token = Data("alice:\(AuthHarness.password("alice"))".utf8).base64EncodedString()
        _ = api.handle(HTTPRequest(method: "GET", target: "/api/2.0/mlflow/experiments/get?experiment_id=0",
                                   headers: [(name: "Authorization", value: "Basic \(token)")]))
        _ = api.handle(HTTPRequest(method: "GET", target: "/api/2.0/mlflow/experiments/get?experiment_id=0"))
        let logged = lines.withLock { $0 }
        #expect(logged.count == 2)
        #expect(logged.first?.contains(#""user":"alice""#) == true)
        #expect(logged.last?.contains(#""status":401"#) == true)
        #expect(logged.last?.contains("alice") == false)
    }

    @Test func creatingIsAllowedUnlessAGrantDeniesIt() throws {
        let harness = try AuthHarness(defaultPermission: .deny)
        try harness.addUser("u")
        #expect(harness.api("POST", "/mlflow/experiments/create", #"{"name":"allowed"}"#, as: "u").status == 200)
        try harness.auth.createGrant(username: "u", .experiment, "*", .deny)
        #expect(harness.api("POST", "/mlflow/experiments/create", #"{"name":"denied"}"#, as: "u").status == 403)
        #expect(harness.api("POST", "/mlflow/registered-models/create", #"{"name":"m"}"#, as: "u").status == 200)
        try harness.auth.createGrant(username: "u", .registeredModel, "blocked", .deny)
        #expect(harness.api("POST", "/mlflow/registered-models/create", #"{"name":"blocked"}"#, as: "u").status == 403)
    }

    @Test func routesWithoutARuleAreForAdminsOnly() throws {
        let harness = try AuthHarness(defaultPermission: .manage)
        try harness.addUser("u")
        #expect(harness.send("GET", "/api/2.0/mlflow/no-such-route", as: "u").status == 403)
        #expect(harness.send("GET", "/api/2.0/mlflow/no-such-route", as: "admin").status == 404)
        #expect(harness.send("GET", "/metrics", as: "u").status == 403)
    }

    // The harness's experiments keep their artifacts under /tmp/x, not behind the proxy: a proxy path
    // that merely starts with an experiment's id holds none of its artifacts, so even a reader of that
    // experiment is refused (ArtifactOwnershipTests covers experiments whose artifacts are proxied).
    @Test func artifactPathsAreCheckedAgainstTheirExperiment() throws {
        let harness = try AuthHarness(defaultPermission: .noPermissions)
        try harness.addUser("u")
        let (experiment, run, _) = try harness.fixtures("art")
        let listing = "/api/2.0/mlflow-artifacts/artifacts?path=\(experiment)/\(run)/artifacts"
        #expect(harness.send("GET", listing, as: "u").status == 403)
        #expect(harness.send("GET", "/api/2.0/mlflow-artifacts/artifacts/\(experiment)/../0/x", as: "u").status == 400)
        try harness.auth.createGrant(username: "u", .experiment, experiment, .read)
        #expect(harness.send("GET", listing, as: "u").status == 403)
        #expect(harness.send("DELETE", "/api/2.0/mlflow-artifacts/artifacts/\(experiment)/\(run)/artifacts/f",
                             as: "u").status == 403)
    }

    @Test func theUserAPIKeepsUsersToTheirOwnAccounts() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        let created = harness.api("POST", "/mlflow/users/create", #"{"username":"u","password":"u-password"}"#, as: "admin")
        #expect(created.status == 400)   // MLflow's 12-character minimum
        #expect(harness.api("POST", "/mlflow/users/create", #"{"username":"u","password":"u-password-1"}"#,
                            as: "admin").json?["user"]?["username"]?.stringValue == "u")
        try harness.auth.updatePassword(username: "u", password: AuthHarness.password("u"))
        try harness.addUser("v")
        #expect(harness.api("POST", "/mlflow/users/create", #"{"username":"w","password":"w-password-1"}"#, as: "u")
            .status == 403)
        #expect(harness.api("GET", "/mlflow/users/get?username=u", as: "u").json?["user"]?["is_admin"] == .bool(false))
        #expect(harness.api("GET", "/mlflow/users/get?username=v", as: "u").status == 403)
        #expect(harness.api("GET", "/mlflow/users/current", as: "u").json?["is_basic_auth"] == .bool(true))
        expectError(harness.api("PATCH", "/mlflow/users/update-password", #"{"username":"u","password":"new-password-1"}"#,
                                as: "u"), 400, "INVALID_PARAMETER_VALUE",
                    "Current password is required when changing your own password.")
        #expect(harness.api("PATCH", "/mlflow/users/update-password",
                            #"{"username":"u","password":"new-password-1","current_password":"u-secret-pass"}"#,
                            as: "u").status == 200)
        #expect(harness.api("GET", "/mlflow/users/current", as: "u").status == 401)   // the old password is gone
        #expect(harness.api("PATCH", "/mlflow/users/update-admin", #"{"username":"v","is_admin":true}"#, as: "v")
            .status == 403)
        expectError(harness.api("DELETE", "/mlflow/users/delete", #"{"username":"admin"}"#, as: "admin"), 400,
                    "BAD_REQUEST", "Users cannot delete their own account. Ask another admin to delete this user instead.")
        #expect(harness.api("DELETE", "/mlflow/users/delete", #"{"username":"v"}"#, as: "admin").status == 200)
        #expect(harness.api("GET", "/mlflow/users/current", as: "v").status == 401)
    }

    @Test func grantsNeedManageOnTheResource() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        try harness.addUser("owner")
        try harness.addUser("other")
        let id = try #require(harness.api("POST", "/mlflow/experiments/create", #"{"name":"owned"}"#, as: "owner")
            .json?["experiment_id"]?.stringValue)
        let grant = #"{"username":"other","resource_type":"experiment","resource_id":"\#(id)","permission":"EDIT"}"#
        #expect(harness.send("POST", "/api/3.0/mlflow/users/permissions/grant", grant, as: "other").status == 403)
        #expect(harness.send("POST", "/api/3.0/mlflow/users/permissions/grant", grant, as: "owner").status == 200)
        expectError(harness.send("POST", "/api/3.0/mlflow/users/permissions/grant", grant, as: "owner"), 400,
                    "RESOURCE_ALREADY_EXISTS",
                    "Permission for user=other on resource_type=experiment, resource_id=\(id) already exists.")
        let got = harness.send("GET", "/api/3.0/mlflow/users/permissions/get?username=other&resource_type=experiment"
                               + "&resource_id=\(id)", as: "other")
        #expect(got.json?["permission"]?.stringValue == "EDIT")
        #expect(got.json?["allowed"] == .bool(true))
        #expect(harness.api("POST", "/mlflow/experiments/update", #"{"experiment_id":"\#(id)","new_name":"x"}"#,
                            as: "other").status == 200)
        let wildcard = #"{"username":"other","resource_type":"experiment","resource_id":"*","permission":"EDIT"}"#
        #expect(harness.send("POST", "/api/3.0/mlflow/users/permissions/grant", wildcard, as: "owner").status == 403)
        let revoke = #"{"username":"other","resource_type":"experiment","resource_id":"\#(id)"}"#
        #expect(harness.send("POST", "/api/3.0/mlflow/users/permissions/revoke", revoke, as: "owner").status == 200)
        #expect(harness.api("POST", "/mlflow/experiments/update", #"{"experiment_id":"\#(id)","new_name":"y"}"#,
                            as: "other").status == 403)
        expectError(harness.send("POST", "/api/3.0/mlflow/users/permissions/grant",
                                 #"{"username":"other","resource_type":"run","resource_id":"1","permission":"EDIT"}"#,
                                 as: "admin"), 400, "INVALID_PARAMETER_VALUE",
                    "resource_type 'run' is not supported by the per-user permission convenience APIs.")
    }
}
