import URLCoding
import Crypto
import JSON
import TrackingCore

/// Sign-in for browsers with OpenID Connect's authorization-code flow and PKCE (S256): `start`
/// sends the browser to the provider with a fresh state, nonce and code challenge (kept in a
/// short-lived signed cookie), `finish` checks the state, exchanges the code with the verifier,
/// verifies the ID token (and its nonce), signs the user in and seals a session cookie.
public final class BrowserSignIn: Sendable {
    /// POSTs a form to the provider (its token endpoint): (status, body).
    public typealias PostForm = @Sendable (String, [(String, String)]) throws -> (status: Int, body: [UInt8])

    public struct Settings: Sendable, Equatable {
        public var clientId: String
        public var clientSecret: String?
        /// Where the provider sends the browser back: this server's `/oidc/callback`, as registered.
        public var redirectURI: String
        public var scopes = "openid profile email"
        public var sessionSeconds: Double = 8 * 3600
        public init(clientId: String, clientSecret: String?, redirectURI: String) {
            self.clientId = clientId
            self.clientSecret = clientSecret
            self.redirectURI = redirectURI
        }
    }

    public static let sessionCookieName = "swiftrack_session"
    public static let loginCookieName = "swiftrack_oidc"
    public static let loginSeconds: Double = 600

    public let settings: Settings
    private let bearer: BearerAuthenticator
    private let cookies: SignedCookie
    private let postForm: PostForm

    public init(settings: Settings, bearer: BearerAuthenticator, secret: [UInt8], postForm: @escaping PostForm) {
        self.settings = settings
        self.bearer = bearer
        self.cookies = SignedCookie(secret: secret)
        self.postForm = postForm
    }

    /// The provider's authorization URL to send the browser to, and the login cookie's value.
    public func start(returnTo: String, now: Double) throws -> (location: String, loginCookie: String) {
        let endpoints = try bearer.verifier.keys.endpoints()
        let state = Self.randomToken(), nonce = Self.randomToken(), verifier = Self.randomToken()
        let challenge = Base64.urlEncode(SHA256.hash(Array(verifier.utf8)))
        let query = [("response_type", "code"), ("client_id", settings.clientId), ("redirect_uri", settings.redirectURI),
                     ("scope", settings.scopes), ("state", state), ("nonce", nonce), ("code_challenge", challenge),
                     ("code_challenge_method", "S256")]
        let separator = endpoints.authorization.contains("?") ? "&" : "?"
        let location = endpoints.authorization + separator + Self.formEncode(query)
        let cookie = cookies.seal([("state", state), ("nonce", nonce), ("verifier", verifier),
                                   ("next", Self.safeReturnPath(returnTo))], expires: now + Self.loginSeconds)
        return (location, cookie)
    }

