import Crypto
import SQLiteEngine
import Synchronization
import Testing
@testable import Auth
import TrackingCore

/// The provider as a stand-in fetch: discovery and a key set, counting the key-set fetches.
private final class FakeProvider: Sendable {
    let jwks: Mutex<String>
    let fetches = Mutex(0)
    let down = Mutex(false)
    let issuer: String

    init(jwks: String = OIDCTestVectors.jwks, issuer: String = "https://idp.example") {
        self.jwks = Mutex(jwks)
        self.issuer = issuer
    }

    struct Unreachable: Error {}

    var fetch: OIDCKeyCache.Fetch {
        { [self] url in
            if down.withLock({ $0 }) { throw Unreachable() }
            if url == "https://idp.example/.well-known/openid-configuration" {
                return Array(#"{"issuer": "\#(issuer)", "jwks_uri": "https://idp.example/jwks"}"#.utf8)
            }
            guard url == "https://idp.example/jwks" else { throw Unreachable() }
            fetches.withLock { $0 += 1 }
            return Array(jwks.withLock { $0 }.utf8)
        }
    }
}

@Suite("OIDC token verification")
struct OIDCTokenVerifierTests {
    private let now = OIDCTestVectors.now

    private func verifier(_ provider: FakeProvider = FakeProvider(), audience: String = "swiftrack",
                          issuer: String = "https://idp.example", usernameClaim: String? = nil) -> OIDCTokenVerifier {
        var configuration = OIDCConfiguration(issuer: issuer, audience: audience)
        if let usernameClaim { configuration.usernameClaim = usernameClaim }
        return OIDCTokenVerifier(configuration: configuration, keys: OIDCKeyCache(issuer: issuer, fetch: provider.fetch))
    }

    private func refusal(_ verifier: OIDCTokenVerifier, _ token: String, at time: Double? = nil) -> OIDCRejection? {
        do {
            _ = try verifier.verify(token, now: time ?? now)
            return nil
        } catch {
            return error
        }
    }

