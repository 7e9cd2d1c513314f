import Crypto
import Synchronization
import TrackingCore

/// Checks a username and password against the auth store, fast enough for every request.
///
/// A slow KDF on every request would cap the server at a few requests per second per core, so a
/// verified password is remembered as an HMAC under a key that lives only in this process,
/// next to the stored hash it matched. The user's row is read on every request (is the user
/// still there, still an admin?) and a remembered entry counts only while the stored hash is
/// unchanged: a password changed on another replica invalidates it at once. Repeated failures
/// are throttled per (user, client address) and per address (`FailureThrottle.signInKeys`).
public final class CredentialVerifier: Sendable {
    public enum Outcome: Sendable, Equatable {
        case verified(AuthUser)
        case rejected
        /// Too many recent failures for this user from this address, or from this address; retry
        /// after the given seconds. Answered before the password is looked at.
        case throttled(retryAfter: Int)
    }

    private struct Remembered {
        var storedHash: String
        var passwordMAC: [UInt8]
    }

    private let store: AuthStore
    private let key: [UInt8]
    private let remembered = Mutex<[String: Remembered]>([:])
    private let throttle: FailureThrottle
    /// A hash of the store's strength that no password matches: an unknown user costs the same
    /// key derivation as a known one, so the answer's timing does not tell which names exist.
    private let decoyHash: String
    static let maxRemembered = 10_000

    public init(store: AuthStore, throttle: FailureThrottle = FailureThrottle()) {
        self.store = store
        self.throttle = throttle
        var generator = SystemRandomNumberGenerator()
        self.key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        self.decoyHash = "pbkdf2:sha256:\(store.passwordIterations)$decoydecoydecoy$" + String(repeating: "0", count: 64)
    }

    public func verify(username: String, password: String, address: String, now: Double) throws -> Outcome {
        let keys = FailureThrottle.signInKeys(username: username, address: address)
        // Before anything about the password: a throttled caller learns nothing of it, right or wrong.
        if let wait = throttle.retryAfter(keys, now: now) { return .throttled(retryAfter: wait) }
        guard let user = try store.user(named: username) else {
            _ = PasswordHash.verify(password, against: decoyHash)
            throttle.recordFailure(keys, now: now)
            return .rejected
        }
        // MLflow's old default admin password is refused for admins even when it matches.
        if user.isAdmin, password == AuthConfiguration.insecureDefaultPassword {
            throttle.recordFailure(keys, now: now)
            return .rejected
        }
        let mac = HMACSHA256.authenticationCode(key: key, message: password)
        if let entry = remembered.withLock({ $0[username] }), entry.storedHash == user.passwordHash,
           ConstantTime.equal(entry.passwordMAC, mac) {
            return .verified(user)
        }
        guard PasswordHash.verify(password, against: user.passwordHash) else {
            throttle.recordFailure(keys, now: now)
            return .rejected
        }
        remembered.withLock { entries in
            if entries.count >= Self.maxRemembered { entries.removeAll(keepingCapacity: true) }
            entries[username] = Remembered(storedHash: user.passwordHash, passwordMAC: mac)
        }
        return .verified(user)
    }
}

/// Counts failed sign-ins per key in a sliding window; past the limit the key waits until the
/// window's oldest failure expires.
public final class FailureThrottle: Sendable {
    /// The keys a sign-in is counted and checked under: the (user, client address) pair and the
    /// address. Not the user alone: guesses from elsewhere must not lock the real user out, so a
    /// right password from an address that is not itself throttled still signs in.
    public static func signInKeys(username: String, address: String) -> [String] {
        // Length-prefixed: no name and address can spell another pair's key.
        ["user-at-address:\(username.utf8.count):\(username)@\(address)", "address:" + address]
    }

    public let limit: Int
    public let windowSeconds: Double
    private let failures = Mutex<[String: [Double]]>([:])
    static let maxKeys = 100_000

    public init(limit: Int = 10, windowSeconds: Double = 60) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// Seconds to wait when any key is over the limit, else nil.
    public func retryAfter(_ keys: [String], now: Double) -> Int? {
        failures.withLock { failures in
            var wait: Double = 0
            for key in keys {
                guard let times = failures[key]?.filter({ now - $0 < windowSeconds }), times.count >= limit,
                      let oldest = times.min() else { continue }
                wait = max(wait, oldest + windowSeconds - now)
            }
            return wait > 0 ? max(1, Int(wait.rounded(.up))) : nil
        }
    }

    public func recordFailure(_ keys: [String], now: Double) {
        failures.withLock { failures in
            if failures.count >= Self.maxKeys {
                failures = failures.filter { $0.value.contains { now - $0 < windowSeconds } }
            }
            for key in keys {
                var times = (failures[key] ?? []).filter { now - $0 < windowSeconds }
                times.append(now)
                failures[key] = Array(times.suffix(limit))
            }
        }
    }
}
