import Auth
import Foundation
import GraphQL
import HTTPTransport
import JSON
@testable import Storage
import Testing
import TrackingCore
@testable import API

/// The holes the security review of issue 20 found, each tried as an outsider would, through the
/// whole API (no sockets): every test here failed before the rules were declared with their routes
/// and read the handler's own parsed request.
@Suite("Access: the security review's holes")
struct AccessReviewTests {
    /// An admin's experiment with a run, a logged model and a registered model with a version; `mallory`
    /// (no grant on any of it) has her own registered model; the default permission is none.
    private func harness(_ defaultPermission: Permission = .noPermissions) throws
        -> (AuthHarness, experiment: String, run: String, loggedModel: String, model: String) {
        let harness = try AuthHarness(defaultPermission: defaultPermission)
        try harness.addUser("mallory")
        let (experiment, run, model) = try harness.fixtures("secret")
        let loggedModel = try #require(harness.api("POST", "/mlflow/logged-models",
                                                   #"{"experiment_id":"\#(experiment)","source_run_id":"\#(run)"}"#,
                                                   as: "admin").json?["model"]?["info"]?["model_id"]?.stringValue)
        #expect(harness.api("POST", "/mlflow/registered-models/create", #"{"name":"mallorys"}"#, as: "mallory").status == 200)
        return (harness, experiment, run, loggedModel, model)
    }

    private func registry(_ harness: AuthHarness) -> any RegistryStore { harness.store.registryStore }

    // Hole 1: model-versions/create reads what it registers.
    @Test func aVersionCannotBeMadeFromWhatItsCreatorMayNotRead() throws {
        let (harness, experiment, run, loggedModel, model) = try harness()
        func create(_ fields: String) -> Reply {
            harness.api("POST", "/mlflow/model-versions/create", #"{"name":"mallorys",\#(fields)}"#, as: "mallory")
        }
        for fields in [#""source":"runs:/\#(run)/model","run_id":"\#(run)""#,
                       #""source":"/tmp/x/\#(experiment)/\#(run)/artifacts/model","run_id":"\#(run)""#,
                       #""source":"s3://bucket/model""#,
                       #""source":"wasbs://c@acct.blob.core.windows.net/model""#,
                       #""source":"mlflow-artifacts:/\#(experiment)/\#(run)/artifacts/model""#,
                       #""source":"models:/\#(model)/1""#,
                       #""source":"models:/\#(loggedModel)""#,
                       #""source":"models:/\#(loggedModel)","model_id":"\#(loggedModel)""#,
                       #""source":"s3://bucket/model","run_id":"""#] {
            let reply = create(fields)
            #expect(reply.status == 403, "\(fields): \(reply.text)")
            #expect(reply.errorCode == "PERMISSION_DENIED", "\(fields)")
        }
        // Her own run's artifacts are hers to register, but not a path that climbs out of them.
        let own = try #require(harness.api("POST", "/mlflow/experiments/create", #"{"name":"mine"}"#, as: "mallory")
            .json?["experiment_id"]?.stringValue)
        let ownRun = try #require(harness.api("POST", "/mlflow/runs/create", #"{"experiment_id":"\#(own)"}"#, as: "mallory")
            .json?["run"]?["info"]?["run_id"]?.stringValue)
        let root = try harness.store.getRun(id: ownRun).info.artifactUri
        #expect(create(#""source":"runs:/\#(ownRun)/model","run_id":"\#(ownRun)""#).status == 200)
        #expect(create(#""source":"s3://bucket/x","run_id":"\#(ownRun)""#).status == 403)
        #expect(create(#""source":"file://\#(root)/../../\#(experiment)/\#(run)/artifacts","run_id":"\#(ownRun)""#)
            .status != 200)
        // Granted READ on the experiment, the admin's run may be used.
        try harness.auth.createGrant(username: "mallory", .experiment, experiment, .read)
        #expect(create(#""source":"runs:/\#(run)/model","run_id":"\#(run)""#).status == 200)
    }

    /// A prompt version names no artifacts: its placeholder source needs nothing readable, but a
    /// run it names does, a source that is no placeholder is refused, and the tag's last value
    /// decides (as in the store) whether the request is a prompt at all.
    @Test func promptVersionsAreJudgedByTheTagsTheStoreReads() throws {
        let (harness, _, run, _, _) = try harness()
        #expect(harness.api("POST", "/mlflow/registered-models/create",
                            #"{"name":"mallorys-prompt","tags":[{"key":"mlflow.prompt.is_prompt","value":"true"}]}"#,
                            as: "mallory").status == 200)
        func create(_ fields: String, tags: String = #"[{"key":"mlflow.prompt.is_prompt","value":"true"}]"#) -> Reply {
            harness.api("POST", "/mlflow/model-versions/create", #"{"name":"mallorys-prompt","tags":\#(tags),\#(fields)}"#,
                        as: "mallory")
        }
        #expect(create(#""source":"dummy-source""#).status == 200)
        #expect(create(#""source":"prompt-template""#).status == 200)
        let named = create(#""source":"dummy-source","run_id":"\#(run)""#)
        #expect(named.status == 403, "\(named.text)")
        let disguised = create(#""source":"s3://bucket/model""#)
        #expect(disguised.status == 400, "\(disguised.text)")
        #expect(disguised.message?.contains("Invalid prompt source") == true)
        // "true" then "false": not a prompt, so the placeholder is an ordinary local path outside any run.
        let flipped = create(#""source":"dummy-source""#, tags: #"[{"key":"mlflow.prompt.is_prompt","value":"true"},{"key":"mlflow.prompt.is_prompt","value":"false"}]"#)
        #expect(flipped.status == 403, "\(flipped.text)")
        #expect(try registry(harness).getModelVersion(name: "mallorys-prompt", version: "2").source == "prompt-template")
        #expect(throws: MLflowError.self) { try registry(harness).getModelVersion(name: "mallorys-prompt", version: "3") }
    }

    // Hole 2: a transition request id spelled so that a stricter parser misses it.
    @Test func everySpellingOfARequestIdMeetsTheGovernanceRule() throws {
        let (harness, _, _, _, model) = try harness(.read)
        try harness.addUser("colleague")
        for user in ["mallory", "colleague"] { try harness.auth.createGrant(username: user, .registeredModel, model, .edit) }
        let asked = harness.api("POST", "/mlflow/transition-requests/create",
                                #"{"name":"\#(model)","version":"1","stage":"Production"}"#, as: "mallory")
        let id = try #require(asked.json?["request"]?["id"]?.intValue)
        for spelling in ["\" \(id)\"", "\(id).0", "\"\(id)\"", "\(id)"] {
            let reply = harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":\#(spelling)}"#,
                                    as: "colleague")
            #expect(reply.status == 403, "\(spelling): \(reply.text)")
            #expect(reply.message?.contains("'governance' role") == true, "\(spelling)")
        }
        #expect(try registry(harness).getModelVersion(name: model, version: "1").currentStage == ModelStage.none)
    }

    // Hole 3: only the routes declared public answer without credentials.
    @Test func aServerInfoSuffixOpensNothing() throws {
        let (harness, experiment, _, _, _) = try harness(.manage)
        for (method, target) in [("PUT", "/api/2.0/mlflow-artifacts/artifacts/\(experiment)/x/mlflow/server-info"),
                                 ("GET", "/api/2.0/mlflow-artifacts/artifacts/\(experiment)/x/mlflow/server-info"),
                                 ("DELETE", "/api/2.0/mlflow-artifacts/artifacts/\(experiment)/x/mlflow/server-info"),
                                 ("GET", "/api/2.0/mlflow/server-info"), ("GET", "/ajax-api/2.0/mlflow/x/mlflow/server-info"),
                                 ("GET", "/health/../api/2.0/mlflow/experiments/search"), ("GET", "/static-files/x"),
                                 ("POST", "/graphql")] {
            #expect(harness.send(method, target, "{}", as: nil).status == 401, "\(method) \(target)")
        }
        #expect(harness.send("GET", "/api/3.0/mlflow/server-info", as: nil).status == 200)
        #expect(harness.send("GET", "/ajax-api/3.0/mlflow/server-info", as: nil).status == 200)
        #expect(harness.send("GET", "/health", as: nil).status == 200)
    }

    // Hole 6: a rollback is judged by where it puts versions, not by what the request names.
    @Test func rollingBackArchivedCannotPromoteWithoutGovernance() throws {
        let (harness, _, run, _, model) = try harness(.read)
        try harness.addUser("gov")
        try harness.auth.createRole(name: "governance", description: "promotes")
        try harness.auth.assignRole(username: "gov", roleName: "governance")
        for user in ["mallory", "gov"] { try harness.auth.createGrant(username: user, .registeredModel, model, .edit) }
        let move = "/mlflow/model-versions/transition-stage"
        // Version 2 sits in Archived already, so the stage has a holder after the rollback. Version 3,
        // promoted, is sealed on the way (its run's artifacts are local: an s3 source with no S3
        // configured could not be sealed, and would not be promoted).
        _ = try registry(harness).createModelVersion(CreateModelVersionRequest(
            name: model, source: "s3://bucket/model2", runId: nil, tags: [], runLink: nil, description: nil, modelId: nil,
            userId: "admin"))
        _ = try registry(harness).createModelVersion(CreateModelVersionRequest(
            name: model, source: "runs:/\(run)/model", runId: run, userId: "admin"))
        #expect(harness.api("POST", move, #"{"name":"\#(model)","version":"2","stage":"Archived"}"#, as: "mallory").status == 200)
        #expect(harness.api("POST", move, #"{"name":"\#(model)","version":"3","stage":"Production"}"#, as: "gov").status == 200)
        #expect(harness.api("POST", move, #"{"name":"\#(model)","version":"3","stage":"Archived"}"#, as: "mallory").status == 200)
        let reply = harness.api("POST", "/swiftrack/registered-models/rollback", #"{"name":"\#(model)","stage":"Archived"}"#,
                                as: "mallory")
        expectError(reply, 403, "PERMISSION_DENIED", "Permission denied: rolling version 3 back into stage 'Production' "
                    + "needs the 'governance' role, which mallory does not hold (separation of duties).")
        #expect(try registry(harness).getModelVersion(name: model, version: "3").currentStage == .archived)
        // The governance holder (not its creator, the admin) may roll it back.
        let rolledBack = harness.api("POST", "/swiftrack/registered-models/rollback",
                                     #"{"name":"\#(model)","stage":"Archived"}"#, as: "gov")
        #expect(rolledBack.status == 200, "\(rolledBack.text)")
        #expect(try registry(harness).getModelVersion(name: model, version: "3").currentStage == .production)
    }

    // Hole 7: four eyes cannot pass on a lookup that failed or a creator nobody knows.
    @Test func fourEyesFailsClosed() throws {
        let (harness, _, _, _, model) = try harness(.read)
        try harness.addUser("gov")
        try harness.auth.createRole(name: "governance", description: "promotes")
        try harness.auth.assignRole(username: "gov", roleName: "governance")
        try harness.auth.createGrant(username: "gov", .registeredModel, model, .edit)
        // A version made with access control off has no creator.
        let anonymous = try registry(harness).createModelVersion(CreateModelVersionRequest(
            name: model, source: "s3://bucket/model2", runId: nil, tags: [], runLink: nil, description: nil, modelId: nil,
            userId: nil))
        let promote = #"{"name":"\#(model)","version":"\#(anonymous.version)","stage":"Production"}"#
        let refused = harness.api("POST", "/mlflow/model-versions/transition-stage", promote, as: "gov")
        #expect(refused.status == 403)
        #expect(refused.message?.contains("has no recorded creator") == true, "\(refused.text)")
        // The roles cannot be read: the check judged inside the write refuses (503) and the write
        // rolls back, for an admin too (the policy binds admins).
        try harness.auth.database.write { try $0.executeScript("DROP TABLE user_role_assignments") }
        for user in ["gov", "admin"] {
            let reply = harness.api("POST", "/mlflow/registered-models/alias",
                                    #"{"name":"\#(model)","alias":"champion","version":"1"}"#, as: user)
            #expect(reply.status == 503 && reply.errorCode == "TEMPORARILY_UNAVAILABLE", "\(user): \(reply.text)")
            let moved = harness.api("POST", "/mlflow/model-versions/transition-stage",
                                    #"{"name":"\#(model)","version":"1","stage":"Production"}"#, as: user)
            #expect(moved.status == 503 && moved.errorCode == "TEMPORARILY_UNAVAILABLE", "\(user): \(moved.text)")
            #expect(moved.message?.hasPrefix("The request's permissions could not be checked") == true)
        }
        let version = try registry(harness).getModelVersion(name: model, version: "1")
        #expect(version.currentStage == .none && version.aliases.isEmpty)
        // The registry's tables gone: the write that would judge the move cannot run, and fails.
        try harness.store.database.write { try $0.executeScript("DROP TABLE model_versions") }
        let gov = harness.api("POST", "/mlflow/model-versions/transition-stage",
                              #"{"name":"\#(model)","version":"1","stage":"Production"}"#, as: "gov")
        #expect(gov.status >= 500, "\(gov.text)")
    }

    // Hole 7, transition requests: an admin's decision is not waved through when the lookup fails.
    // The request is read inside the approving write, so a table that is gone fails the write.
    @Test func aTransitionRequestLookupThatFailsRefusesAdminsToo() throws {
        let (harness, _, _, _, _) = try harness(.read)
        try harness.store.database.write { try $0.executeScript("DROP TABLE transition_requests") }
        let reply = harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":1}"#, as: "admin")
        #expect(reply.status >= 500, "\(reply.text)")
        #expect(["TEMPORARILY_UNAVAILABLE", "INTERNAL_ERROR"].contains(reply.errorCode ?? ""))
    }

    // Hole 8: finalize acts on the model its rule checked.
    @Test func finalizeActsOnThePathsModelOnly() throws {
        let (harness, _, _, loggedModel, _) = try harness(.read)
        let own = try #require(harness.api("POST", "/mlflow/experiments/create", #"{"name":"mine"}"#, as: "mallory")
            .json?["experiment_id"]?.stringValue)
        let mine = try #require(harness.api("POST", "/mlflow/logged-models", #"{"experiment_id":"\#(own)"}"#, as: "mallory")
            .json?["model"]?["info"]?["model_id"]?.stringValue)
        let reply = harness.api("PATCH", "/mlflow/logged-models/\(mine)",
                                #"{"model_id":"\#(loggedModel)","status":"LOGGED_MODEL_READY"}"#, as: "mallory")
        #expect(reply.status == 400, "\(reply.text)")
        #expect(reply.errorCode == "INVALID_PARAMETER_VALUE")
        #expect(try harness.store.getLoggedModel(id: loggedModel, allowDeleted: true).status == .pending)
        #expect(harness.api("PATCH", "/mlflow/logged-models/\(mine)",
                            #"{"model_id":"\#(mine)","status":"LOGGED_MODEL_READY"}"#, as: "mallory").status == 200)
    }

    // Hole 9: the proxy checks the path it acts on, wherever the request put it.
    @Test func proxyPathsInBodiesAreThePathsChecked() throws {
        let (harness, experiment, run, _, _) = try harness(.edit)
        try harness.auth.createGrant(username: "mallory", .experiment, experiment, .deny)
        let listing = harness.send("GET", "/api/2.0/mlflow-artifacts/artifacts",
                                   #"{"path":"\#(experiment)/\#(run)/artifacts"}"#, as: "mallory")
        #expect(listing.status == 403, "\(listing.text)")
        let multipart = harness.send("POST", "/api/2.0/mlflow-artifacts/mpu/create/",
                                     #"{"path":"\#(experiment)/\#(run)/artifacts/model.pkl","num_parts":1}"#, as: "mallory")
        #expect(multipart.status == 403, "\(multipart.text)")
    }

    // Hole 14: the smaller ones.
    @Test func logsAndLinksNeedTheirModelsAndRuns() throws {
        let (harness, _, run, loggedModel, _) = try harness(.noPermissions)
        let own = try #require(harness.api("POST", "/mlflow/experiments/create", #"{"name":"mine"}"#, as: "mallory")
            .json?["experiment_id"]?.stringValue)
        let ownRun = try #require(harness.api("POST", "/mlflow/runs/create", #"{"experiment_id":"\#(own)"}"#, as: "mallory")
            .json?["run"]?["info"]?["run_id"]?.stringValue)
        let cases: [(String, String, String)] = [
            ("POST", "/mlflow/logged-models", #"{"experiment_id":"\#(own)","source_run_id":"\#(run)"}"#),
            ("POST", "/mlflow/runs/outputs", #"{"run_id":"\#(ownRun)","models":[{"model_id":"\#(loggedModel)","step":0}]}"#),
            ("POST", "/mlflow/runs/log-inputs", #"{"run_id":"\#(ownRun)","models":[{"model_id":"\#(loggedModel)"}]}"#),
            ("POST", "/mlflow/runs/log-metric",
             #"{"run_id":"\#(ownRun)","key":"m","value":1,"timestamp":1,"model_id":"\#(loggedModel)"}"#),
            ("POST", "/mlflow/runs/log-batch",
             #"{"run_id":"\#(ownRun)","metrics":[{"key":"m","value":1,"timestamp":1,"step":0,"model_id":"\#(loggedModel)"}]}"#),
            ("GET", "/mlflow/users/list", ""),
        ]
        for (method, path, body) in cases {
            let reply = harness.api(method, path, body, as: "mallory")
            #expect(reply.status == 403, "\(path): \(reply.text)")
        }
        #expect(harness.api("POST", "/mlflow/runs/log-metric",
                            #"{"run_id":"\#(ownRun)","key":"m","value":1,"timestamp":1}"#, as: "mallory").status == 200)
        let datasets = harness.send("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", #"{"experiment_ids":[""]}"#,
                                    as: "mallory")
        #expect(datasets.status == 400, "\(datasets.text)")
        #expect(harness.api("GET", "/mlflow/users/list", as: "admin").status == 200)
    }

    // A permission store that cannot answer refuses; it never lets the request through.
    @Test func anAuthDatabaseThatFailsRefuses() throws {
        let (harness, experiment, _, _, _) = try harness(.read)
        try harness.auth.database.write { try $0.executeScript("DROP TABLE role_permissions") }
        let reply = harness.api("GET", "/mlflow/experiments/get?experiment_id=\(experiment)", as: "mallory")
        #expect(reply.status == 503, "\(reply.text)")
        #expect(reply.errorCode == "TEMPORARILY_UNAVAILABLE")
        #expect(reply.message?.hasPrefix("The request's permissions could not be checked") == true)
    }
}

/// Hole 10: a body is read only once its headers have signed the caller in.
@Suite("Access: admission before the body")
struct AdmissionTests {
    private func head(_ method: String, _ target: String, length: Int64?, as user: String?) -> HTTPRequestHead {
        var headers: [(name: String, value: String)] = [(name: "content-type", value: "application/json")]
        if let length { headers.append((name: "content-length", value: String(length))) }
        if let user {
            let token = Data("\(user):\(AuthHarness.password(user))".utf8).base64EncodedString()
            headers.append((name: "authorization", value: "Basic \(token)"))
        }
        let parts = target.split(separator: "?", maxSplits: 1)
        return HTTPRequestHead(method: method, rawPath: String(parts[0]), path: String(parts[0]), headers: headers,
                               rawQuery: parts.count > 1 ? String(parts[1]) : "", remoteAddress: "10.0.0.9")
    }

    @Test func largeBodiesWaitForTheirSignInAndStrangersAreRefusedUnread() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        let api = harness.api
        let batch = "/api/2.0/mlflow/runs/log-batch"
        #expect(!api.needsAdmission(head("POST", batch, length: 4_096, as: nil)))
        #expect(api.needsAdmission(head("POST", batch, length: 64 << 20, as: nil)))
        #expect(api.needsAdmission(head("POST", batch, length: nil, as: nil)) == false)
        var chunked = head("POST", batch, length: nil, as: nil)
        chunked.headers.append((name: "transfer-encoding", value: "chunked"))
        #expect(api.needsAdmission(chunked))
        for user in [nil, "nobody"] {
            guard case .refuse(let response) = api.admit(head("POST", batch, length: 64 << 20, as: user)) else {
                Issue.record("a stranger's 64 MiB body was admitted")
                continue
            }
            #expect(response.status == 401)
            #expect(response.headers.contains { $0.name == "X-Request-Id" })
        }
        guard case .proceed(.memory) = api.admit(head("POST", batch, length: 64 << 20, as: "admin")) else {
            Issue.record("a signed-in caller's body was not admitted")
            return
        }
        // A public route takes no large body from anyone.
        guard case .proceed(.boundedMemory(let cap)) = api.admit(head("GET", "/health", length: 1 << 20, as: nil)) else {
            Issue.record("a public route admitted a large body")
            return
        }
        #expect(cap == MLflowAPI.unauthenticatedBodyBytes)
    }

    @Test func withoutAccessControlNothingWaits() throws {
        let harness = try APIHarness()
        #expect(!harness.api.needsAdmission(head("POST", "/api/2.0/mlflow/runs/log-batch", length: 64 << 20, as: nil)))
    }
}

/// Hole 14: one GraphQL request cannot fan out into unbounded REST calls.
@Suite("GraphQL: inner calls are bounded")
struct GraphQLCallBudgetTests {
    @Test func callsPastTheBudgetFailWithoutRunning() throws {
        nonisolated(unsafe) var made = 0
        let calls = GraphQLCalls(caller: HTTPRequest(method: "POST", target: "/graphql"), budget: 3) { _ in
            made += 1
            return .json(Array("{}".utf8))
        }
        for index in 0..<3 { _ = try calls.get("/mlflow/runs/get", [("run_id", .string("r\(index)"))]) }
        _ = try calls.get("/mlflow/runs/get", [("run_id", .string("r0"))])   // remembered: no new call
        #expect(throws: GraphQLFieldError.self) { try calls.get("/mlflow/runs/get", [("run_id", .string("r3"))]) }
        #expect(made == 3)
    }
}

/// What the break-in review found after the first fixes (issue 20's closing check).
@Suite("Access: the break-in review")
struct BreakInReviewTests {
    // Break-in review 2: an account whose name is canonically equal to another's (made before
    // such names were refused) acted on that account: read it, changed its password.
    @Test func aLookAlikeNameActsOnNoOtherAccount() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        try harness.addUser("ren\u{E9}")
        try harness.auth.database.write { connection in
            try connection.execute("INSERT INTO users (username, password_hash, is_admin) VALUES (?, ?, 0)",
                                   [.text("rene\u{301}"), .text(PasswordHash.make(AuthHarness.password("rene\u{301}"),
                                                                                   iterations: 1_000))])
        }
        let victim = "ren\u{E9}"
        let read = harness.api("GET", "/mlflow/users/get?username=ren%C3%A9", as: "rene\u{301}")
        #expect(read.status == 403, "\(read.text)")
        let body = JSONWriter.string(.object([("username", .string(victim)), ("password", .string("pwned-password-1")),
                                             ("current_password", .string(AuthHarness.password("rene\u{301}")))]))
        let changed = harness.api("PATCH", "/mlflow/users/update-password", body, as: "rene\u{301}")
        #expect(changed.status == 403, "\(changed.text)")
        #expect(harness.api("GET", "/mlflow/users/get?username=ren%C3%A9", as: victim).status == 200)
    }

    // An experiment pointed at a server file with a NUL, so its run's artifacts were that file.
    @Test func artifactLocationsCannotNameServerFiles() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        try harness.addUser("bob")
        for location in ["file:///etc/passwd%00", "/etc/passwd\u{0}", "file:///tmp%2500", "/tmp/x\n/y"] {
            let body = JSONWriter.string(.object([("name", .string("x-\(location.hashValue)")),
                                                  ("artifact_location", .string(location))]))
            // bob is refused a server path before its spelling is looked at; the admin's is checked.
            let refused = harness.api("POST", "/mlflow/experiments/create", body, as: "bob")
            #expect(refused.status == 403 || refused.status == 400, "bob \(location): \(refused.text)")
            let reply = harness.api("POST", "/mlflow/experiments/create", body, as: "admin")
            #expect(reply.status == 400, "admin \(location): \(reply.text)")
            #expect(reply.errorCode == "INVALID_PARAMETER_VALUE")
        }
        // A path on the server's disk at all is for admins.
        let local = harness.api("POST", "/mlflow/experiments/create", #"{"name":"local","artifact_location":"/etc"}"#,
                                as: "bob")
        #expect(local.status == 403, "\(local.text)")
        // So is any place outside the proxied store, or one naming a host (break-in review 2: the
        // client sends each reader's credentials to the host a location names).
        for location in ["s3://b/p", "gs://b/p", "wasbs://c@a.blob.core.windows.net/p", "ftp://h/p", "models:/x",
                         "mlflow-artifacts://127.0.0.1:9999/pub", "http://127.0.0.1:9999/api/2.0/mlflow-artifacts/artifacts/p",
                         "Mlflow-artifacts:/p", "MLFLOW-ARTIFACTS:/p", "mlflow-artifacts:p"] {
            let body = JSONWriter.string(.object([("name", .string("o-\(location)")), ("artifact_location", .string(location))]))
            let reply = harness.api("POST", "/mlflow/experiments/create", body, as: "bob")
            expectError(reply, 403, "PERMISSION_DENIED", "Permission denied: only an admin may choose where an "
                        + "experiment's artifacts live ('\(location)'); leave artifact_location out, or name a place "
                        + "in the server's artifact store as mlflow-artifacts:/<path>.")
        }
        #expect(harness.api("POST", "/mlflow/experiments/create", #"{"name":"s3","artifact_location":"s3://b/p"}"#,
                            as: "admin").status == 200)
        #expect(harness.api("POST", "/mlflow/experiments/create", #"{"name":"adm","artifact_location":"/tmp/adm"}"#,
                            as: "admin").status == 200)
        // A location stored before the check still cannot open a prefix of itself.
        let stored = try harness.store.createExperiment(name: "old", artifactLocation: "/etc/passwd\u{0}", tags: [])
        let run = try harness.store.createRun(CreateRunRequest(experimentId: stored, userId: "admin", runName: nil,
                                                               startTime: 1, tags: []))
        let read = harness.send("GET", "/get-artifact?run_id=\(run.info.runId)&path=x", as: "admin")
        #expect(read.status == 400, "\(read.text)")
        #expect(!read.text.contains("root:"))
    }

    // A registered model named `*` made its creator MANAGE on every model.
    @Test func noModelIsNamedLikeEveryModel() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        try harness.addUser("bob")
        #expect(harness.api("POST", "/mlflow/registered-models/create", #"{"name":"fraud"}"#, as: "admin").status == 200)
        let created = harness.api("POST", "/mlflow/registered-models/create", #"{"name":"*"}"#, as: "bob")
        #expect(created.status == 400, "\(created.text)")
        #expect(harness.api("POST", "/mlflow/registered-models/create", #"{"name":"mine"}"#, as: "bob").status == 200)
        #expect(harness.api("POST", "/mlflow/registered-models/rename", #"{"name":"mine","new_name":"*"}"#, as: "bob")
            .status == 400)
        #expect(harness.api("PATCH", "/mlflow/registered-models/update", #"{"name":"fraud","description":"x"}"#, as: "bob")
            .status == 403)
        // An admin's model named `*` gives nobody a wildcard, and deleting it takes no wildcard grant away.
        #expect(harness.api("POST", "/mlflow/registered-models/create", #"{"name":"*"}"#, as: "admin").status == 200)
        try harness.auth.createGrant(username: "bob", .registeredModel, "*", .noPermissions)
        #expect(harness.api("DELETE", "/mlflow/registered-models/delete", #"{"name":"*"}"#, as: "admin").status == 200)
        #expect(try harness.auth.effectivePermission(userId: try #require(try harness.auth.user(named: "bob")).id,
                                                     .registeredModel, "*") == .noPermissions)
    }
}