    @Test func validRS256AndES256TokensNameTheUserAndGroups() throws {
        let verifier = verifier(usernameClaim: "preferred_username")
        for token in [OIDCTestVectors.rs256, OIDCTestVectors.es256] {
            let identity = try verifier.verify(token, now: now)
            #expect(identity == OIDCIdentity(username: "ada", subject: "s-1", groups: ["ml-governance", "staff"],
                                             expiresAt: now + 600))
        }
        // By default the user is named by `sub`, which the provider assigns (the user cannot pick `admin`).
        #expect(try self.verifier().verify(OIDCTestVectors.rs256, now: now).username == "s-1")
        // The clock skew (60 s) is honoured at both ends.
        #expect(refusal(verifier, OIDCTestVectors.rs256, at: now + 650) == nil)
        #expect(refusal(verifier, OIDCTestVectors.rs256, at: now - 60) == nil)
    }

    @Test func expiredEarlyWrongAudienceAndWrongIssuerAreRefused() {
        #expect(refusal(verifier(), OIDCTestVectors.rs256, at: now + 661) == .invalid("the token expired"))
        #expect(refusal(verifier(), OIDCTestVectors.rs256, at: now - 100) == .invalid("the token is not valid yet (nbf)"))
        #expect(refusal(verifier(audience: "another-app"), OIDCTestVectors.rs256)
            == .invalid("the token is not meant for this server (aud does not contain 'another-app')"))
        let otherIssuer = FakeProvider(issuer: "https://other.example")
        // Discovery must name the issuer configured...
        #expect(refusal(verifier(otherIssuer), OIDCTestVectors.rs256)
            == .providerUnavailable("https://idp.example/.well-known/openid-configuration names another issuer"))
        // ...and so must the token.
        let elsewhere = OIDCTokenVerifier(configuration: OIDCConfiguration(issuer: "https://other.example", audience: "swiftrack"),
                                          keys: OIDCKeyCache(issuer: "https://idp.example", fetch: FakeProvider().fetch))
        #expect(refusal(elsewhere, OIDCTestVectors.rs256)
            == .invalid("the token was issued by 'https://idp.example', not 'https://other.example'"))
        #expect(refusal(verifier(), OIDCTestVectors.noExpiry) == .invalid("the token has no expiry (exp)"))
        #expect(refusal(verifier(usernameClaim: "preferred_username"), OIDCTestVectors.noUsername)
            == .invalid("the token has no 'preferred_username' claim to name the user"))
    }

    @Test func forgedTokensAreRefused() throws {
        let parts = OIDCTestVectors.rs256.split(separator: ".").map(String.init)
        // A changed claim under the old signature.
        let claims = String(decoding: try #require(Base64.urlDecode(parts[1])), as: UTF8.self)
            .replacingOccurrences(of: "\"ada\"", with: "\"admin\"")
        let tampered = [parts[0], Base64.urlEncode(Array(claims.utf8)), parts[2]].joined(separator: ".")
        #expect(refusal(verifier(), tampered) == .invalid("the signature does not verify"))
        // alg: none, with and without a signature.
        let none = Base64.urlEncode(Array(#"{"alg":"none","kid":"rsa-1"}"#.utf8))
        #expect(refusal(verifier(), [none, parts[1], ""].joined(separator: "."))
            == .invalid("the token's algorithm 'none' is not accepted (accepted: ES256, RS256)"))
        #expect(refusal(verifier(), [none, parts[1], parts[2]].joined(separator: ".")) != nil)
        // HS256 signed with a published key (the classic key-confusion attack) is refused by algorithm.
        let hmacHeader = Base64.urlEncode(Array(#"{"alg":"HS256","kid":"hmac"}"#.utf8))
        let input = hmacHeader + "." + parts[1]
        let mac = HMACSHA256.authenticationCode(key: Array("secret".utf8), message: input)
        #expect(refusal(verifier(), input + "." + Base64.urlEncode(mac))
            == .invalid("the token's algorithm 'HS256' is not accepted (accepted: ES256, RS256)"))
        // An RS256 header on the EC key's id.
        let swapped = Base64.urlEncode(Array(#"{"alg":"RS256","kid":"ec-1"}"#.utf8))
        #expect(refusal(verifier(), [swapped, parts[1], parts[2]].joined(separator: "."))
            == .invalid("the token says RS256 but its key is for ES256"))
        for malformed in ["", "a.b", "a.b.c.d", "!!!.e30.", String(repeating: "a", count: 20_000)] {
            if case .malformed? = refusal(verifier(), malformed) {} else { Issue.record("\(malformed.prefix(20)) was not malformed") }
        }
    }

    @Test func unknownKeysAreFetchedAgainAtMostEveryThirtySeconds() throws {
        let provider = FakeProvider()
        let verifier = verifier(provider)
        _ = try verifier.verify(OIDCTestVectors.rs256, now: now)
        #expect(provider.fetches.withLock { $0 } == 1)
        // A rotated key is not known yet; within 30 s of the last fetch, no new fetch happens.
        provider.jwks.withLock { $0 = OIDCTestVectors.rotatedJWKS }
        #expect(refusal(verifier, OIDCTestVectors.rotatedToken, at: now + 5)
            == .invalid("no signing key 'rsa-2' in the provider's key set"))
        #expect(provider.fetches.withLock { $0 } == 1)
        // After that, an unknown key id fetches the set again and the rotated key verifies.
        #expect(try verifier.verify(OIDCTestVectors.rotatedToken, now: now + 31).subject == "s-1")
        #expect(provider.fetches.withLock { $0 } == 2)
        // Made-up key ids do not make a fetch each.
        for second in 32..<40 { _ = refusal(verifier, OIDCTestVectors.rotatedToken.replacingOccurrences(of: "rsa-2", with: "x\(second)"), at: now + Double(second)) }
        #expect(provider.fetches.withLock { $0 } == 2)
    }

    @Test func keysAlreadyFetchedOutliveAnUnreachableProvider() throws {
        let provider = FakeProvider()
        provider.down.withLock { $0 = true }
        let verifier = OIDCTokenVerifier(configuration: OIDCConfiguration(issuer: "https://idp.example", audience: "swiftrack"),
                                         keys: OIDCKeyCache(issuer: "https://idp.example", lifetime: 100,
                                                            fetch: provider.fetch))
        if case .providerUnavailable? = refusal(verifier, OIDCTestVectors.rs256) {} else { Issue.record("expected 503") }
        provider.down.withLock { $0 = false }
        _ = try verifier.verify(OIDCTestVectors.rs256, now: now + 31)
        #expect(provider.fetches.withLock { $0 } == 1)
        // Past the key set's lifetime a refresh is tried and fails; the keys it had still verify.
        provider.down.withLock { $0 = true }
        #expect(try verifier.verify(OIDCTestVectors.es256, now: now + 200).subject == "s-1")
        provider.down.withLock { $0 = false }
        _ = try verifier.verify(OIDCTestVectors.es256, now: now + 240)
        #expect(provider.fetches.withLock { $0 } == 2)
    }

    @Test func theKeySetKeepsSigningKeysOnly() throws {
        let set = try JSONWebKeySet(json: Array(OIDCTestVectors.jwks.utf8))
        #expect(Set(set.keys.keys) == ["rsa-1", "ec-1"])
        #expect(set.keys["rsa-1"]?.algorithm == .rs256 && set.keys["ec-1"]?.algorithm == .es256)
        #expect(throws: OIDCRejection.self) { _ = try JSONWebKeySet(json: Array(#"{"nokeys": []}"#.utf8)) }
        // A point off the curve is no key.
        #expect(throws: (any Error).self) { _ = try SignatureVerificationKey(p256X: [UInt8](repeating: 1, count: 32),
                                                                             y: [UInt8](repeating: 2, count: 32)) }
        #expect(throws: (any Error).self) { _ = try SignatureVerificationKey(rsaModulus: [0xC3, 0x01], exponent: [1, 0, 1]) }
    }

    @Test func theConfigurationIsReadFromTheOIDCSection() throws {
        let file = try INIFile(parsing: """
            [mlflow]
            default_permission = READ
            [oidc]
            issuer = https://login.example/realms/ml
            audience = swiftrack
            username_claim = email
            groups_claim = roles
            clock_skew_seconds = 30
            group_roles = ml-governance: governance; ml-scientists: scientist, viewer
            admin_groups = ml-admins
            """)
        let configuration = try #require(try OIDCConfiguration.from(file: file, issuer: nil, audience: nil))
        #expect(configuration.issuer == "https://login.example/realms/ml" && configuration.usernameClaim == "email")
        #expect(configuration.groupsClaim == "roles" && configuration.clockSkewSeconds == 30)
        #expect(configuration.groups.groupRoles == ["ml-governance": ["governance"], "ml-scientists": ["scientist", "viewer"]])
        #expect(configuration.groups.adminGroups == ["ml-admins"])
        #expect(configuration.groups.roles(for: ["ml-scientists", "other"]) == (["scientist", "viewer"], ["governance", "scientist", "viewer"]))
        #expect(try OIDCConfiguration.from(file: file, issuer: "https://flag.example", audience: "cli")?.audience == "cli")
        #expect(try OIDCConfiguration.from(file: nil, issuer: nil, audience: nil) == nil)
        // Defaults: `sub` names users; users made before identities may be claimed unless [ldap] is there too.
        let plain = try #require(try OIDCConfiguration.from(file: nil, issuer: "https://idp.example", audience: "a"))
        #expect(plain.usernameClaim == "sub" && plain.claimExistingUsers && plain.identityIssuer == "https://idp.example")
        #expect(try OIDCConfiguration.from(file: nil, issuer: "https://idp.example/", audience: "a")?.identityIssuer
            == "https://idp.example")
        let both = try INIFile(parsing: "[oidc]\nissuer = https://idp.example\naudience = a\n[ldap]\nuri = ldap://127.0.0.1\n")
        #expect(try OIDCConfiguration.from(file: both, issuer: nil, audience: nil)?.claimExistingUsers == false)
        let explicit = try INIFile(parsing: "[oidc]\nissuer = https://idp.example\naudience = a\nclaim_existing_users = true\n"
                                   + "[ldap]\nuri = ldap://127.0.0.1\n")
        #expect(try OIDCConfiguration.from(file: explicit, issuer: nil, audience: nil)?.claimExistingUsers == true)
        #expect(throws: (any Error).self) {
            _ = try OIDCConfiguration.from(file: try INIFile(parsing: "[oidc]\nclaim_existing_users = maybe\n"),
                                           issuer: "https://idp.example", audience: "a")
        }
        #expect(throws: (any Error).self) { _ = try OIDCConfiguration.from(file: nil, issuer: "http://idp.example", audience: "a") }
        #expect(throws: (any Error).self) { _ = try OIDCConfiguration.from(file: nil, issuer: "https://idp.example", audience: nil) }
    }
}

