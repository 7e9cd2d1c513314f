public import Auth
import Foundation
import HTTPTransport
import Storage
import TrackingCore

/// Basic auth and MLflow's permission rules in front of the API (`--app-name basic-auth`).
///
/// Every request but the public ones (`/health`, server info, static files) must carry the
/// credentials of a user in the auth store, else 401. Admins may do anything; everyone else
/// passes the route's `AccessRule`, resolved against their grants (own and through roles),
/// with `defaultPermission` where nothing is granted, else 403 PERMISSION_DENIED.
public final class AccessControl: Sendable {
    public let store: AuthStore
    public let defaultPermission: Permission
    public let promotion: PromotionPolicy
    let verifier: CredentialVerifier
    let tracking: any TrackingStore
    let registry: (any RegistryStore)?
    let loggedModels: (any LoggedModelStore)?
    let transitionRequests: (any TransitionRequestStore)?
    let traces: (any TraceStore)?
    let datasets: (any DatasetStore)?
    /// Bearer tokens from an OpenID Connect provider, when configured (`--oidc-issuer`).
    let bearer: BearerAuthenticator?
    /// Browser sessions from the authorization-code sign-in (`/oidc/login`), when configured.
    let browser: BrowserSignIn?
    /// Basic credentials of users without a local password checked by an LDAP bind, when configured.
    let ldap: LDAPCredentialVerifier?

    public init(store: AuthStore, defaultPermission: Permission, stores: APIStores,
                promotion: PromotionPolicy = PromotionPolicy(), verifier: CredentialVerifier? = nil,
                bearer: BearerAuthenticator? = nil, browser: BrowserSignIn? = nil, ldap: LDAPCredentialVerifier? = nil) {
        self.bearer = bearer
        self.ldap = ldap
        self.browser = browser
        self.store = store
        self.defaultPermission = defaultPermission
        self.promotion = promotion
        self.verifier = verifier ?? CredentialVerifier(store: store)
        self.tracking = stores.tracking
        self.registry = stores.registry
        self.loggedModels = stores.loggedModels
        self.transitionRequests = stores.transitionRequests
        self.traces = stores.traces
        self.datasets = stores.datasets
    }

    // MARK: Authentication

    /// The caller, or the answer that refuses them (401, or 429 while throttled).
    /// A signed-in caller and how they signed in (`basic`, `ldap`, `oidc` for a bearer token, `session`
    /// for a browser's OIDC session), for the audit log.
    struct SignIn {
        let user: AuthUser
        let method: String
    }

    func authenticate(_ request: HTTPRequest) -> Result<SignIn, AccessRefusal> {
        let now = Date().timeIntervalSince1970
        if let bearer, let token = Self.bearerToken(request.header("authorization")) {
            do {
                switch try bearer.authenticate(token: token, now: now) {
                case .success(let user): return .success(SignIn(user: user, method: "oidc"))
                case .failure(.providerUnavailable(let reason)): return .failure(.unavailable("the identity provider: \(reason)"))
                case .failure(let rejection): return .failure(.invalidToken("\(rejection)"))
                }
            } catch let error as MLflowError where error.code.httpStatus < 500 {
                return .failure(.refused(error))   // e.g. a name held by a local account (never merged)
            } catch {
                return .failure(.unavailable("\(error)"))
            }
        }
        if let browser, request.header("authorization") == nil,
           let session = request.cookie(BrowserSignIn.sessionCookieName) {
            // A cookie rides along on requests other sites make: a changing request must come from
            // a page of this server (SameSite=Lax already keeps most cross-site requests out).
            if !["GET", "HEAD", "OPTIONS"].contains(request.method), let origin = request.header("origin"),
               Self.host(ofOrigin: origin) != request.header("host")?.lowercased() {
                return .failure(.crossSiteSession)
            }
            do {
                if let user = try browser.user(session: session, now: now) { return .success(SignIn(user: user, method: "session")) }
            } catch let error as MLflowError where error.code.httpStatus < 500 {
                return .failure(.refused(error))   // e.g. a name held by a local account (never merged)
            } catch {
                return .failure(.unavailable("\(error)"))
            }
        }
        guard let (username, password) = Self.basicCredentials(request.header("authorization")) else {
            return .failure(.unauthenticated(bearer: bearer != nil))
        }
        do {
            let directory = try usesDirectory(username)
            let outcome = try directory.map { try $0.verify(username: username, password: password,
                                                             address: request.remoteAddress, now: now) }
                ?? verifier.verify(username: username, password: password, address: request.remoteAddress, now: now)
            switch outcome {
            case .verified(let user): return .success(SignIn(user: user, method: directory == nil ? "basic" : "ldap"))
            case .rejected: return .failure(.unauthenticated(bearer: bearer != nil))
            case .throttled(let seconds): return .failure(.throttled(retryAfter: seconds))
            }
        } catch let error as LDAPError {
            return .failure(.directoryUnavailable("\(error)"))
        } catch let error as MLflowError where error.code.httpStatus < 500 {
            return .failure(.refused(error))
        } catch {
            return .failure(.unavailable("\(error)"))
        }
    }

