import Crypto
import Foundation
import OutboundHTTP
import Synchronization
import TrackingCore

/// OAuth access tokens for a service account: a signed JWT exchanged at the key's `token_uri`,
/// cached until a minute before it expires. One instance is shared by all repositories.
final class GCSAccessTokenProvider: Sendable {
    let credentials: GCSCredentials
    private let connectTimeout: Int
    private let state = Mutex(State())

    private struct State {
        var key: GCSServiceAccountKey?
        var signer: RSASHA256Signer?
        var token: String?
        var expiry = Date.distantPast
    }

    /// Refresh this long before the token's stated expiry, so no request carries a stale one.
    static let refreshMargin: TimeInterval = 60

    init(credentials: GCSCredentials, connectTimeout: Int) {
        self.credentials = credentials
        self.connectTimeout = connectTimeout
    }

    /// The `Authorization` header value, or nil for anonymous requests.
    func authorization(now: Date = Date()) throws -> String? {
        if case .anonymous = credentials { return nil }
        return try "Bearer " + token(now: now)
    }

    /// A valid access token, fetched when none is cached or the cached one is about to expire.
    /// The lock is held during the exchange so concurrent callers wait for one fetch.
    func token(now: Date = Date()) throws -> String {
        try state.withLock { state throws -> String in
            if let token = state.token, now < state.expiry { return token }
            let (key, signer) = try loadKey(&state)
            let assertion = try GCSJWTAssertion.make(key: key, signer: signer, issuedAt: now)
            let (token, lifetime) = try exchange(assertion: assertion, at: key.tokenURI)
            state.token = token
            state.expiry = now.addingTimeInterval(max(0, lifetime - Self.refreshMargin))
            return token
        }
    }

    private func loadKey(_ state: inout State) throws -> (GCSServiceAccountKey, RSASHA256Signer) {
        if let key = state.key, let signer = state.signer { return (key, signer) }
        let key: GCSServiceAccountKey
        switch credentials {
        case .anonymous: throw MLflowError.internalError("Anonymous GCS access has no token")
        case .serviceAccountKey(let given): key = given
        case .serviceAccountKeyFile(let path): key = try GCSServiceAccountKey(contentsOfFile: path)
        }
        let signer: RSASHA256Signer
        do {
            signer = try RSASHA256Signer(pem: key.privateKeyPEM)
        } catch {
            throw MLflowError.invalidParameter("The private key of Google service account \(key.clientEmail) is unusable: \(error.message)")
        }
        state.key = key
        state.signer = signer
        return (key, signer)
    }

    /// POSTs the assertion (RFC 7523 grant) and returns the token and its lifetime in seconds.
    private func exchange(assertion: String, at tokenURI: String) throws -> (String, TimeInterval) {
        let form = "grant_type=" + AWSURIEncoding.encode("urn:ietf:params:oauth:grant-type:jwt-bearer")
            + "&assertion=" + AWSURIEncoding.encode(assertion)
        let request = HTTPClientRequest(method: "POST", url: tokenURI,
                                        headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")],
                                        body: .bytes(Array(form.utf8)), connectTimeout: connectTimeout, timeout: 60)
        let response = try HTTPClient().send(request)
        guard response.isSuccess else {
            let reason = (try? JSONDecoder().decode(TokenError.self, from: Data(response.body)))
                .map { "\($0.error ?? "error"): \($0.error_description ?? "")" } ?? "HTTP \(response.status)"
            let code: ErrorCode = response.status >= 500 ? .temporarilyUnavailable : .permissionDenied
            throw MLflowError(code, "Google token exchange at \(HTTPClient.redacted(tokenURI)) failed: \(reason)")
        }
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(response.body)),
              let token = answer.access_token, !token.isEmpty else {
            throw MLflowError.internalError("Google token exchange answered without an access_token")
        }
        return (token, TimeInterval(answer.expires_in ?? 3600))
    }

    // OAuth's own snake_case names, at the JSON boundary only.
    private struct TokenAnswer: Decodable {
        var access_token: String?
        var expires_in: Int?
    }

    private struct TokenError: Decodable {
        var error: String?
        var error_description: String?
    }
}
