/// Who a valid bearer token says the caller is.
public struct OIDCIdentity: Sendable, Equatable {
    public var username: String
    /// `sub`: with the issuer, what the user is bound to.
    public var subject: String
    public var groups: [String]
    public var expiresAt: Double
}

/// Checks an OpenID Connect access or ID token: its algorithm (RS256 or ES256, never `none` or an
/// HMAC), its signature under the provider's key named by `kid`, `iss`, `aud`, `exp`, `nbf` and
/// `iat` (with the configured clock skew), and that it names a user.
public struct OIDCTokenVerifier: Sendable {
    public let configuration: OIDCConfiguration
    public let keys: OIDCKeyCache

    public init(configuration: OIDCConfiguration, keys: OIDCKeyCache) {
        self.configuration = configuration
        self.keys = keys
    }

    public func verify(_ compact: String, now: Double) throws(OIDCRejection) -> OIDCIdentity {
        let token = try JSONWebToken(compact: compact)
        guard configuration.algorithms.contains(token.algorithm) else {
            throw .invalid("the token's algorithm '\(token.algorithm)' is not accepted (accepted: "
                           + configuration.algorithms.sorted().joined(separator: ", ") + ")")
        }
        let key = try keys.key(id: token.keyId, algorithm: token.algorithm, now: now)
        guard key.algorithm.rawValue == token.algorithm else {
            throw .invalid("the token says \(token.algorithm) but its key is for \(key.algorithm.rawValue)")
        }
        guard key.verifies(token.signature, of: token.signingInput) else { throw .invalid("the signature does not verify") }
        let issuer = configuration.issuer
        guard let iss = token.string("iss"), iss == issuer || iss + "/" == issuer || iss == issuer + "/" else {
            throw .invalid("the token was issued by \(token.string("iss").map { "'\($0)'" } ?? "nobody"), not '\(issuer)'")
        }
        guard token.strings("aud").contains(configuration.audience) else {
            throw .invalid("the token is not meant for this server (aud does not contain '\(configuration.audience)')")
        }
        let skew = configuration.clockSkewSeconds
        guard let expires = token.seconds("exp") else { throw .invalid("the token has no expiry (exp)") }
        guard now < expires + skew else { throw .invalid("the token expired") }
        if let notBefore = token.seconds("nbf"), now + skew < notBefore { throw .invalid("the token is not valid yet (nbf)") }
        if let issuedAt = token.seconds("iat"), now + skew < issuedAt { throw .invalid("the token was issued in the future (iat)") }
        guard let subject = token.string("sub"), !subject.isEmpty else {
            throw .invalid("the token has no 'sub' claim to identify the user")
        }
        guard let username = token.string(configuration.usernameClaim), !username.isEmpty else {
            throw .invalid("the token has no '\(configuration.usernameClaim)' claim to name the user")
        }
        return OIDCIdentity(username: username, subject: subject, groups: token.strings(configuration.groupsClaim),
                            expiresAt: expires)
    }
}
