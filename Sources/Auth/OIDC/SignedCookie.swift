import Crypto
import JSON

/// A cookie value the server signed: `base64url(JSON fields).base64url(HMAC-SHA256)`. It holds a
/// browser session (the user and its expiry) or a sign-in in progress (state, nonce, PKCE
/// verifier); nothing in it is secret from its holder, and nothing in it can be changed. Replicas
/// that share the secret accept each other's cookies.
public struct SignedCookie: Sendable {
    private let secret: [UInt8]

    public init(secret: [UInt8]) { self.secret = secret }

    /// The value carrying `fields` until `expires` (seconds since the epoch).
    public func seal(_ fields: [(String, String)], expires: Double) -> String {
        let members = fields.map { ($0.0, JSONValue.string($0.1)) } + [("exp", JSONValue.integer(Int64(expires)))]
        var bytes: [UInt8] = []
        JSONWriter.write(.object(members), into: &bytes)
        let payload = Base64.urlEncode(bytes)
        return payload + "." + Base64.urlEncode(HMACSHA256.authenticationCode(key: secret, message: payload))
    }

    /// The fields of a value this server sealed and that has not expired; nil for anything else.
    public func open(_ value: String, now: Double) -> [String: String]? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, value.utf8.count <= 4096, let mac = Base64.urlDecode(String(parts[1])) else { return nil }
        let payload = String(parts[0])
        guard ConstantTime.equal(mac, HMACSHA256.authenticationCode(key: secret, message: payload)),
              let bytes = Base64.urlDecode(payload),
              case .object(let members)? = try? JSONParser.parse(bytes, maxDepth: 2) else { return nil }
        var fields: [String: String] = [:]
        var expires: Double?
        for (name, member) in members {
            switch member {
            case .string(let text): fields[name] = text
            case .integer(let number) where name == "exp": expires = Double(number)
            default: return nil
            }
        }
        guard let expires, now < expires else { return nil }
        return fields
    }
}
