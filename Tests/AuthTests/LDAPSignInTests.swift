import Foundation
import SQLiteEngine
import Testing
@testable import Auth
import TrackingCore

/// The directory `scripts/with-databases` starts (scripts/ldap/slapd with scripts/ldap/seed.ldif):
/// its URI and the CA of its StartTLS certificate.
enum LDAPTestServer {
    static let uri = ProcessInfo.processInfo.environment["SWIFTRACK_TEST_LDAP_URI"].flatMap { $0.isEmpty ? nil : $0 }
    static let caFile = ProcessInfo.processInfo.environment["SWIFTRACK_TEST_LDAP_CA"]
    static let people = "ou=people,dc=swiftrack,dc=test"
}

@Suite("LDAP sign-in against a real slapd", .enabled(if: LDAPTestServer.uri != nil, "needs scripts/with-databases"))
struct LDAPSignInTests {
    private func configuration(_ lookup: LDAPConfiguration.UserLookup? = nil, startTLS: Bool = false) -> LDAPConfiguration {
        var configuration = LDAPConfiguration(uri: LDAPTestServer.uri!,
                                              userLookup: lookup ?? .template("uid={username},\(LDAPTestServer.people)"))
        configuration.startTLS = startTLS
        configuration.caFile = LDAPTestServer.caFile
        configuration.groupBase = "ou=groups,dc=swiftrack,dc=test"
        configuration.groups = GroupRoleMapping(groupRoles: ["ml-governance": ["governance"], "ml-scientists": ["scientist"]],
                                                adminGroups: ["ml-admins"])
        configuration.timeoutSeconds = 3
        return configuration
    }

    private var searchLookup: LDAPConfiguration.UserLookup {
        .search(bindDN: "cn=reader,dc=swiftrack,dc=test", bindPassword: "reader-password", base: LDAPTestServer.people,
                filter: "(&(objectClass=inetOrgPerson)(uid={username}))")
    }

    private func store() throws -> AuthStore {
        try AuthStore(database: try SQLiteDatabase.temporary(), passwordIterations: 1_000)
    }

    @Test func aDirectBindFindsTheUsersGroups() throws {
        let verifier = LDAPCredentialVerifier(configuration: configuration(), store: try store())
        let bob = try verifier.bind(username: "bob", password: "bob-password")
        #expect(bob == .init(username: "bob", dn: "uid=bob,\(LDAPTestServer.people)", groups: ["ml-governance", "ml-scientists"]))
        #expect(try verifier.bind(username: "dave", password: "dave-password")?.groups == [])
        // The subject is the entry's DN as the directory spells it, not the template as typed.
        #expect(try verifier.bind(username: "BOB", password: "bob-password")?.dn == "uid=bob,\(LDAPTestServer.people)")
    }

    @Test func wrongEmptyUnknownAndInjectedCredentialsAreRefused() throws {
        for lookup in [nil, searchLookup] {
            let verifier = LDAPCredentialVerifier(configuration: configuration(lookup), store: try store())
            #expect(try verifier.bind(username: "alice", password: "wrong-password") == nil)
            #expect(try verifier.bind(username: "alice", password: "") == nil)   // never an unauthenticated bind
            #expect(try verifier.bind(username: "nobody", password: "nobody-password") == nil)
            #expect(try verifier.bind(username: "*", password: "alice-password") == nil)
            #expect(try verifier.bind(username: "alice)(uid=*", password: "alice-password") == nil)
            #expect(try verifier.bind(username: "alice,ou=people", password: "alice-password") == nil)
            #expect(try verifier.bind(username: "al\nice", password: "alice-password") == nil)
            #expect(try verifier.bind(username: "", password: "x") == nil)
        }
    }

    @Test func searchThenBindUsesTheDirectorysSpellingOfTheName() throws {
        let verifier = LDAPCredentialVerifier(configuration: configuration(searchLookup), store: try store())
        let alice = try verifier.bind(username: "ALICE", password: "alice-password")
        #expect(alice == .init(username: "alice", dn: "uid=alice,\(LDAPTestServer.people)", groups: ["ml-scientists"]))
    }

    @Test func aRefusedServiceAccountIsAnErrorNotAWrongPassword() throws {
        let lookup = LDAPConfiguration.UserLookup.search(bindDN: "cn=reader,dc=swiftrack,dc=test", bindPassword: "stale",
                                                         base: LDAPTestServer.people, filter: "(uid={username})")
        let verifier = LDAPCredentialVerifier(configuration: configuration(lookup), store: try store())
        #expect(throws: LDAPError.self) { try verifier.bind(username: "alice", password: "alice-password") }
    }

    @Test func startTLSVerifiesTheDirectorysCertificate() throws {
        let verifier = LDAPCredentialVerifier(configuration: configuration(startTLS: true), store: try store())
        #expect(try verifier.bind(username: "alice", password: "alice-password")?.username == "alice")
        var untrusted = configuration(startTLS: true)
        untrusted.caFile = "/etc/ssl/certs/ca-certificates.crt"   // the system's CAs do not know the test CA
        let refusing = LDAPCredentialVerifier(configuration: untrusted, store: try store())
        do {
            _ = try refusing.bind(username: "alice", password: "alice-password")
            Issue.record("StartTLS accepted a certificate from an unknown CA")
        } catch {
            guard case .unavailable(let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("StartTLS"))
        }
    }

    @Test func anUnreachableDirectoryIsUnavailable() throws {
        var down = configuration()
        down.uri = "ldap://127.0.0.1:1"
        let verifier = LDAPCredentialVerifier(configuration: down, store: try store())
        do {
            _ = try verifier.bind(username: "alice", password: "alice-password")
            Issue.record("a bind to a closed port succeeded")
        } catch {
            guard case .unavailable = error else { Issue.record("\(error)"); return }
        }
    }

