public import Crypto
import JSON

/// The signing keys of a JWKS document, by key id: RSA keys (`n`, `e`) for RS256 and P-256 keys
/// (`x`, `y`) for ES256. Keys for encryption, of other types or curves, or malformed are skipped.
public struct JSONWebKeySet: Sendable {
    public let keys: [String: SignatureVerificationKey]

    public init(keys: [String: SignatureVerificationKey]) { self.keys = keys }

    public init(json bytes: [UInt8]) throws(OIDCRejection) {
        guard case .object(let document)? = try? JSONParser.parse(bytes, maxDepth: 8),
              case .array(let entries)? = document.first(where: { $0.0 == "keys" })?.1 else {
            throw .providerUnavailable("the JWKS document has no 'keys' array")
        }
        var keys: [String: SignatureVerificationKey] = [:]
        for case .object(let entry) in entries {
            func text(_ name: String) -> String? {
                if case .string(let value)? = entry.first(where: { $0.0 == name })?.1 { return value }
                return nil
            }
            func bytes(_ name: String) -> [UInt8]? { text(name).flatMap(Base64.urlDecode) }
            guard let kid = text("kid"), text("use").map({ $0 == "sig" }) ?? true else { continue }
            let key: SignatureVerificationKey?
            switch (text("kty"), text("crv")) {
            case ("RSA", _):
                key = bytes("n").flatMap { n in bytes("e").flatMap { e in try? SignatureVerificationKey(rsaModulus: n, exponent: e) } }
            case ("EC", "P-256"):
                key = bytes("x").flatMap { x in bytes("y").flatMap { y in try? SignatureVerificationKey(p256X: x, y: y) } }
            default:
                key = nil
            }
            guard let key else { continue }
            // A key that names its algorithm is used for that one only.
            if let alg = text("alg"), alg != key.algorithm.rawValue { continue }
            keys[kid] = key
        }
        self.keys = keys
    }
}
