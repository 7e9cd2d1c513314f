import Foundation
import Testing
import TrackingCore
@testable import Artifacts
import Crypto

/// RS256 service-account assertions, checked with openssl against keys made at test time, and
/// the token exchange against a stand-in token endpoint.
@Suite(.serialized) struct GCSAuthTests {
    @Test(arguments: [false, true]) func rs256SignatureVerifiesWithOpenSSL(traditional: Bool) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let key = try TestRSAKey(directory: scratch.path, traditional: traditional)
        #expect(key.privateKeyPEM.contains(traditional ? "BEGIN RSA PRIVATE KEY" : "BEGIN PRIVATE KEY"))
        let signer = try RSASHA256Signer(pem: key.privateKeyPEM)
        let message = Array("header.claims ü".utf8)
        let signature = try signer.sign(message)
        #expect(signature.count == 256)
        #expect(try key.verify(signature: signature, of: message))
        var tampered = message
        tampered[0] ^= 1
        #expect(try !key.verify(signature: signature, of: tampered))
    }

    @Test func jwtAssertionCarriesTheServiceAccountClaims() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let key = try TestRSAKey(directory: scratch.path)
        let account = GCSServiceAccountKey(clientEmail: "svc@proj.iam.gserviceaccount.com", privateKeyId: "kid-1",
                                           privateKeyPEM: key.privateKeyPEM, tokenURI: "https://oauth2.googleapis.com/token")
        let issued = Date(timeIntervalSince1970: 1_700_000_000)
        let token = try GCSJWTAssertion.make(key: account, signer: RSASHA256Signer(pem: account.privateKeyPEM), issuedAt: issued)
        #expect(!token.contains("=") && !token.contains("+") && !token.contains("/"), "unpadded base64url")
        let decoded = try #require(try key.verifiedJWT(token), "openssl verifies the RS256 signature")
        #expect(decoded.header["alg"] as? String == "RS256")
        #expect(decoded.header["typ"] as? String == "JWT")
        #expect(decoded.header["kid"] as? String == "kid-1")
        #expect(decoded.claims["iss"] as? String == "svc@proj.iam.gserviceaccount.com")
        #expect(decoded.claims["aud"] as? String == "https://oauth2.googleapis.com/token")
        #expect(decoded.claims["scope"] as? String == "https://www.googleapis.com/auth/devstorage.read_write")
        #expect(decoded.claims["iat"] as? Int == 1_700_000_000)
        #expect(decoded.claims["exp"] as? Int == 1_700_003_600)
    }

    @Test func unusableKeysAreRefused() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        #expect(throws: CryptoError.self) { try RSASHA256Signer(pem: "not a key") }
        #expect(throws: CryptoError.self) { try RSASHA256Signer(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
        let ecPath = scratch.path + "/ec.pem"
        #expect(try runCommand("/usr/bin/openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                                                     "-out", ecPath]).status == 0)
        let error = #expect(throws: CryptoError.self) { try RSASHA256Signer(pem: String(contentsOfFile: ecPath, encoding: .utf8)) }
        #expect(error?.message.contains("not an RSA key") == true)
    }

    @Test func serviceAccountKeyFileParsing() throws {
        let json = #"{"type": "service_account", "project_id": "p", "private_key_id": "abc", "private_key": "-----BEGIN PRIVATE KEY-----\nX\n-----END PRIVATE KEY-----\n", "client_email": "a@p.iam.gserviceaccount.com", "token_uri": "https://example.test/token"}"#
        let key = try GCSServiceAccountKey(json: Array(json.utf8))
        #expect(key.clientEmail == "a@p.iam.gserviceaccount.com")
        #expect(key.privateKeyId == "abc")
        #expect(key.tokenURI == "https://example.test/token")
        #expect(key.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(!key.description.contains("BEGIN"), "the key is never printed")
        let noURI = try GCSServiceAccountKey(json: Array(#"{"client_email": "a@b", "private_key": "k"}"#.utf8))
        #expect(noURI.tokenURI == GCSServiceAccountKey.defaultTokenURI)
        let user = #expect(throws: MLflowError.self) {
            try GCSServiceAccountKey(json: Array(#"{"type": "authorized_user", "client_id": "x"}"#.utf8))
        }
        #expect(user?.message.contains("authorized_user") == true)
        #expect(throws: MLflowError.self) { try GCSServiceAccountKey(json: Array("{".utf8)) }
        #expect(throws: MLflowError.self) { try GCSServiceAccountKey(contentsOfFile: "/nonexistent/key.json") }
    }

    /// The provider signs an assertion the token endpoint receives as an RFC 7523 grant, and
    /// reuses the token until a minute before it expires.
    @Test(.enabled(if: TokenEndpointStandIn.isAvailable, "the venv python is missing: run scripts/bootstrap"))
    func tokenExchangeAndCaching() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let endpoint = try TokenEndpointStandIn()
        defer { endpoint.stop() }
        let key = try TestRSAKey(directory: scratch.path)
        let keyFile = scratch.path + "/key.json"
        let keyJSON: [String: Any] = ["type": "service_account", "client_email": "svc@p.iam.gserviceaccount.com",
                                      "private_key_id": "k1", "private_key": key.privateKeyPEM, "token_uri": endpoint.tokenURI]
        try JSONSerialization.data(withJSONObject: keyJSON).write(to: URL(fileURLWithPath: keyFile))
        let configuration = GCSConfiguration(environment: ["GOOGLE_APPLICATION_CREDENTIALS": keyFile])
        #expect(configuration.credentials == .serviceAccountKeyFile(path: keyFile))
        #expect(configuration.endpointURL == "https://storage.googleapis.com")

        let start = Date()
        #expect(try configuration.tokens.authorization(now: start) == "Bearer token-1")
        let form = try endpoint.lastForm()
        #expect(form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer")
        #expect(form["content_type"] == "application/x-www-form-urlencoded")
        let decoded = try #require(try key.verifiedJWT(form["assertion"] ?? ""), "openssl verifies the assertion sent")
        #expect(decoded.claims["aud"] as? String == endpoint.tokenURI)
        #expect(decoded.claims["iss"] as? String == "svc@p.iam.gserviceaccount.com")

        // A copy of the configuration shares the cache; the token lives 3600 s less a minute.
        let copy = configuration
        #expect(try copy.tokens.token(now: start.addingTimeInterval(3000)) == "token-1")
        #expect(try endpoint.count() == 1)
        #expect(try configuration.tokens.token(now: start.addingTimeInterval(3541)) == "token-2")
        #expect(try endpoint.count() == 2)

        // A refused grant is PERMISSION_DENIED with the endpoint's reason.
        let broken = GCSConfiguration(credentials: .serviceAccountKey(GCSServiceAccountKey(
            clientEmail: "svc@p", privateKeyId: nil, privateKeyPEM: key.privateKeyPEM, tokenURI: endpoint.server.endpoint + "/missing")))
        let refused = #expect(throws: MLflowError.self) { try broken.tokens.token() }
        #expect(refused?.code == .permissionDenied)
        #expect(refused?.message.contains("invalid_client") == true)
        let badKey = GCSConfiguration(credentials: .serviceAccountKey(GCSServiceAccountKey(
            clientEmail: "svc@p", privateKeyId: nil, privateKeyPEM: "garbage", tokenURI: endpoint.tokenURI)))
        let error = #expect(throws: MLflowError.self) { try badKey.tokens.token() }
        #expect(error?.code == .invalidParameterValue)
        #expect(try endpoint.count() == 2)
    }
}
