import Auth
import Testing
@testable import API

/// Transition requests over HTTP, under the promotion policy: anyone who may edit a model asks,
/// a governance holder other than the author and the version's creator approves, and the move is made.
@Suite("Transition requests")
struct TransitionRequestRouteTests {
    private func harness() throws -> AuthHarness {
        let harness = try AuthHarness(defaultPermission: .read)
        for name in ["scientist", "colleague", "gov1", "gov2", "reader"] { try harness.addUser(name) }
        try harness.auth.createRole(name: "governance", description: "promotes to production")
        for name in ["gov1", "gov2"] { try harness.auth.assignRole(username: name, roleName: "governance") }
        #expect(harness.api("POST", "/mlflow/registered-models/create", #"{"name":"fraud"}"#, as: "scientist").status == 200)
        let source = try harness.runSource(as: "scientist", "requests")
        #expect(harness.api("POST", "/mlflow/model-versions/create", #"{"name":"fraud",\#(source)}"#,
                            as: "scientist").status == 200)
        for name in ["colleague", "gov1", "gov2"] { try harness.auth.createGrant(username: name, .registeredModel, "fraud", .edit) }
        return harness
    }

    private func ask(_ harness: AuthHarness, _ body: String, as user: String) throws -> Int64 {
        let reply = harness.api("POST", "/mlflow/transition-requests/create", body, as: user)
        #expect(reply.status == 200, "body: \(reply.text)")
        return try #require(reply.json?["request"]?["id"]?.intValue)
    }

    @Test func aScientistAsksAndAGovernanceUserApprovesTheMove() throws {
        let harness = try harness()
        let id = try ask(harness, #"{"name":"fraud","version":"1","stage":"Production","comment":"AUC 0.93"}"#,
                         as: "scientist")
        let listed = harness.api("GET", "/mlflow/transition-requests/list?name=fraud&status=pending", as: "reader")
        #expect(listed.status == 200)
        let first = listed.json?["requests"]?[0]
        #expect(first?["to_stage"]?.stringValue == "Production" && first?["user_id"]?.stringValue == "scientist")
        #expect(first?["status"]?.stringValue == "PENDING" && first?["comment"]?.stringValue == "AUC 0.93")
        // Neither the author nor a colleague without the role decides it.
        expectError(harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":\#(id)}"#, as: "colleague"),
                    403, "PERMISSION_DENIED", "Permission denied: approving a move to stage 'Production' needs the "
                    + "'governance' role, which colleague does not hold (separation of duties).")
        expectError(harness.api("POST", "/mlflow/transition-requests/reject", #"{"request_id":\#(id)}"#, as: "colleague"),
                    403, "PERMISSION_DENIED", "Permission denied: rejecting a move to stage 'Production' needs the "
                    + "'governance' role, which colleague does not hold (separation of duties).")
        let approved = harness.api("POST", "/mlflow/transition-requests/approve",
                                   #"{"request_id":"\#(id)","comment":"checked the eval"}"#, as: "gov1")
        #expect(approved.status == 200, "body: \(approved.text)")
        #expect(approved.json?["request"]?["status"]?.stringValue == "APPROVED")
        #expect(approved.json?["request"]?["resolved_by"]?.stringValue == "gov1")
        #expect(approved.json?["model_version"]?["current_stage"]?.stringValue == "Production")
        let version = harness.api("GET", "/mlflow/model-versions/get?name=fraud&version=1", as: "reader")
        #expect(version.json?["model_version"]?["current_stage"]?.stringValue == "Production")
        expectError(harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":\#(id)}"#, as: "gov2"),
                    400, "INVALID_STATE",
                    "Transition request \(id) was already approved by gov1; only a pending request can be decided.")
    }

    @Test func fourEyesHoldForTheAuthorAndTheVersionsCreator() throws {
        let harness = try harness()
        // gov1 asks for their colleague's version: another reviewer must approve.
        let asked = try ask(harness, #"{"name":"fraud","version":"1","alias":"champion"}"#, as: "gov1")
        expectError(harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":\#(asked)}"#, as: "gov1"),
                    403, "PERMISSION_DENIED", "Permission denied: gov1 asked for transition request \(asked) and may not "
                    + "approve it themselves (four eyes): another holder of the 'governance' role must.")
        #expect(harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":\#(asked)}"#, as: "gov2").status == 200)
        let aliased = harness.api("GET", "/mlflow/registered-models/alias?name=fraud&alias=champion", as: "reader")
        #expect(aliased.json?["model_version"]?["version"]?.stringValue == "1")
        // gov2 registers version 2; a scientist asks for it; gov2 created it and may not approve.
        let source = try harness.runSource(as: "gov2", "second")
        #expect(harness.api("POST", "/mlflow/model-versions/create", #"{"name":"fraud",\#(source)}"#,
                            as: "gov2").status == 200)
        let second = try ask(harness, #"{"name":"fraud","version":"2","stage":"Production"}"#, as: "scientist")
        expectError(harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":\#(second)}"#, as: "gov2"),
                    403, "PERMISSION_DENIED", "Permission denied: gov2 created version 2 of 'fraud' and may not move it "
                    + "to stage 'Production' themselves (four eyes): another holder of the 'governance' role must.")
        let rejected = harness.api("POST", "/mlflow/transition-requests/reject",
                                   #"{"request_id":\#(second),"comment":"needs a fairness review"}"#, as: "gov1")
        #expect(rejected.json?["request"]?["status"]?.stringValue == "REJECTED")
        #expect(rejected.json?["request"]?["resolution_comment"]?.stringValue == "needs a fairness review")
        let stage = harness.api("GET", "/mlflow/model-versions/get?name=fraud&version=2", as: "reader")
        #expect(stage.json?["model_version"]?["current_stage"]?.stringValue == "None")
    }

    @Test func unprotectedMovesAreApprovedByAnyEditorAndOnlyTheAuthorCancels() throws {
        let harness = try harness()
        let staging = try ask(harness, #"{"name":"fraud","version":"1","stage":"Staging"}"#, as: "scientist")
        expectError(harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":\#(staging)}"#, as: "reader"),
                    403, "PERMISSION_DENIED", "Permission denied: changing registered model 'fraud' needs EDIT "
                    + "permission; reader has READ.")
        #expect(harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":\#(staging)}"#,
                            as: "colleague").json?["model_version"]?["current_stage"]?.stringValue == "Staging")
        let archived = try ask(harness, #"{"name":"fraud","version":"1","stage":"Archived"}"#, as: "scientist")
        expectError(harness.api("DELETE", "/mlflow/transition-requests/delete", #"{"request_id":\#(archived)}"#,
                                as: "colleague"),
                    403, "PERMISSION_DENIED", "Permission denied: only its author (scientist) or an admin may cancel "
                    + "transition request \(archived).")
        #expect(harness.api("DELETE", "/mlflow/transition-requests/delete", #"{"request_id":\#(archived)}"#,
                            as: "scientist").json?["request"]?["status"]?.stringValue == "CANCELLED")
        // A reader may not ask; an unknown request is not shown to a non-admin, and 404 to an admin.
        #expect(harness.api("POST", "/mlflow/transition-requests/create",
                            #"{"name":"fraud","version":"1","stage":"Staging"}"#, as: "reader").status == 403)
        expectError(harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":999}"#, as: "gov1"),
                    403, "PERMISSION_DENIED", "Permission denied: there is no transition request 999 you may see.")
        expectError(harness.api("POST", "/mlflow/transition-requests/reject", #"{"request_id":999}"#, as: "admin"),
                    404, "RESOURCE_DOES_NOT_EXIST", "Transition request with id=999 not found")
    }

    @Test func badRequestsGetMLflowStyleErrors() throws {
        let harness = try harness()
        let create = "/mlflow/transition-requests/create"
        expectError(harness.api("POST", create, #"{"name":"fraud","version":"1"}"#, as: "scientist"), 400,
                    "INVALID_PARAMETER_VALUE", "A transition request needs exactly one of 'stage' and 'alias'.")
        expectError(harness.api("POST", create, #"{"name":"fraud","version":"1","stage":"Staging","alias":"a"}"#,
                                as: "scientist"), 400,
                    "INVALID_PARAMETER_VALUE", "A transition request needs exactly one of 'stage' and 'alias'.")
        expectError(harness.api("POST", create, #"{"name":"fraud","version":"1","stage":"Live"}"#, as: "scientist"), 400,
                    "INVALID_PARAMETER_VALUE",
                    "Invalid Model Version stage: Live. Value must be one of None, Staging, Production, Archived.")
        expectError(harness.api("POST", create, #"{"name":"fraud","stage":"Staging"}"#, as: "scientist"), 400,
                    "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'version'. See the API docs for more information about request parameters.")
        #expect(harness.api("POST", create, #"{"name":"fraud","version":"1","stage":7}"#, as: "scientist").status == 400)
        #expect(harness.api("POST", create, #"{"name":"fraud","version":"1","stage":"Staging""#, as: "scientist").status == 400)
        let badId = harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":"abc"}"#, as: "admin")
        #expect(badId.status == 400 && badId.errorCode == "INVALID_PARAMETER_VALUE")
        #expect(badId.message?.contains("'request_id'") == true)
        expectError(harness.api("GET", "/mlflow/transition-requests/list?name=fraud&status=open", as: "admin"), 400,
                    "INVALID_PARAMETER_VALUE", "Invalid transition request status: open. Value must be one of "
                    + "PENDING, APPROVED, REJECTED, CANCELLED.")
    }
}
