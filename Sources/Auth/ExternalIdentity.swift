import Crypto

/// Who a provider says signed in: the provider kind, the issuer (OIDC `iss`; for LDAP the
/// directory) and the subject it names the person by (OIDC `sub`; LDAP the entry's DN). The pair
/// (issuer, subject) is the binding to a Swiftrack user, never the username: a name can be chosen
/// or reused, a subject cannot.
public struct ExternalIdentity: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case oidc
        case ldap
    }

    public var kind: Kind
    public var issuer: String
    public var subject: String
    /// The username a first sign-in creates (the configured claim or directory attribute).
    public var username: String

    public init(kind: Kind, issuer: String, subject: String, username: String) {
        self.kind = kind
        self.issuer = issuer
        self.subject = subject
        self.username = username
    }

    /// The identity's unique key in `external_identities`: SHA-256 over kind, issuer and subject,
    /// length-prefixed so no two triples share a key; fixed width, so every engine can index it
    /// whatever the length of an issuer URL or a DN.
    public var key: String {
        let text = "\(kind.rawValue)\u{0}\(issuer.utf8.count):\(issuer)\(subject.utf8.count):\(subject)"
        return Hex.encode(SHA256.hash(Array(text.utf8)))
    }
}
