public import Foundation
public import TrackingCore
public import Crypto

/// The signed JWT (RS256) a service account exchanges for an access token (RFC 7523).
public enum GCSJWTAssertion {
    public static let readWriteScope = "https://www.googleapis.com/auth/devstorage.read_write"
    /// Google accepts assertions valid for at most one hour.
    static let lifetime = 3600

    /// `header.claims.signature`, each part unpadded base64url.
    public static func make(key: GCSServiceAccountKey, signer: RSASHA256Signer, scope: String = readWriteScope,
                            issuedAt: Date) throws(MLflowError) -> String {
        let now = Int(issuedAt.timeIntervalSince1970.rounded(.down))
        var header: [String: Any] = ["alg": "RS256", "typ": "JWT"]
        if let kid = key.privateKeyId, !kid.isEmpty { header["kid"] = kid }
        let claims: [String: Any] = ["iss": key.clientEmail, "scope": scope, "aud": key.tokenURI,
                                     "iat": now, "exp": now + lifetime]
        let signingInput = try encodedJSON(header) + "." + encodedJSON(claims)
        let signature: [UInt8]
        do {
            signature = try signer.sign(Array(signingInput.utf8))
        } catch {
            throw .internalError("The GCS token assertion could not be signed: \(error.message)")
        }
        return signingInput + "." + Base64.urlEncode(signature)
    }

    private static func encodedJSON(_ object: [String: Any]) throws(MLflowError) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw .internalError("Cannot encode the JWT")
        }
        return Base64.urlEncode(data)
    }
}
