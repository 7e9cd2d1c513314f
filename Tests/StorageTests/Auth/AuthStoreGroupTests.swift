import Auth
import Testing
@testable import Storage
import TrackingCore

/// Groups and role updates in the auth store, on every engine.
@Suite("Auth store: groups and role updates")
struct AuthStoreGroupTests {
    private func makeStore(_ engine: TestEngine) throws -> AuthStore {
        try AuthStore(database: try engine.makeDatabase(), passwordIterations: 1_000)
    }

    @Test(arguments: TestEngine.all) func aGroupsRolesAreHeldByEachMember(engine: TestEngine) throws {
        let store = try makeStore(engine)
        let alice = try store.createUser(username: "alice", password: "alice-password")
        let bob = try store.createUser(username: "bob", password: "bob-password-1")
        let scientist = try store.createRole(name: "scientist")
        _ = try store.addRolePermission(roleId: scientist.id, .experiment, "*", .edit)
        let governance = try store.createRole(name: "governance")
        try store.createGroup(name: "fraud-team", description: "the fraud models")
        #expect(throws: MLflowError(.resourceAlreadyExists, "Group (name=fraud-team) already exists.")) {
            try store.createGroup(name: "fraud-team")
        }
        try store.addMember(group: "fraud-team", username: "alice")
        try store.assignRole(group: "fraud-team", roleId: scientist.id)
        #expect(try store.effectivePermission(userId: alice.id, .experiment, "3") == .edit)
        #expect(try store.effectivePermission(userId: bob.id, .experiment, "3") == nil)
        #expect(try store.grants(userId: alice.id, .experiment) == ["*": .edit])
        #expect(try store.roles(userId: alice.id).map(\.name) == ["scientist"])
        #expect(try store.groups(userId: alice.id) == ["fraud-team"])
        // A role held both directly and through a group counts once; DENY still wins.
        _ = try store.assignRole(username: "alice", roleId: scientist.id)
        #expect(try store.roles(userId: alice.id).map(\.name) == ["scientist"])
        try store.createGrant(username: "alice", .experiment, "3", .deny)
        #expect(try store.effectivePermission(userId: alice.id, .experiment, "3") == .deny)

        try store.createGroup(name: "reviewers")
        try store.addMember(group: "reviewers", username: "bob")
        #expect(!(try store.holdsRole(userId: bob.id, roleName: "governance")))
        try store.assignRole(group: "reviewers", roleId: governance.id)
        #expect(try store.holdsRole(userId: bob.id, roleName: "governance"))
        let reviewers = try store.group(named: "reviewers")
        #expect(reviewers.members == ["bob"] && reviewers.roles == ["governance"])
        #expect(try store.listGroups().map(\.name) == ["fraud-team", "reviewers"])

        try store.removeMember(group: "reviewers", username: "bob")
        #expect(!(try store.holdsRole(userId: bob.id, roleName: "governance")))
        #expect(throws: MLflowError.notFound("User bob is not a member of group reviewers.")) {
            try store.removeMember(group: "reviewers", username: "bob")
        }
        try store.addMember(group: "reviewers", username: "bob")
        try store.unassignRole(group: "reviewers", roleId: governance.id)
        #expect(!(try store.holdsRole(userId: bob.id, roleName: "governance")))
        try store.assignRole(group: "reviewers", roleId: governance.id)
        // Deleting the role, the user or the group takes what hangs on it.
        try store.deleteRole(id: governance.id)
        #expect(try store.group(named: "reviewers").roles.isEmpty)
        try store.deleteUser(username: "bob")
        #expect(try store.group(named: "reviewers").members.isEmpty)
        try store.deleteGroup(name: "fraud-team")
        #expect(try store.groups(userId: alice.id).isEmpty)
        #expect(try store.roles(userId: alice.id).map(\.name).filter { !$0.hasPrefix("__user_") } == ["scientist"])
    }

    @Test(arguments: TestEngine.all) func groupMistakesGetClearErrors(engine: TestEngine) throws {
        let store = try makeStore(engine)
        let alice = try store.createUser(username: "alice", password: "alice-password")
        try store.createGroup(name: "g")
        #expect(throws: MLflowError.notFound("Group with name=nope not found")) { try store.addMember(group: "nope", username: "alice") }
        #expect(throws: MLflowError.notFound("User with username=carol not found")) { try store.addMember(group: "g", username: "carol") }
        try store.addMember(group: "g", username: "alice")
        #expect(throws: MLflowError(.resourceAlreadyExists, "User alice is already a member of group g.")) {
            try store.addMember(group: "g", username: "alice")
        }
        #expect(throws: MLflowError.notFound("Role with id=999 not found")) { try store.assignRole(group: "g", roleId: 999) }
        try store.createGrant(username: "alice", .experiment, "1", .read)
        let personal = try #require(try store.listRoles().first { $0.isPersonal })
        #expect(throws: MLflowError.invalidParameter("A user's personal role (\(Role.personalName(userId: alice.id))) "
                                                     + "cannot be given to a group.")) {
            try store.assignRole(group: "g", roleId: personal.id)
        }
        #expect(throws: MLflowError.invalidParameter("Group name cannot be empty.")) { try store.createGroup(name: " ") }
        #expect(throws: MLflowError.notFound("Group with name=nope not found")) { try store.deleteGroup(name: "nope") }
    }

    @Test(arguments: TestEngine.all) func rolesAndTheirGrantsAreUpdated(engine: TestEngine) throws {
        let store = try makeStore(engine)
        let role = try store.createRole(name: "viewer", description: "reads")
        try store.createRole(name: "taken")
        let grant = try store.addRolePermission(roleId: role.id, .registeredModel, "*", .read)
        let renamed = try store.updateRole(id: role.id, name: "reader", description: nil)
        #expect(renamed.name == "reader" && renamed.description == "reads" && renamed.permissions == [grant])
        #expect(try store.updateRole(id: role.id, name: nil, description: "reads models").description == "reads models")
        #expect(throws: MLflowError(.resourceAlreadyExists, "Role with name=taken already exists in workspace=default")) {
            _ = try store.updateRole(id: role.id, name: "taken", description: nil)
        }
        #expect(throws: MLflowError.notFound("Role with id=999 not found")) {
            _ = try store.updateRole(id: 999, name: "x", description: nil)
        }
        #expect((try? store.updateRole(id: role.id, name: "__user_9__", description: nil)) == nil)
        let raised = try store.updateRolePermission(id: grant.id, .edit)
        #expect(raised.permission == .edit && raised.resourcePattern == "*" && raised.roleId == role.id)
        #expect(try store.role(id: role.id).permissions.map(\.permission) == [.edit])
        #expect(throws: MLflowError.notFound("Role permission with id=999 not found")) {
            _ = try store.updateRolePermission(id: 999, .read)
        }
    }
}
