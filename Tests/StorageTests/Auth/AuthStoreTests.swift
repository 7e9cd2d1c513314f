import Auth
import Testing
@testable import Storage
import TrackingCore

/// The auth store's contract on every engine.
@Suite("Auth store")
struct AuthStoreTests {
    private func makeStore(_ engine: TestEngine) throws -> AuthStore {
        try AuthStore(database: try engine.makeDatabase(), passwordIterations: 1_000)
    }

    @Test(arguments: TestEngine.all) func usersAreCreatedVerifiedUpdatedAndDeleted(engine: TestEngine) throws {
        let store = try makeStore(engine)
        let alice = try store.createUser(username: "alice", password: "alice-password")
        #expect(alice.username == "alice")
        #expect(!alice.isAdmin)
        #expect(PasswordHash.verify("alice-password", against: try store.requireUser(named: "alice").passwordHash))
        #expect(throws: MLflowError(.resourceAlreadyExists, "User (username=alice) already exists.")) {
            try store.createUser(username: "alice", password: "another-password")
        }
        #expect(throws: MLflowError.invalidParameter("Password must be at least 12 characters.")) {
            try store.createUser(username: "bob", password: "short")
        }
        #expect(throws: MLflowError.invalidParameter("Username cannot be empty.")) {
            try store.createUser(username: "", password: "long-enough-password")
        }
        try store.updatePassword(username: "alice", password: "a-new-password")
        let updated = try store.requireUser(named: "alice")
        #expect(PasswordHash.verify("a-new-password", against: updated.passwordHash))
        #expect(!PasswordHash.verify("alice-password", against: updated.passwordHash))
        try store.updateAdmin(username: "alice", isAdmin: true)
        #expect(try store.requireUser(named: "alice").isAdmin)
        try store.createUser(username: "bob", password: "bob-password-1", isAdmin: false)
        #expect(try store.listUsers().map(\.username) == ["alice", "bob"])
        try store.deleteUser(username: "alice")
        #expect(try store.user(named: "alice") == nil)
        for action in [{ try store.deleteUser(username: "alice") },
                       { try store.updatePassword(username: "alice", password: "long-enough-password") },
                       { try store.updateAdmin(username: "alice", isAdmin: false) }] {
            #expect(throws: MLflowError.notFound("User with username=alice not found")) { try action() }
        }
    }

    @Test(arguments: TestEngine.all) func grantsResolveThroughThePersonalRole(engine: TestEngine) throws {
        let store = try makeStore(engine)
        let alice = try store.createUser(username: "alice", password: "alice-password")
        try store.createGrant(username: "alice", .experiment, "1", .edit)
        #expect(throws: MLflowError(.resourceAlreadyExists,
                                    "Permission for user=alice on resource_type=experiment, resource_id=1 already exists.")) {
            try store.createGrant(username: "alice", .experiment, "1", .read)
        }
        #expect(try store.directGrant(username: "alice", .experiment, "1") == .edit)
        #expect(try store.effectivePermission(userId: alice.id, .experiment, "1") == .edit)
        #expect(try store.effectivePermission(userId: alice.id, .experiment, "2") == nil)
        #expect(try store.effectivePermission(userId: alice.id, .registeredModel, "1") == nil)
        // Experiment ids are kept in one spelling: "07" is experiment 7.
        try store.createGrant(username: "alice", .experiment, "07", .read)
        #expect(try store.effectivePermission(userId: alice.id, .experiment, "7") == .read)
        #expect(try store.directGrant(username: "alice", .experiment, "7") == .read)
        try store.updateGrant(username: "alice", .experiment, "1", .manage)
        #expect(try store.effectivePermission(userId: alice.id, .experiment, "1") == .manage)
        try store.createGrant(username: "alice", .registeredModel, "model-a", .read)
        try store.createGrant(username: "alice", .registeredModel, "*", .use)
        #expect(try store.effectivePermission(userId: alice.id, .registeredModel, "model-a") == .use)
        #expect(try store.effectivePermission(userId: alice.id, .registeredModel, "other") == .use)
        #expect(try store.grants(userId: alice.id, .registeredModel) == ["model-a": .read, "*": .use])
        try store.renameResource(.registeredModel, from: "model-a", to: "model-b", grantedUpTo: try store.grantWatermark())
        #expect(try store.directGrant(username: "alice", .registeredModel, "model-b") == .read)
        try store.deleteResourceGrants(.registeredModel, "model-b", grantedUpTo: try store.grantWatermark())
        #expect(throws: MLflowError.notFound("Permission for user=alice on resource_type=registered_model, resource_id=model-b not found.")) {
            try store.directGrant(username: "alice", .registeredModel, "model-b")
        }
        try store.deleteGrant(username: "alice", .experiment, "1")
        #expect(try store.effectivePermission(userId: alice.id, .experiment, "1") == nil)
        #expect(throws: MLflowError.notFound("Permission for user=alice on resource_type=experiment, resource_id=1 not found.")) {
            try store.deleteGrant(username: "alice", .experiment, "1")
        }
        #expect(throws: MLflowError.notFound("User with username=carol not found")) {
            try store.createGrant(username: "carol", .experiment, "1", .read)
        }
        // Deleting the user takes their grants along; a new user of that name starts clean.
        try store.deleteUser(username: "alice")
        let again = try store.createUser(username: "alice", password: "alice-password")
        #expect(try store.grants(userId: again.id, .registeredModel) == [:])
    }

    /// The break-in review's race: bob (EDIT on model x) renames x to y while his own create of a new
    /// x lands in between, whose creator grant raised his row on "x" to MANAGE; the rename's grant
    /// move then carried that MANAGE to y. A changed grant is a new row past the watermark the
    /// rename read first, so it stays on the new x, and so do grants made on the freed name.
    @Test(arguments: TestEngine.all) func aRenameMovesOnlyTheGrantsThatStoodBeforeIt(engine: TestEngine) throws {
        let store = try makeStore(engine)
        let bob = try store.createUser(username: "bob", password: "bob-password")
        let carol = try store.createUser(username: "carol", password: "carol-password")
        try store.createGrant(username: "bob", .registeredModel, "x", .edit)
        try store.createGrant(username: "carol", .registeredModel, "x", .read)
        let watermark = try store.grantWatermark()
        // In the rename's window: bob creates the new x (MANAGE for its creator), an admin grants dave.
        try store.setGrant(user: bob, .registeredModel, "x", .manage)
        let dave = try store.createUser(username: "dave", password: "dave-password")
        try store.createGrant(username: "dave", .registeredModel, "x", .read)
        #expect(try store.grantWatermark() > watermark)
        try store.renameResource(.registeredModel, from: "x", to: "y", grantedUpTo: watermark)
        #expect(try store.effectivePermission(userId: bob.id, .registeredModel, "y") == nil)
        #expect(try store.effectivePermission(userId: bob.id, .registeredModel, "x") == .manage)
        #expect(try store.effectivePermission(userId: carol.id, .registeredModel, "y") == .read)
        #expect(try store.effectivePermission(userId: carol.id, .registeredModel, "x") == nil)
        #expect(try store.effectivePermission(userId: dave.id, .registeredModel, "x") == .read)
        // A change through the admin API is a new row too; a delete takes only what stood before it.
        let beforeDelete = try store.grantWatermark()
        try store.updateGrant(username: "carol", .registeredModel, "y", .edit)
        try store.deleteResourceGrants(.registeredModel, "y", grantedUpTo: beforeDelete)
        #expect(try store.effectivePermission(userId: carol.id, .registeredModel, "y") == .edit)
        try store.deleteResourceGrants(.registeredModel, "x", grantedUpTo: try store.grantWatermark())
        #expect(try store.effectivePermission(userId: bob.id, .registeredModel, "x") == nil)
        #expect(try store.effectivePermission(userId: dave.id, .registeredModel, "x") == nil)
    }

    /// Break-in review 2: two names that Swift's `==` takes for one (canonically equal) were two
    /// accounts, and one acted on the other's. A second spelling of an existing name is refused.
    @Test(arguments: TestEngine.all) func aNameInAnotherUnicodeSpellingIsTaken(engine: TestEngine) throws {
        let store = try makeStore(engine)
        _ = try store.createUser(username: "ren\u{E9}", password: "victim-password-1")
        _ = try store.createUser(username: "Kate", password: "victim-password-2")
        #expect(throws: MLflowError(.resourceAlreadyExists, "User (username=rene\u{301}) already exists as "
                                    + "'ren\u{E9}', the same name in another Unicode spelling.")) {
            try store.createUser(username: "rene\u{301}", password: "attacker-password-1")
        }
        #expect(throws: MLflowError.self) { try store.createUser(username: "\u{212A}ate", password: "attacker-password-2") }
        #expect(try store.user(named: "rene\u{301}") == nil)
        _ = try store.createUser(username: "rene", password: "other-password-1")   // a different name is fine
    }

    @Test(arguments: TestEngine.all) func theSchemaSharesADatabaseWithTheTrackingSchema(engine: TestEngine) throws {
        let database = try engine.makeDatabase()
        _ = try SQLTrackingStore(database: database, defaultArtifactRoot: "/a")
        _ = try AuthStore(database: database, passwordIterations: 1_000)
        _ = try AuthStore(database: database, passwordIterations: 1_000)   // already prepared: a no-op
        #expect(try database.schemaVersions(versionTable: AuthSchema.versionTable) == AuthSchema.migrations.map(\.version))
        #expect(AuthSchema.migrations.map(\.version) == [1, 2, 3])
        #expect(try database.schemaVersions() == TrackingMigrations.all.map(\.version))
    }

    @Test(arguments: TestEngine.all) func anOlderAuthSchemaIsUpgradedOnOpenKeepingItsUsers(engine: TestEngine) throws {
        let database = try engine.makeDatabase()
        _ = try database.migrate(Array(AuthSchema.migrations.prefix(1)), versionTable: AuthSchema.versionTable)
        try database.write { connection in
            _ = try connection.execute("INSERT INTO users (username, password_hash, is_admin) VALUES ('old', 'x', 1)", [])
        }
        let store = try AuthStore(database: database, passwordIterations: 1_000)
        #expect(try database.schemaVersions(versionTable: AuthSchema.versionTable) == [1, 2, 3])
        #expect(try store.requireUser(named: "old").isAdmin)
        try store.createGroup(name: "after-upgrade")
        try store.addMember(group: "after-upgrade", username: "old")
        #expect(try store.group(named: "after-upgrade").members == ["old"])
    }
}
