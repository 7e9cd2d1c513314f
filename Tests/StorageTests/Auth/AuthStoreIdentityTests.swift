import Auth
import Foundation
import Synchronization
import Testing
@testable import Storage
import TrackingCore

/// External sign-ins bind to (issuer, subject), never to an account by its name (issue 20, hole 5).
@Suite("Auth store: external identities")
struct AuthStoreIdentityTests {
    private let issuer = "https://login.example/realms/ml"

    private func makeStore(_ engine: TestEngine) throws -> AuthStore {
        try AuthStore(database: try engine.makeDatabase(), passwordIterations: 1_000)
    }

    private func oidc(_ subject: String, _ username: String, issuer: String? = nil) -> ExternalIdentity {
        ExternalIdentity(kind: .oidc, issuer: issuer ?? self.issuer, subject: subject, username: username)
    }

    private func isRefused(_ body: () throws -> AuthUser) -> MLflowError? {
        do {
            let user = try body()
            Issue.record("signed in as \(user.username) (id \(user.id)) instead of being refused")
            return nil
        } catch let error as MLflowError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test(arguments: TestEngine.all) func aNameHeldByALocalAccountIsRefusedNotTakenOver(engine: TestEngine) throws {
        let store = try makeStore(engine)
        let admin = try store.createUser(username: "admin", password: "admin-password-1", isAdmin: true)
        try store.createGrant(username: "admin", .experiment, "1", .manage)
        // A provider token that names itself `admin` (preferred_username is often the user's choice).
        let error = isRefused { try store.provisionExternalUser(oidc("attacker-sub", "admin"), isAdmin: false, claimExisting: true) }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("'admin', which a local account holds") == true, "\(String(describing: error))")
        // The account is as it was: its password, its admin flag, no identity bound to it.
        #expect(try store.requireUser(named: "admin") == admin)
        #expect(try store.externalIdentity(username: "admin") == nil)
        let ldap = ExternalIdentity(kind: .ldap, issuer: "ldap://127.0.0.1", subject: "uid=admin,dc=x", username: "admin")
        #expect(isRefused { try store.signInExternalUser(ldap, groups: [], mapping: GroupRoleMapping(), claimExisting: true) }?
            .code == .permissionDenied)
        #expect(try store.listUsers().map(\.username) == ["admin"])
    }

    @Test(arguments: TestEngine.all) func anIdentityIsBoundToTheUserItsFirstSignInCreated(engine: TestEngine) throws {
        let store = try makeStore(engine)
        let ada = try store.provisionExternalUser(oidc("sub-1", "ada"), isAdmin: nil, claimExisting: true)
        #expect(ada.username == "ada" && ada.passwordHash == AuthStore.externalPasswordHash && !ada.isAdmin)
        #expect(try store.externalIdentity(username: "ada") == oidc("sub-1", "ada"))
        // The same subject is the same user, whatever name its token carries now.
        #expect(try store.provisionExternalUser(oidc("sub-1", "ada"), isAdmin: nil, claimExisting: true) == ada)
        #expect(try store.provisionExternalUser(oidc("sub-1", "ada.lovelace"), isAdmin: true, claimExisting: true).id == ada.id)
        #expect(try store.requireUser(named: "ada").isAdmin)
        #expect(try store.user(named: "ada.lovelace") == nil)
        // Another subject (or the same subject at another issuer) that would be `ada` is refused.
        for other in [oidc("sub-2", "ada"), oidc("sub-1", "ada", issuer: "https://other.example"),
                      ExternalIdentity(kind: .ldap, issuer: issuer, subject: "sub-1", username: "ada")] {
            let error = isRefused { try store.provisionExternalUser(other, isAdmin: nil, claimExisting: true) }
            #expect(error?.code == .permissionDenied)
            #expect(error?.message.contains("another sign-in identity") == true, "\(String(describing: error))")
        }
        // A removed user's identity goes with it: the next sign-in of that subject starts a new user.
        try store.deleteUser(username: "ada")
        #expect(try store.externalIdentity(username: "ada") == nil)
        let again = try store.provisionExternalUser(oidc("sub-2", "ada"), isAdmin: nil, claimExisting: true)
        #expect(again.id != ada.id)
        #expect(try store.externalIdentity(username: "ada") == oidc("sub-2", "ada"))
    }

    @Test(arguments: TestEngine.all) func aUserMadeBeforeIdentitiesIsClaimedOnceAndOnlyWhenAllowed(engine: TestEngine) throws {
        let database = try engine.makeDatabase()
        // An auth database of the previous version, with a provider's user in it.
        _ = try database.migrate(Array(AuthSchema.migrations.prefix(2)), versionTable: AuthSchema.versionTable)
        try database.write { connection in
            _ = try connection.execute("INSERT INTO users (username, password_hash, is_admin) VALUES ('grace', '!external', 0)", [])
            _ = try connection.execute("INSERT INTO users (username, password_hash, is_admin) VALUES ('linus', '!external', 0)", [])
        }
        let store = try AuthStore(database: database, passwordIterations: 1_000)
        #expect(try database.schemaVersions(versionTable: AuthSchema.versionTable) == [1, 2, 3])
        let grace = try store.requireUser(named: "grace")
        try store.createGrant(username: "grace", .experiment, "7", .edit)
        // Where the provider may not claim (claim_existing_users = false): refused, not merged.
        let off = isRefused { try store.provisionExternalUser(oidc("sub-g", "grace"), isAdmin: nil, claimExisting: false) }
        #expect(off?.message.contains("claim_existing_users is off") == true, "\(String(describing: off))")
        // The first identity of that name takes the user over, with its grants ...
        #expect(try store.provisionExternalUser(oidc("sub-g", "grace"), isAdmin: nil, claimExisting: true) == grace)
        #expect(try store.effectivePermission(userId: grace.id, .experiment, "7") == .edit)
        #expect(try store.provisionExternalUser(oidc("sub-g", "grace"), isAdmin: nil, claimExisting: false) == grace)
        // ... once: a second identity of that name is refused.
        let second = isRefused { try store.provisionExternalUser(oidc("sub-x", "grace"), isAdmin: nil, claimExisting: true) }
        #expect(second?.code == .permissionDenied && second?.message.contains("another sign-in identity") == true)
        // The claim is per user: an LDAP entry may claim another unbound one.
        let linus = ExternalIdentity(kind: .ldap, issuer: "ldap://127.0.0.1", subject: "uid=linus,dc=x", username: "linus")
        #expect(try store.provisionExternalUser(linus, isAdmin: nil, claimExisting: true).username == "linus")
        #expect(try store.externalIdentity(username: "linus") == linus)
    }

    @Test(arguments: TestEngine.all) func concurrentFirstSignInsMakeOneUser(engine: TestEngine) throws {
        let store = try makeStore(engine)
        let ids = Mutex<[Int64]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                let user = try store.provisionExternalUser(oidc("sub-c", "concurrent"), isAdmin: nil, claimExisting: false)
                ids.withLock { $0.append(user.id) }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(Set(ids.withLock { $0 }).count == 1)
        #expect(try store.listUsers().map(\.username) == ["concurrent"])
    }
}
