import Testing
import Auth
import Storage

@Suite("Credential verification")
struct CredentialVerifierTests {
    private func store() throws -> AuthStore {
        try AuthStore(database: try SQLiteDatabase.temporary(), passwordIterations: 1_000)
    }

    @Test func rightPasswordsVerifyAndAChangedPasswordEndsTheRememberedOne() throws {
        let store = try store()
        let alice = try store.createUser(username: "alice", password: "alice-password")
        let verifier = CredentialVerifier(store: store)
        #expect(try verifier.verify(username: "alice", password: "alice-password", address: "a", now: 0) == .verified(alice))
        // Remembered now; still checked against the stored hash on every call.
        #expect(try verifier.verify(username: "alice", password: "alice-password", address: "a", now: 1) == .verified(alice))
        #expect(try verifier.verify(username: "alice", password: "wrong-password", address: "a", now: 2) == .rejected)
        try store.updatePassword(username: "alice", password: "changed-password")
        #expect(try verifier.verify(username: "alice", password: "alice-password", address: "a", now: 3) == .rejected)
        guard case .verified = try verifier.verify(username: "alice", password: "changed-password", address: "a", now: 4)
        else { Issue.record("the new password was refused"); return }
        try store.updateAdmin(username: "alice", isAdmin: true)
        guard case .verified(let user) = try verifier.verify(username: "alice", password: "changed-password",
                                                             address: "a", now: 5) else { return }
        #expect(user.isAdmin)
        try store.deleteUser(username: "alice")
        #expect(try verifier.verify(username: "alice", password: "changed-password", address: "a", now: 6) == .rejected)
        #expect(try verifier.verify(username: "nobody", password: "whatever-pass", address: "a", now: 7) == .rejected)
    }

    @Test func anAdminMayNotSignInWithMLflowsOldDefaultPassword() throws {
        let store = try store()
        try store.createUser(username: "root", password: "password1234", isAdmin: true)
        try store.createUser(username: "plain", password: "password1234")
        let verifier = CredentialVerifier(store: store)
        #expect(try verifier.verify(username: "root", password: "password1234", address: "a", now: 0) == .rejected)
        guard case .verified = try verifier.verify(username: "plain", password: "password1234", address: "a", now: 0)
        else { Issue.record("a non-admin with that password was refused"); return }
    }

    @Test func repeatedFailuresAreThrottledPerUserAndPerAddress() throws {
        let store = try store()
        try store.createUser(username: "alice", password: "alice-password")
        try store.createUser(username: "bob", password: "bob-password-1")
        let verifier = CredentialVerifier(store: store, throttle: FailureThrottle(limit: 3, windowSeconds: 60))
        for second in 0..<3 {
            #expect(try verifier.verify(username: "alice", password: "guess-\(second)", address: "10.0.0.1",
                                        now: Double(second)) == .rejected)
        }
        // Even the right password waits now: for this user from anywhere, and from that address for anyone.
        #expect(try verifier.verify(username: "alice", password: "alice-password", address: "10.0.0.2", now: 10)
                == .throttled(retryAfter: 50))
        #expect(try verifier.verify(username: "bob", password: "bob-password-1", address: "10.0.0.1", now: 10)
                == .throttled(retryAfter: 50))
        guard case .verified = try verifier.verify(username: "bob", password: "bob-password-1", address: "10.0.0.2",
                                                   now: 10) else { Issue.record("bob was throttled"); return }
        // Once the oldest failure leaves the window, one more try is allowed.
        guard case .verified = try verifier.verify(username: "alice", password: "alice-password", address: "10.0.0.2",
                                                   now: 60.5) else { Issue.record("alice still throttled"); return }
    }
}

@Suite("Credential verification timing")
struct CredentialTimingTests {
    /// An unknown name costs a key derivation like a wrong password does, so timing does not
    /// reveal which usernames exist.
    @Test func unknownUsersCostAKeyDerivationToo() throws {
        let store = try AuthStore(database: try SQLiteDatabase.temporary(), passwordIterations: 200_000)
        try store.createUser(username: "alice", password: "alice-password")
        let verifier = CredentialVerifier(store: store, throttle: FailureThrottle(limit: 1_000))
        func seconds(_ name: String) throws -> Double {
            let clock = ContinuousClock()
            var outcome: CredentialVerifier.Outcome?
            let elapsed = clock.measure {
                outcome = try? verifier.verify(username: name, password: "wrong-password", address: "a", now: 0)
            }
            #expect(outcome == .rejected)
            return Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)
        }
        let known = try seconds("alice"), unknown = try seconds("nobody")
        #expect(unknown > known / 3, "unknown \(unknown) s against known \(known) s")
    }
}