    @Test func signInProvisionsTheUserWithMappedRolesAndAdminFlag() throws {
        let store = try store()
        _ = try store.createRole(name: "governance")
        _ = try store.createRole(name: "scientist")
        _ = try store.createRole(name: "hand-made")
        let verifier = LDAPCredentialVerifier(configuration: configuration(), store: store)
        guard case .verified(let bob) = try verifier.verify(username: "bob", password: "bob-password", address: "a", now: 0)
        else { Issue.record("bob was refused"); return }
        #expect(bob.username == "bob" && !bob.isAdmin && bob.passwordHash == AuthStore.externalPasswordHash)
        #expect(try store.roles(userId: bob.id).map(\.name).sorted() == ["governance", "scientist"])
        // An admin's hand-made role survives the next sign-in; the managed ones follow the directory.
        try store.assignRole(username: "bob", roleName: "hand-made")
        let fresh = LDAPCredentialVerifier(configuration: configuration(), store: store)
        _ = try fresh.verify(username: "bob", password: "bob-password", address: "a", now: 1)
        #expect(try store.roles(userId: bob.id).map(\.name).sorted() == ["governance", "hand-made", "scientist"])
        guard case .verified(let carol) = try verifier.verify(username: "carol", password: "carol-password", address: "a", now: 0)
        else { Issue.record("carol was refused"); return }
        #expect(carol.isAdmin)
        // The created users have no local password: the local verifier never signs them in.
        #expect(try CredentialVerifier(store: store).verify(username: "carol", password: AuthStore.externalPasswordHash,
                                                            address: "a", now: 0) == .rejected)
    }

    @Test func aRememberedPasswordAcceptsOnlyThatPassword() throws {
        // (That it answers while the directory is down is shown by compat/test_ldap.py, which stops its slapd.)
        var settings = configuration()
        settings.cacheSeconds = 60
        let verifier = LDAPCredentialVerifier(configuration: settings, store: try store())
        guard case .verified = try verifier.verify(username: "alice", password: "alice-password", address: "a", now: 100)
        else { Issue.record("alice was refused"); return }
        #expect(try verifier.verify(username: "alice", password: "other-password", address: "a", now: 101) == .rejected)
        guard case .verified = try verifier.verify(username: "alice", password: "alice-password", address: "a", now: 102)
        else { Issue.record("the remembered password was refused"); return }
    }

    /// Issue 20, hole 5: a directory entry whose name is a local account's (here through the
    /// directory's spelling of a name typed in capitals) is refused, never merged into it.
    @Test func anEntryNamedLikeALocalAccountIsRefused() throws {
        let store = try store()
        let local = try store.createUser(username: "alice", password: "local-alice-password", isAdmin: true)
        let verifier = LDAPCredentialVerifier(configuration: configuration(searchLookup), store: store)
        #expect(throws: MLflowError.self) {
            _ = try verifier.verify(username: "ALICE", password: "alice-password", address: "a", now: 0)
        }
        #expect(try store.requireUser(named: "alice") == local)
        #expect(try store.externalIdentity(username: "alice") == nil)
        // An entry of its own is bound to the directory and its DN.
        guard case .verified(let bob) = try verifier.verify(username: "bob", password: "bob-password", address: "a", now: 0)
        else { Issue.record("bob was refused"); return }
        #expect(try store.externalIdentity(username: "bob")
                == ExternalIdentity(kind: .ldap, issuer: LDAPTestServer.uri!, subject: "uid=bob,\(LDAPTestServer.people)",
                                    username: "bob"))
        #expect(bob.passwordHash == AuthStore.externalPasswordHash)
    }

    /// A remembered password names the user by id: once the directory's user is removed and a
    /// local account made under the name, the remembered password does not open that account.
    @Test func aRememberedPasswordNeverPassesToALaterAccountOfTheName() throws {
        let store = try store()
        var settings = configuration(searchLookup)
        settings.cacheSeconds = 60
        let verifier = LDAPCredentialVerifier(configuration: settings, store: store)
        guard case .verified = try verifier.verify(username: "ALICE", password: "alice-password", address: "a", now: 0)
        else { Issue.record("alice was refused"); return }
        try store.deleteUser(username: "alice")
        let local = try store.createUser(username: "alice", password: "local-alice-password", isAdmin: true)
        #expect(throws: MLflowError.self) {
            _ = try verifier.verify(username: "ALICE", password: "alice-password", address: "a", now: 1)
        }
        #expect(try store.requireUser(named: "alice") == local)
    }

    /// Issue 20, hole 13, for the directory: the guessing address waits, the real user elsewhere does not.
    @Test func repeatedWrongPasswordsAreThrottled() throws {
        let verifier = LDAPCredentialVerifier(configuration: configuration(), store: try store(),
                                              throttle: FailureThrottle(limit: 3, windowSeconds: 60))
        for second in 0..<3 {
            #expect(try verifier.verify(username: "dave", password: "guess-\(second)", address: "b", now: Double(second)) == .rejected)
        }
        guard case .verified = try verifier.verify(username: "dave", password: "dave-password", address: "c", now: 4)
        else { Issue.record("dave was throttled at another address"); return }
        #expect(try verifier.verify(username: "dave", password: "dave-password", address: "b", now: 4) == .throttled(retryAfter: 56))
        #expect(try verifier.verify(username: "alice", password: "alice-password", address: "b", now: 4) == .throttled(retryAfter: 56))
        guard case .verified = try verifier.verify(username: "dave", password: "dave-password", address: "b", now: 61)
        else { Issue.record("dave stayed throttled"); return }
    }
}
