import Crypto
import Synchronization

/// Signs in the caller of a bearer token: verifies it (OIDCTokenVerifier), creates the user bound
/// to its `iss` + `sub` on first sight, and keeps their provider-managed roles and admin flag as the token's groups say.
/// A verified token is remembered (by its SHA-256) until it expires or for `rememberSeconds`,
/// so the signature check and the role sync run once per token, not once per request.
public final class BearerAuthenticator: Sendable {
    public let verifier: OIDCTokenVerifier
    private let store: AuthStore
    private let remembered = Mutex<[String: (username: String, userId: Int64, until: Double)]>([:])
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
           let user = try user(named: entry.username, id: entry.userId) {
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
            // The bound user's name: it stays the one the first sign-in created if the claim changes.
            entries[fingerprint] = (user.username, user.id, min(identity.expiresAt, now + rememberSeconds))
        }
        return .success(user)
    }

    /// The user bound to the token's `iss` + `sub`, created on first sight, with the admin flag and
    /// the managed roles its groups give (also the browser sign-in's last step). Throws
    /// PERMISSION_DENIED when a first sign-in's username is another account's (never merged).
    public func signIn(_ identity: OIDCIdentity) throws -> AuthUser {
        let configuration = verifier.configuration
        return try store.signInExternalUser(
            ExternalIdentity(kind: .oidc, issuer: configuration.identityIssuer, subject: identity.subject,
                             username: identity.username),
            groups: identity.groups, mapping: configuration.groups, claimExisting: configuration.claimExistingUsers)
    }

    /// The user a remembered token or a browser session names, if that very user still exists: a
    /// user removed and another made under the name (a local account, say) is someone else.
    func user(named username: String, id: Int64) throws -> AuthUser? {
        guard let user = try store.user(named: username), user.id == id else { return nil }
        return user
    }
}
