import Crypto
public import JSON

/// A compact JWS (`header.payload.signature`, base64url without padding) taken apart; nothing
/// is checked here but its shape (OIDCTokenVerifier checks the rest).
public struct JSONWebToken: Sendable {
    public let algorithm: String
    public let keyId: String?
    public let claims: [(String, JSONValue)]
    /// The bytes the signature covers: `header.payload` as sent.
    public let signingInput: [UInt8]
    public let signature: [UInt8]

    /// The largest token accepted (a header would hold far less; this bounds the work).
    public static let maxLength = 16_384

    public init(compact token: String) throws(OIDCRejection) {
        guard token.utf8.count <= Self.maxLength else { throw .malformed("the token is longer than \(Self.maxLength) bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("a JWT has three dot-separated parts") }
        guard let headerBytes = Base64.urlDecode(String(parts[0])), let payloadBytes = Base64.urlDecode(String(parts[1])),
              let signature = Base64.urlDecode(String(parts[2])) else {
            throw .malformed("a part is not base64url")
        }
        guard case .object(let header)? = try? JSONParser.parse(headerBytes, maxDepth: 8),
              case .object(let claims)? = try? JSONParser.parse(payloadBytes, maxDepth: 16) else {
            throw .malformed("the header or the claims are not a JSON object")
        }
        guard case .string(let algorithm)? = header.first(where: { $0.0 == "alg" })?.1 else {
            throw .malformed("the header names no algorithm")
        }
        self.algorithm = algorithm
        if case .string(let kid)? = header.first(where: { $0.0 == "kid" })?.1 { keyId = kid } else { keyId = nil }
        self.claims = claims
        self.signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        self.signature = signature
    }

    public func claim(_ name: String) -> JSONValue? { claims.first { $0.0 == name }?.1 }

    /// A string claim, or nil.
    public func string(_ name: String) -> String? {
        if case .string(let text)? = claim(name) { return text }
        return nil
    }

    /// A NumericDate claim (seconds since the epoch), or nil.
    public func seconds(_ name: String) -> Double? {
        switch claim(name) {
        case .integer(let value)?: return Double(value)
        case .double(let value)?: return value
        default: return nil
        }
    }

    /// A claim that is a string or an array of strings (`aud`, `groups`), as a list.
    public func strings(_ name: String) -> [String] {
        switch claim(name) {
        case .string(let text)?: return [text]
        case .array(let items)?: return items.compactMap { if case .string(let text) = $0 { return text }; return nil }
        default: return []
        }
    }
}

/// Why a bearer token was refused; the message goes into `WWW-Authenticate: Bearer error_description`.
public enum OIDCRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case invalid(String)
    /// The identity provider could not be reached for its keys (the request is answered 503).
    case providerUnavailable(String)

    public var description: String {
        switch self {
        case .malformed(let reason): return "malformed token: \(reason)"
        case .invalid(let reason): return reason
        case .providerUnavailable(let reason): return "the identity provider is unavailable: \(reason)"
        }
    }
}