    /// The LDAP verifier when it decides for this name: users with a local password sign in with
    /// it (the bootstrap admin, service accounts); everyone else is the directory's.
    private func usesDirectory(_ username: String) throws -> LDAPCredentialVerifier? {
        guard let ldap else { return nil }
        guard let user = try store.user(named: username) else { return ldap }
        return user.passwordHash == AuthStore.externalPasswordHash ? ldap : nil
    }

    /// `Authorization: Basic base64(user:password)`, split at the first colon; nil when absent or malformed.
    static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// `https://host:port` -> `host:port` (lower-cased); nil for `null` or anything else.
    static func host(ofOrigin origin: String) -> String? {
        guard let range = origin.range(of: "://") else { return nil }
        let rest = origin[range.upperBound...]
        let host = rest.prefix { $0 != "/" }
        return host.isEmpty ? nil : host.lowercased()
    }

    /// `Authorization: Bearer <token>`; nil when absent or another scheme.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    // MARK: Authorization

    /// Passes `rule` (and the promotion policy, which binds admins too) or throws PERMISSION_DENIED,
    /// the handler's own 400 for a missing or malformed identifier, or 503 when a permission could
    /// not be looked up: a lookup that fails refuses, it never lets the request through.
    func authorize(_ user: AuthUser, _ rule: AccessRule, _ request: RouteRequest) throws {
        try failingClosed {
            // The route's rule first: its refusal of a resource the caller may not read is the same
            // whether or not it exists, where the separation-of-duties words would tell.
            if !user.isAdmin { try check(rule, user: user, request: request) }
            try checkSeparationOfDuties(user, rule, request)
        }
    }

    /// Runs a permission check, passing on its refusals (PERMISSION_DENIED, the handler's own 400s)
    /// and turning every other failure into 503: a lookup that fails refuses, it never lets the
    /// request through. The checks judged inside a write (`approveMove`, `approveRollback`) run
    /// through it too, so their failures read the same as the ones checked before the handler.
    func failingClosed<Value>(_ check: () throws -> Value) throws -> Value {
        do {
            return try check()
        } catch let error as MLflowError where error.code.httpStatus < 500 {
            throw error
        } catch let error as MLflowError {
            throw MLflowError(.temporarilyUnavailable, "The request's permissions could not be checked: \(error.message)")
        } catch {
            throw MLflowError(.temporarilyUnavailable, "The request's permissions could not be checked: \(error)")
        }
    }

    static func denied(_ reason: String) -> MLflowError {
        MLflowError(.permissionDenied, "Permission denied: \(reason)")
    }

    /// The caller's permission on a resource: an explicit DENY wins; otherwise the best grant,
    /// never below the default; the default where nothing is granted.
    func permission(_ user: AuthUser, _ type: ResourceType, _ resource: String) throws -> Permission {
        guard let granted = try store.effectivePermission(userId: user.id, type, resource) else { return defaultPermission }
        if granted == .deny { return .deny }
        return granted.priority >= defaultPermission.priority ? granted : defaultPermission
    }

