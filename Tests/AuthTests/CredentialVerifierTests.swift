import SQLiteEngine
import Testing
import Auth
import Glibc

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

    /// Issue 20, hole 13: guesses throttle the guesser's address and that (user, address) pair,
    /// never the user everywhere.
    @Test func repeatedFailuresAreThrottledPerUserAndAddressAndPerAddress() throws {
        let store = try store()
        let alice = try store.createUser(username: "alice", password: "alice-password")
        try store.createUser(username: "bob", password: "bob-password-1")
        let verifier = CredentialVerifier(store: store, throttle: FailureThrottle(limit: 3, windowSeconds: 60))
        for second in 0..<3 {
            #expect(try verifier.verify(username: "alice", password: "guess-\(second)", address: "10.0.0.1",
                                        now: Double(second)) == .rejected)
        }
        // The real alice, elsewhere, signs in while someone guesses her password.
        #expect(try verifier.verify(username: "alice", password: "alice-password", address: "10.0.0.2", now: 10)
                == .verified(alice))
        // The guessing address waits, for alice and for anyone, whether the password is right or not.
        #expect(try verifier.verify(username: "alice", password: "alice-password", address: "10.0.0.1", now: 10)
                == .throttled(retryAfter: 50))
        #expect(try verifier.verify(username: "alice", password: "guess-4", address: "10.0.0.1", now: 10)
                == .throttled(retryAfter: 50))
        #expect(try verifier.verify(username: "bob", password: "bob-password-1", address: "10.0.0.1", now: 10)
                == .throttled(retryAfter: 50))
        guard case .verified = try verifier.verify(username: "bob", password: "bob-password-1", address: "10.0.0.2",
                                                   now: 10) else { Issue.record("bob was throttled"); return }
        // Once the oldest failure leaves the window, one more try is allowed.
        #expect(try verifier.verify(username: "alice", password: "alice-password", address: "10.0.0.1", now: 60.5)
                == .verified(alice))
    }

    /// A pair is throttled on its own: guesses at alice spread over addresses that each stay under
    /// the address limit still stop at the pair's limit, without touching other users there.
    @Test func aUserAtOneAddressIsThrottledApartFromTheAddress() throws {
        let store = try store()
        try store.createUser(username: "alice", password: "alice-password")
        let bob = try store.createUser(username: "bob", password: "bob-password-1")
        let keys = FailureThrottle.signInKeys(username: "alice", address: "10.0.0.9")
        #expect(keys.count == 2 && keys[1] == "address:10.0.0.9")
        #expect(FailureThrottle.signInKeys(username: "a@b", address: "c") != FailureThrottle.signInKeys(username: "a", address: "b@c"))
        let throttle = FailureThrottle(limit: 3, windowSeconds: 60)
        let verifier = CredentialVerifier(store: store, throttle: throttle)
        throttle.recordFailure([keys[0]], now: 0)   // the pair alone (as after failures counted elsewhere)
        throttle.recordFailure([keys[0]], now: 1)
        throttle.recordFailure([keys[0]], now: 2)
        #expect(try verifier.verify(username: "alice", password: "alice-password", address: "10.0.0.9", now: 3)
                == .throttled(retryAfter: 57))
        #expect(try verifier.verify(username: "bob", password: "bob-password-1", address: "10.0.0.9", now: 3) == .verified(bob))
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
        /// The key derivation is CPU work on this thread, so the thread's CPU time measures it
        /// without the wall clock's noise when other tests load the machine; the least of three
        /// tries drops a try that a cache miss or preemption slowed.
        func seconds(_ name: String) throws -> Double {
            var least = Double.infinity
            for _ in 0..<3 {
                let start = threadCPUSeconds()
                let outcome = try? verifier.verify(username: name, password: "wrong-password", address: "a", now: 0)
                least = min(least, threadCPUSeconds() - start)
                #expect(outcome == .rejected)
            }
            return least
        }
        let known = try seconds("alice"), unknown = try seconds("nobody")
        #expect(unknown > known / 3, "unknown \(unknown) s against known \(known) s")
    }

    /// While an address is throttled, its answer comes before the password is looked at: the
    /// right and a wrong password get the same answer, and neither costs a key derivation, so
    /// neither the answer nor its timing tells them apart.
    @Test func aThrottledAnswerIsTheSameAndAsFastForRightAndWrongPasswords() throws {
        let store = try AuthStore(database: try SQLiteDatabase.temporary(), passwordIterations: 200_000)
        try store.createUser(username: "alice", password: "alice-password")
        let verifier = CredentialVerifier(store: store, throttle: FailureThrottle(limit: 2, windowSeconds: 60))
        let clock = ContinuousClock()
        var outcome: CredentialVerifier.Outcome?
        let derivation = clock.measure { outcome = try? verifier.verify(username: "alice", password: "guess-1", address: "x", now: 0) }
        #expect(outcome == .rejected)
        _ = try verifier.verify(username: "alice", password: "guess-2", address: "x", now: 0)
        var answers: [CredentialVerifier.Outcome?] = []
        for password in ["alice-password", "guess-3"] {
            let elapsed = clock.measure { answers.append(try? verifier.verify(username: "alice", password: password,
                                                                              address: "x", now: 1)) }
            #expect(elapsed < derivation / 10, "a throttled answer took \(elapsed) against \(derivation) for a derivation")
        }
        #expect(answers == [.throttled(retryAfter: 59), .throttled(retryAfter: 59)])
    }
}

/// CPU seconds this thread has used so far.
private func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