    /// Completes the sign-in the provider sent the browser back from.
    public func finish(code: String?, state: String?, providerError: String?, loginCookie: String?,
                       now: Double) throws -> (user: AuthUser, sessionCookie: String, returnTo: String) {
        if let providerError { throw MLflowError(.unauthenticated, "The identity provider refused the sign-in: \(providerError)") }
        guard let loginCookie, let login = cookies.open(loginCookie, now: now), let expected = login["state"] else {
            throw MLflowError(.unauthenticated, "The sign-in expired or did not start here; start again at /oidc/login.")
        }
        guard let state, ConstantTime.equal(Array(state.utf8), Array(expected.utf8)) else {
            throw MLflowError(.unauthenticated, "The sign-in's state does not match; start again at /oidc/login.")
        }
        guard let code, !code.isEmpty else { throw MLflowError.invalidParameter("The provider sent no authorization code.") }
        var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURI),
                    ("client_id", settings.clientId), ("code_verifier", login["verifier"] ?? "")]
        if let secret = settings.clientSecret { form.append(("client_secret", secret)) }
        let endpoints = try bearer.verifier.keys.endpoints()
        let reply: (status: Int, body: [UInt8])
        do { reply = try postForm(endpoints.token, form) } catch {
            throw MLflowError(.temporarilyUnavailable, "The identity provider's token endpoint is unreachable: \(error)")
        }
        guard reply.status == 200, case .object(let members)? = try? JSONParser.parse(reply.body, maxDepth: 8),
              case .string(let idToken)? = members.first(where: { $0.0 == "id_token" })?.1 else {
            throw MLflowError(.unauthenticated, "The identity provider did not exchange the code for an ID token "
                              + "(status \(reply.status)).")
        }
        let identity: OIDCIdentity
        do {
            identity = try bearer.verifier.verify(idToken, now: now)
        } catch {
            throw MLflowError(.unauthenticated, "The ID token was refused: \(error)")
        }
        guard let token = try? JSONWebToken(compact: idToken), let nonce = token.string("nonce"),
              ConstantTime.equal(Array(nonce.utf8), Array((login["nonce"] ?? "").utf8)) else {
            throw MLflowError(.unauthenticated, "The ID token's nonce does not match this sign-in.")
        }
        let user = try bearer.signIn(identity)
        let expires = min(now + settings.sessionSeconds, identity.expiresAt + settings.sessionSeconds)
        let session = cookies.seal([("user", user.username), ("uid", String(user.id))], expires: expires)
        // Checked again on the way out: the cookie is ours, but the rule is the one place that decides.
        return (user, session, Self.safeReturnPath(login["next"] ?? "/"))
    }

    /// The user a session cookie names; nil when it is not ours, expired, or the user is gone
    /// (by id too: a session never passes to a later account of the same name).
    public func user(session: String, now: Double) throws -> AuthUser? {
        guard let fields = cookies.open(session, now: now), let username = fields["user"],
              let id = fields["uid"].flatMap({ Int64($0) }) else { return nil }
        return try bearer.user(named: username, id: id)
    }

    /// The longest `next` kept (it rides in the login cookie).
    static let maxReturnPathLength = 2_048

    /// Only a path on this server, else `/`: no open redirects. The path must start with one `/`,
    /// hold no backslash, no whitespace and no control character anywhere (browsers drop tabs and
    /// newlines inside a URL, so `/<tab>/evil` would become `//evil`), and must resolve, as a
    /// browser resolves a `Location`, to this server's origin.
    static func safeReturnPath(_ path: String) -> String {
        guard path.utf8.count <= maxReturnPathLength, path.hasPrefix("/"), !path.hasPrefix("//"),
              !path.unicodeScalars.contains(where: { scalar in
                  scalar == "\\" || scalar.properties.isWhitespace
                      || [.control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator]
                          .contains(scalar.properties.generalCategory)
              }),
              resolvesToSameOrigin(path) else { return "/" }
        return path
    }

    /// Whether a browser resolving `reference` against a page of this server stays on this server
    /// (the WHATWG URL parser's steps that can leave it): after it strips leading and trailing C0
    /// controls and spaces and removes tabs and newlines, a reference that starts with two slashes
    /// (or backslashes, in special schemes) names another host, and one that starts with a scheme
    /// is absolute. A second check behind the character rules above.
    static func resolvesToSameOrigin(_ reference: String) -> Bool {
        var scalars = Array(reference.unicodeScalars)
        while let first = scalars.first, first.value <= 0x20 { scalars.removeFirst() }
        while let last = scalars.last, last.value <= 0x20 { scalars.removeLast() }
        scalars.removeAll { $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = scalars.first, first == "/" || first == "\\" else {
            // Not absolute-path-relative: a scheme (`https:`, `javascript:`) or a path relative to the page.
            return false
        }
        if scalars.count > 1, scalars[1] == "/" || scalars[1] == "\\" { return false }
        return true
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64.urlEncode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// `application/x-www-form-urlencoded`.
    public static func formEncode(_ fields: [(String, String)]) -> String {
        fields.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
    }
}