/// Signing in with a verified token: the user is the one bound to `iss` + `sub` (issue 20, hole 5).
@Suite("OIDC sign-in")
struct OIDCSignInTests {
    private let now = OIDCTestVectors.now

    private func bearer(_ store: AuthStore, usernameClaim: String = "sub") -> BearerAuthenticator {
        var configuration = OIDCConfiguration(issuer: "https://idp.example", audience: "swiftrack")
        configuration.usernameClaim = usernameClaim
        return BearerAuthenticator(verifier: OIDCTokenVerifier(configuration: configuration,
                                                               keys: OIDCKeyCache(issuer: "https://idp.example",
                                                                                  fetch: FakeProvider().fetch)),
                                   store: store)
    }

    @Test func aTokenNamedLikeALocalAccountIsRefused() throws {
        let store = try AuthStore(database: try SQLiteDatabase.temporary(), passwordIterations: 1_000)
        let local = try store.createUser(username: "ada", password: "local-ada-password", isAdmin: true)
        do {
            let result = try bearer(store, usernameClaim: "preferred_username").authenticate(token: OIDCTestVectors.rs256, now: now)
            Issue.record("signed in: \(result)")
        } catch let error as MLflowError {
            #expect(error.code == .permissionDenied)
            #expect(error.message.hasPrefix("The OIDC sign-in of subject 's-1' from 'https://idp.example' would be the user 'ada'"))
        }
        #expect(try store.requireUser(named: "ada") == local)
    }

