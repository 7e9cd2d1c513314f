import TrackingCore

/// Bearer tokens from an OpenID Connect provider: which issuer and audience to accept, which
/// claims name the user and their groups, and how groups map to Swiftrack roles. Read from the
/// `[oidc]` section of the auth configuration; `--oidc-issuer` / `--oidc-audience` override it.
public struct OIDCConfiguration: Sendable, Equatable {
    /// The `iss` every token must carry, and where discovery starts
    /// (`<issuer>/.well-known/openid-configuration`).
    public var issuer: String
    /// A value the token's `aud` must contain (the client id registered for Swiftrack).
    public var audience: String
    /// The claim that names a new user. `sub` by default: the provider assigns it and the user
    /// cannot choose it. `preferred_username` or `email` give readable names, but many providers
    /// let users pick them; a user is bound to `iss` + `sub` either way, and a name already held
    /// by another account is refused (docs/SECURITY.md, "External identities").
    public var usernameClaim = "sub"
    public var groupsClaim = "groups"
    /// Accepted signature algorithms; `none` and HMAC ones never are.
    public var algorithms: Set<String> = ["RS256", "ES256"]
    /// Leeway for `exp`, `nbf` and `iat` against clocks that drift.
    public var clockSkewSeconds: Double = 60
    /// Provider groups -> Swiftrack roles and the admin flag.
    public var groups = GroupRoleMapping()
    /// An unknown key id fetches the key set again at most this often (key rotation).
    public var keyRefreshSeconds: Double = 30
    /// Whether a user a provider created before identities were recorded (`!external`, unbound)
    /// may be taken over, once, by the first identity of that name (`claim_existing_users`); by
    /// default only when the file configures no `[ldap]` section, which could have made it too.
    public var claimExistingUsers = true
    /// Browser sign-in (authorization code + PKCE), on when `redirect_uri` is set.
    public var browser: BrowserSignIn.Settings?

    public init(issuer: String, audience: String) {
        self.issuer = issuer
        self.audience = audience
    }

    /// The issuer identities are recorded under: the configured one without a trailing slash
    /// (tokens are accepted with or without it, and must bind to one user either way).
    public var identityIssuer: String {
        issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
    }

    /// From the `[oidc]` section (nil when the file has none and no issuer is given), with the
    /// command line's issuer and audience over the file's.
    public static func from(file: INIFile?, issuer flagIssuer: String?, audience flagAudience: String?,
                            source: String = "the auth configuration") throws -> OIDCConfiguration? {
        let section = "oidc"
        func value(_ key: String) -> String? {
            guard let text = file?.value(section, key), !text.isEmpty else { return nil }
            return text
        }
        guard let issuer = flagIssuer ?? value("issuer") else {
            if file?.sections[section] != nil {
                throw MLflowError.invalidParameter("\(source): [oidc] needs an issuer (or --oidc-issuer)")
            }
            return nil
        }
        guard issuer.hasPrefix("https://") || issuer.hasPrefix("http://127.0.0.1") || issuer.hasPrefix("http://localhost") else {
            throw MLflowError.invalidParameter("\(source): the OIDC issuer must be an https:// URL (plain http only on "
                                               + "loopback), got '\(issuer)'")
        }
        guard let audience = flagAudience ?? value("audience") else {
            throw MLflowError.invalidParameter("\(source): OIDC needs an audience (audience in [oidc], or --oidc-audience): "
                                               + "the client id tokens are issued for")
        }
        var configuration = OIDCConfiguration(issuer: issuer, audience: audience)
        if let claim = value("username_claim") { configuration.usernameClaim = claim }
        if let claim = value("groups_claim") { configuration.groupsClaim = claim }
        configuration.claimExistingUsers = file?.sections["ldap"] == nil
        if let flag = value("claim_existing_users") {
            guard let on = LDAPConfiguration.boolean(flag) else {
                throw MLflowError.invalidParameter("\(source): claim_existing_users must be true or false, got '\(flag)'")
            }
            configuration.claimExistingUsers = on
        }
        if let seconds = value("clock_skew_seconds") {
            guard let parsed = Double(seconds), (0...600).contains(parsed) else {
                throw MLflowError.invalidParameter("\(source): clock_skew_seconds must be 0...600, got '\(seconds)'")
            }
            configuration.clockSkewSeconds = parsed
        }
        if let seconds = value("key_refresh_seconds") {
            guard let parsed = Double(seconds), (1...3600).contains(parsed) else {
                throw MLflowError.invalidParameter("\(source): key_refresh_seconds must be 1...3600, got '\(seconds)'")
            }
            configuration.keyRefreshSeconds = parsed
        }
        if let algorithms = value("algorithms") {
            let names = Set(algorithms.split(separator: ",").map { $0.trimmingCharacters(in: " ") })
            let supported: Set<String> = ["RS256", "ES256"]
            guard !names.isEmpty, names.isSubset(of: supported) else {
                throw MLflowError.invalidParameter("\(source): algorithms may name RS256 and ES256, got '\(algorithms)'")
            }
            configuration.algorithms = names
        }
        if let redirect = value("redirect_uri") {
            guard redirect.hasPrefix("https://") || redirect.hasPrefix("http://127.0.0.1") || redirect.hasPrefix("http://localhost")
            else {
                throw MLflowError.invalidParameter("\(source): redirect_uri must be https:// (plain http only on loopback)")
            }
            var browser = BrowserSignIn.Settings(clientId: value("client_id") ?? audience,
                                                 clientSecret: value("client_secret"), redirectURI: redirect)
            if let scopes = value("scopes") { browser.scopes = scopes }
            if let hours = value("session_hours") {
                guard let parsed = Double(hours), parsed > 0, parsed <= 24 * 30 else {
                    throw MLflowError.invalidParameter("\(source): session_hours must be in (0, 720], got '\(hours)'")
                }
                browser.sessionSeconds = parsed * 3600
            }
            configuration.browser = browser
        }
        configuration.groups = try GroupRoleMapping(file: file, section: section, source: source)
        return configuration
    }
}
