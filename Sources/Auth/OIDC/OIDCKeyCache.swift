public import Crypto
import JSON
import Synchronization

/// The provider's signing keys: found through discovery, fetched from its `jwks_uri`, kept for
/// `lifetime`, and fetched again when a token names a key id not seen yet (key rotation), at most
/// once per `minimumRefreshInterval` so a flood of made-up key ids cannot hammer the provider.
/// When the provider is unreachable, keys already fetched keep working.
public final class OIDCKeyCache: Sendable {
    /// Fetches a URL's body (the composition root gives an HTTP client; tests a stand-in).
    public typealias Fetch = @Sendable (String) throws -> [UInt8]

    /// The endpoints the browser sign-in needs, from the discovery document.
    public struct Endpoints: Sendable, Equatable {
        public var authorization: String
        public var token: String
        public var endSession: String?
    }

    private struct State {
        var keys: JSONWebKeySet?
        var jwksURI: String?
        var endpoints: Endpoints?
        var fetchedAt = -Double.infinity
        var lastAttempt = -Double.infinity
    }

    private let issuer: String
    private let fetch: Fetch
    private let state = Mutex(State())
    public let lifetime: Double
    public let minimumRefreshInterval: Double

    public init(issuer: String, lifetime: Double = 900, minimumRefreshInterval: Double = 30, fetch: @escaping Fetch) {
        self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.lifetime = lifetime
        self.minimumRefreshInterval = minimumRefreshInterval
        self.fetch = fetch
    }

    /// The key for `keyId` (nil: the only key of `algorithm`), fetching when needed.
    public func key(id keyId: String?, algorithm: String, now: Double) throws(OIDCRejection) -> SignatureVerificationKey {
        let (current, stale, mayRefresh) = state.withLock { state -> (JSONWebKeySet?, Bool, Bool) in
            (state.keys, now - state.fetchedAt >= lifetime, now - state.lastAttempt >= minimumRefreshInterval)
        }
        if let current, !stale, let found = Self.pick(current, keyId, algorithm) { return found }
        if mayRefresh {
            do {
                let refreshed = try refresh(now: now)
                if let found = Self.pick(refreshed, keyId, algorithm) { return found }
                throw OIDCRejection.invalid("no signing key \(keyId.map { "'\($0)'" } ?? "for \(algorithm)") "
                                            + "in the provider's key set")
            } catch let rejection as OIDCRejection {
                if case .providerUnavailable = rejection, let current, let found = Self.pick(current, keyId, algorithm) {
                    return found   // the provider is down: the keys it gave last still count
                }
                throw rejection
            } catch {
                throw .providerUnavailable("\(error)")
            }
        }
        if let current, let found = Self.pick(current, keyId, algorithm) { return found }
        if current == nil { throw .providerUnavailable("its keys could not be fetched yet; retrying shortly") }
        throw .invalid("no signing key \(keyId.map { "'\($0)'" } ?? "for \(algorithm)") in the provider's key set")
    }

    private static func pick(_ set: JSONWebKeySet, _ keyId: String?, _ algorithm: String) -> SignatureVerificationKey? {
        if let keyId { return set.keys[keyId] }
        let candidates = set.keys.values.filter { $0.algorithm.rawValue == algorithm }
        return candidates.count == 1 ? candidates.first : nil
    }

    private func refresh(now: Double) throws -> JSONWebKeySet {
        let known = state.withLock { state -> String? in
            state.lastAttempt = now
            return state.jwksURI
        }
        let jwksURI = try known ?? discover().jwksURI
        let keys: JSONWebKeySet
        do {
            keys = try JSONWebKeySet(json: try fetch(jwksURI))
        } catch let rejection as OIDCRejection {
            throw rejection
        } catch {
            throw OIDCRejection.providerUnavailable("fetching \(jwksURI): \(error)")
        }
        state.withLock { state in
            state.keys = keys
            state.jwksURI = jwksURI
            state.fetchedAt = now
        }
        return keys
    }

    /// The authorization and token endpoints (discovering them on first use).
    public func endpoints() throws -> Endpoints {
        if let known = state.withLock({ $0.endpoints }) { return known }
        let (_, endpoints) = try discover()
        guard let endpoints else {
            throw OIDCRejection.providerUnavailable("the discovery document names no authorization and token endpoints")
        }
        return endpoints
    }

    /// The issuer's discovery document, whose `issuer` must be ours: its `jwks_uri`, and its
    /// endpoints when it names them (remembered).
    private func discover() throws -> (jwksURI: String, endpoints: Endpoints?) {
        let url = issuer + "/.well-known/openid-configuration"
        let body: [UInt8]
        do { body = try fetch(url) } catch { throw OIDCRejection.providerUnavailable("fetching \(url): \(error)") }
        guard case .object(let document)? = try? JSONParser.parse(body, maxDepth: 8) else {
            throw OIDCRejection.providerUnavailable("\(url) is not a JSON object")
        }
        func text(_ name: String) -> String? {
            if case .string(let value)? = document.first(where: { $0.0 == name })?.1 { return value }
            return nil
        }
        guard let jwksURI = text("jwks_uri") else { throw OIDCRejection.providerUnavailable("\(url) has no jwks_uri") }
        guard let named = text("issuer"), named == issuer || named == issuer + "/" else {
            throw OIDCRejection.providerUnavailable("\(url) names another issuer")
        }
        var endpoints: Endpoints?
        if let authorization = text("authorization_endpoint"), let token = text("token_endpoint") {
            endpoints = Endpoints(authorization: authorization, token: token, endSession: text("end_session_endpoint"))
        }
        state.withLock { $0.endpoints = endpoints }
        return (jwksURI, endpoints)
    }
}