    /// A remembered token and a browser session name a user by name and id: after the user is
    /// removed and a local account made under that name, neither passes to it.
    @Test func aRememberedTokenOrASessionNeverPassesToALaterAccountOfTheName() throws {
        let store = try AuthStore(database: try SQLiteDatabase.temporary(), passwordIterations: 1_000)
        let bearer = bearer(store)
        guard case .success(let first) = try bearer.authenticate(token: OIDCTestVectors.rs256, now: now) else {
            Issue.record("the token was refused"); return
        }
        #expect(first.username == "s-1" && first.passwordHash == AuthStore.externalPasswordHash)
        let secret = Array("a-secret-of-at-least-32-characters!!".utf8)
        let browser = BrowserSignIn(settings: .init(clientId: "swiftrack", clientSecret: nil, redirectURI: "https://h/cb"),
                                    bearer: bearer, secret: secret, postForm: { _, _ in (500, []) })
        let cookies = SignedCookie(secret: secret)
        let session = cookies.seal([("user", "s-1"), ("uid", String(first.id))], expires: now + 600)
        #expect(try browser.user(session: session, now: now) == first)
        #expect(try browser.user(session: cookies.seal([("user", "s-1")], expires: now + 600), now: now) == nil)
        try store.deleteUser(username: "s-1")
        let local = try store.createUser(username: "s-1", password: "a-local-password", isAdmin: true)
        #expect(try browser.user(session: session, now: now) == nil)
        #expect(throws: MLflowError.self) { _ = try bearer.authenticate(token: OIDCTestVectors.rs256, now: now + 1) }
        #expect(try store.requireUser(named: "s-1") == local)
    }
}
