import Crypto
import Synchronization

/// Checks Basic credentials with an LDAP bind, and signs the user in: created in the auth store on
/// first sight (with no local password), their directory groups mapped to roles and the admin flag.
///
/// A verified password is remembered for `cacheSeconds` as an HMAC under a key of this process
/// only, so the directory sees one bind per user and period, not one per request; the groups are
/// read again on each bind. The user is bound to the directory (`issuer`) and the entry's DN, never
/// to a local account of the same name. Wrong passwords are throttled per (user, address) and per
/// address, like local ones (`FailureThrottle.signInKeys`).
public final class LDAPCredentialVerifier: Sendable {
    public let configuration: LDAPConfiguration
    private let store: AuthStore
    private let throttle: FailureThrottle
    private let key: [UInt8]
    private let remembered = Mutex<[String: Remembered]>([:])
    static let maxRemembered = 10_000

    private struct Remembered {
        var username: String
        /// The user's id too: a user removed and another account made under the name is someone else.
        var userId: Int64
        var passwordMAC: [UInt8]
        var until: Double
    }

    /// What a successful bind found: the directory's spelling of the name, the entry's DN (as the
    /// directory spells it, when it lets the user read their entry), and the groups.
    public struct DirectoryUser: Sendable, Equatable {
        public var username: String
        public var dn: String
        public var groups: [String]
    }

    public init(configuration: LDAPConfiguration, store: AuthStore, throttle: FailureThrottle = FailureThrottle()) {
        self.configuration = configuration
        self.store = store
        self.throttle = throttle
        var generator = SystemRandomNumberGenerator()
        self.key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// `.verified` with the signed-in user, `.rejected`, or `.throttled`; throws `LDAPError.unavailable`
    /// when the directory cannot be reached (the caller answers 503, not 401).
    public func verify(username: String, password: String, address: String, now: Double) throws -> CredentialVerifier.Outcome {
        let keys = FailureThrottle.signInKeys(username: username, address: address)
        if let wait = throttle.retryAfter(keys, now: now) { return .throttled(retryAfter: wait) }
        let mac = HMACSHA256.authenticationCode(key: key, message: username + "\u{0}" + password)
        if let entry = remembered.withLock({ $0[username] }), now < entry.until, ConstantTime.equal(entry.passwordMAC, mac),
           let user = try store.user(named: entry.username), user.id == entry.userId {
            return .verified(user)
        }
        guard let found = try bind(username: username, password: password) else {
            throttle.recordFailure(keys, now: now)
            return .rejected
        }
        let user = try store.signInExternalUser(
            ExternalIdentity(kind: .ldap, issuer: configuration.issuer, subject: found.dn, username: found.username),
            groups: found.groups, mapping: configuration.groups, claimExisting: configuration.claimExistingUsers)
        if configuration.cacheSeconds > 0 {
            remembered.withLock { entries in
                if entries.count >= Self.maxRemembered { entries.removeAll(keepingCapacity: true) }
                entries[username] = Remembered(username: user.username, userId: user.id, passwordMAC: mac, until: now + configuration.cacheSeconds)
            }
        }
        return .verified(user)
    }

    /// Binds as the user; nil for a wrong name or password. Names that cannot be a user (empty,
    /// control characters, very long) are refused before the directory is asked.
    public func bind(username: String, password: String) throws(LDAPError) -> DirectoryUser? {
        guard !username.isEmpty, username.utf8.count <= 256, !password.isEmpty,
              !username.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        let connection = try LDAPConnection(.init(uri: configuration.uri, startTLS: configuration.startTLS,
                                                  caFile: configuration.caFile,
                                                  timeoutSeconds: configuration.timeoutSeconds))
        let dn: String
        var entry: LDAPEntry?
        switch configuration.userLookup {
        case .template(let template):
            dn = LDAPEscaping.fill(template, ["username": LDAPEscaping.dnValue(username)])
        case .search(let bindDN, let bindPassword, let base, let filter):
            guard try connection.bind(dn: bindDN, password: bindPassword) else {
                throw .failed(code: 49, message: "the service account \(bindDN) was refused (check bind_dn and its password)")
            }
            let matches = try connection.search(
                base: base, scope: .subtree,
                filter: LDAPEscaping.fill(filter, ["username": LDAPEscaping.filterValue(username)]),
                attributes: [configuration.usernameAttribute], limit: 2)
            guard matches.count == 1 else { return nil }   // none, or ambiguous: never guess
            dn = matches[0].dn
            entry = matches[0]
        }
        guard try connection.bind(dn: dn, password: password) else { return nil }
        if entry == nil {
            entry = try connection.search(base: dn, scope: .base, filter: "(objectClass=*)",
                                          attributes: [configuration.usernameAttribute], limit: 1).first
        }
        if case .search(let bindDN, let bindPassword, _, _) = configuration.userLookup {
            _ = try connection.bind(dn: bindDN, password: bindPassword)   // groups are read as the service account
        }
        var groups: [String] = []
        if let base = configuration.groupBase {
            let filter = LDAPEscaping.fill(configuration.groupFilter, ["dn": LDAPEscaping.filterValue(dn),
                                                                         "username": LDAPEscaping.filterValue(username)])
            groups = try connection.search(base: base, scope: .subtree, filter: filter,
                                           attributes: [configuration.groupNameAttribute], limit: 1000)
                .compactMap { $0.first(configuration.groupNameAttribute) }
        }
        // The entry's own DN, not the filled template: `uid=Alice,...` and `uid=alice,...` are one
        // entry and must be one identity.
        let subject = entry.map(\.dn).flatMap { $0.isEmpty ? nil : $0 } ?? dn
        return DirectoryUser(username: entry?.first(configuration.usernameAttribute) ?? username, dn: subject,
                             groups: groups.sorted())
    }
}
