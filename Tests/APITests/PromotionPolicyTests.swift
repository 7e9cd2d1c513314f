import Auth
import Testing
@testable import API

/// Separation of duties: protected stages and aliases need the governance role, and the
/// version's creator may not promote it (four eyes).
@Suite("Promotion policy")
struct PromotionPolicyTests {
    private func harness() throws -> AuthHarness {
        let harness = try AuthHarness(defaultPermission: .read)
        for name in ["scientist", "gov1", "gov2"] { try harness.addUser(name) }
        try harness.auth.createRole(name: "governance", description: "promotes to production")
        try harness.auth.assignRole(username: "gov1", roleName: "governance")
        try harness.auth.assignRole(username: "gov2", roleName: "governance")
        return harness
    }

    @Test func onlyGovernanceMayPromoteAndNeverTheirOwnVersion() throws {
        let harness = try harness()
        // The scientist owns the model and creates version 1; gov1 can edit it too.
        #expect(harness.api("POST", "/mlflow/registered-models/create", #"{"name":"fraud"}"#, as: "scientist").status == 200)
        let source = try harness.runSource(as: "scientist", "promotion")
        #expect(harness.api("POST", "/mlflow/model-versions/create", #"{"name":"fraud",\#(source)}"#,
                            as: "scientist").json?["model_version"]?["user_id"]?.stringValue == "scientist")
        try harness.auth.createGrant(username: "gov1", .registeredModel, "fraud", .edit)
        try harness.auth.createGrant(username: "gov2", .registeredModel, "fraud", .edit)
        let toStaging = #"{"name":"fraud","version":"1","stage":"Staging"}"#
        let toProduction = #"{"name":"fraud","version":"1","stage":"production"}"#
        #expect(harness.api("POST", "/mlflow/model-versions/transition-stage", toStaging, as: "scientist").status == 200)
        expectError(harness.api("POST", "/mlflow/model-versions/transition-stage", toProduction, as: "scientist"),
                    403, "PERMISSION_DENIED", "Permission denied: moving a version to stage 'Production' needs the "
                    + "'governance' role, which scientist does not hold (separation of duties).")
        expectError(harness.api("POST", "/mlflow/registered-models/alias",
                                #"{"name":"fraud","alias":"Champion","version":"1"}"#, as: "admin"),
                    403, "PERMISSION_DENIED", "Permission denied: moving a version to alias 'Champion' needs the "
                    + "'governance' role, which admin does not hold (separation of duties).")
        #expect(harness.api("POST", "/mlflow/registered-models/alias", #"{"name":"fraud","alias":"candidate","version":"1"}"#,
                            as: "scientist").status == 200)
        #expect(harness.api("POST", "/mlflow/model-versions/transition-stage", toProduction, as: "gov1").status == 200)
        #expect(harness.api("POST", "/mlflow/registered-models/alias", #"{"name":"fraud","alias":"champion","version":"1"}"#,
                            as: "gov2").status == 200)
        // gov1 registers version 2 and may not promote it; gov2 may.
        #expect(harness.api("POST", "/mlflow/model-versions/create", #"{"name":"fraud",\#(source)}"#,
                            as: "gov1").status == 200)
        let second = #"{"name":"fraud","version":"2","stage":"Production"}"#
        expectError(harness.api("POST", "/mlflow/model-versions/transition-stage", second, as: "gov1"), 403,
                    "PERMISSION_DENIED", "Permission denied: gov1 created version 2 of 'fraud' and may not move it to "
                    + "stage 'Production' themselves (four eyes): another holder of the 'governance' role must.")
        #expect(harness.api("POST", "/mlflow/model-versions/transition-stage", second, as: "gov2").status == 200)
        // The governance role does not stand in for permissions on the model.
        #expect(harness.api("POST", "/mlflow/registered-models/create", #"{"name":"other"}"#, as: "scientist").status == 200)
        #expect(harness.api("POST", "/mlflow/model-versions/create", #"{"name":"other",\#(source)}"#,
                            as: "scientist").status == 200)
        #expect(harness.api("POST", "/mlflow/model-versions/transition-stage",
                            #"{"name":"other","version":"1","stage":"Production"}"#, as: "gov1").status == 403)
    }

    @Test func theProtectedNamesAndTheRoleComeFromTheConfiguration() throws {
        let file = try INIFile(parsing: """
            [mlflow]
            default_permission = EDIT
            [swiftrack]
            protected_stages = Production, Staging
            protected_aliases = gold
            governance_role = release-managers
            """)
        let configuration = try AuthConfiguration(file: file, environment: ["MLFLOW_AUTH_ADMIN_PASSWORD": "admin-pass-12345"])
        #expect(configuration.defaultPermission == .edit)
        #expect(configuration.promotion.protects(stage: "staging"))
        #expect(!configuration.promotion.protects(alias: "champion"))
        #expect(configuration.promotion.protects(alias: "GOLD"))
        #expect(configuration.promotion.governanceRole == "release-managers")
        #expect(configuration.adminPassword == "admin-pass-12345")
        #expect(PromotionPolicy().protects(stage: "Production") && PromotionPolicy().protects(alias: "champion"))
    }
}
