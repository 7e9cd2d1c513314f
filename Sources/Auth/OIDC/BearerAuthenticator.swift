import Crypto
import Synchronization

/// Signs in the caller of a bearer token: verifies it (OIDCTokenVerifier), creates the user on
/// first sight, and keeps their provider-managed roles and admin flag as the token's groups say.
/// A verified token is remembered (by its SHA-256) until it expires or for `rememberSeconds`,
/// so the signature check and the role sync run once per token, not once per request.
public final class BearerAuthenticator: Sendable {
    public let verifier: OIDCTokenVerifier
    private let store: AuthStore
    private let remembered = Mutex<[String: (username: String, until: Double)]>([:])
    public let rememberSeconds: Double
    static let maxRemembered = 10_000

    public init(verifier: OIDCTokenVerifier, store: AuthStore, rememberSeconds: Double = 300) {
        self.verifier = verifier
        self.store = store
        self.rememberSeconds = rememberSeconds
    }

    /// The signed-in user, or why the token is refused.
    public func authenticate(token: String, now: Double) throws -> Result<AuthUser, OIDCRejection> {
        let fingerprint = Hex.encode(SHA256.hash(Array(token.utf8)))
        if let entry = remembered.withLock({ $0[fingerprint] }), now < entry.until,
           let user = try store.user(named: entry.username) {
            return .success(user)
        }
        let identity: OIDCIdentity
        do {
            identity = try verifier.verify(token, now: now)
        } catch {
            return .failure(error)
        }
        let user = try signIn(identity)
        remembered.withLock { entries in
            if entries.count >= Self.maxRemembered { entries.removeAll(keepingCapacity: true) }
            entries[fingerprint] = (identity.username, min(identity.expiresAt, now + rememberSeconds))
        }
        return .success(user)
    }

    /// The provider's user, created on first sight, with the admin flag and the managed roles its
    /// groups give (also the browser sign-in's last step).
    public func signIn(_ identity: OIDCIdentity) throws -> AuthUser {
        try store.signInExternalUser(username: identity.username, groups: identity.groups,
                                     mapping: verifier.configuration.groups)
    }

    /// The user a browser session names, if they still exist.
    func user(named username: String) throws -> AuthUser? { try store.user(named: username) }
}