    /// `need` on a resource. One the caller may not read is refused with `unseen`, the words an
    /// unknown resource of its kind gets (by default `unseen(type, resource)`), and so is one that
    /// `exists` says is not there: the answer shows nothing of whether a hidden resource exists, and
    /// names nothing else (a run's experiment). Only a caller who may read it learns what is missing.
    func require(_ need: Permission.Need, _ user: AuthUser, _ type: ResourceType, _ resource: String,
                 unseen: MLflowError? = nil, exists: () throws -> Bool = { true }) throws {
        let level = try permission(user, type, resource)
        guard level.canRead else { throw unseen ?? Self.unseen(type, resource) }
        if try !exists() { throw unseen ?? Self.unseen(type, resource) }
        guard level.allows(need) else {
            let what = type == .experiment ? "experiment \(resource)" : "registered model '\(resource)'"
            throw Self.denied("\(Self.verb(need)) \(what) needs \(Self.minimum(need)) permission; "
                              + "\(user.username) has \(level.rawValue).")
        }
    }

    /// The refusal of an experiment or registered model the caller may not see, whether or not it exists.
    static func unseen(_ type: ResourceType, _ resource: String) -> MLflowError {
        denied(type == .experiment ? "there is no experiment \(resource) you may see."
                                   : "there is no registered model '\(resource)' you may see.")
    }

    static func verb(_ need: Permission.Need) -> String {
        switch need {
        case .read: return "reading"
        case .use: return "using"
        case .update: return "changing"
        case .delete: return "deleting"
        case .manage: return "managing"
        }
    }

    static func minimum(_ need: Permission.Need) -> String {
        switch need {
        case .read: return "READ"
        case .use: return "USE"
        case .update: return "EDIT"
        case .delete, .manage: return "MANAGE"
        }
    }
}

/// Why a request is refused before any rule: no valid credentials, too many failures, or the
/// auth database is unreachable.
enum AccessRefusal: Error, Equatable {
    /// No valid credentials; `bearer` when tokens are accepted too (both schemes are offered).
    case unauthenticated(bearer: Bool)
    /// A bearer token that does not verify, and why (RFC 6750's `invalid_token`).
    case invalidToken(String)
    case throttled(retryAfter: Int)
    case unavailable(String)
    /// The LDAP directory could not be asked (down, timed out, TLS refused, service account refused).
    case directoryUnavailable(String)
    /// A session cookie on a changing request from another site's page.
    case crossSiteSession
    /// Signed in by a provider, but refused (e.g. the name belongs to a local account): its own answer.
    case refused(MLflowError)

    var response: HTTPResponse {
        switch self {
        case .unauthenticated(let bearer):
            var response = HTTPResponse.text(
                "You are not authenticated. Please see "
                + "https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.",
                status: 401)
            response.headers.append((name: "WWW-Authenticate", value: "Basic realm=\"mlflow\""))
            if bearer { response.headers.append((name: "WWW-Authenticate", value: "Bearer realm=\"mlflow\"")) }
            return response
        case .invalidToken(let reason):
            var response = MLflowError(.unauthenticated, "The bearer token was refused: \(reason)").response
            response.status = 401
            let quoted = reason.replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "\"", with: "'")
            response.headers.append((name: "WWW-Authenticate",
                                     value: "Bearer realm=\"mlflow\", error=\"invalid_token\", error_description=\"\(quoted)\""))
            return response
        case .throttled(let seconds):
            var response = MLflowError(.requestLimitExceeded,
                                       "Too many failed sign-ins; try again in \(seconds) s.").response
            response.headers.append((name: "Retry-After", value: String(seconds)))
            return response
        case .refused(let error):
            return error.response
        case .crossSiteSession:
            return MLflowError(.permissionDenied, "A signed-in browser may change things only from this server's pages "
                               + "(the request's Origin is another site).").response
        case .unavailable(let reason):
            return MLflowError(.temporarilyUnavailable, "The auth database is unavailable: \(reason)").response
        case .directoryUnavailable(let reason):
            var response = MLflowError(.temporarilyUnavailable, "Sign-in cannot be checked now: \(reason)").response
            response.headers.append((name: "Retry-After", value: "5"))
            return response
        }
    }
}
