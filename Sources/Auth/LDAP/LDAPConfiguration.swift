import TrackingCore

/// Basic credentials checked by an LDAP bind: where the directory is, how a username becomes a
/// DN (a template, or a search with a service account), where groups are and how they map to
/// roles. Read from the `[ldap]` section of the auth configuration; `--ldap-uri` overrides its uri.
public struct LDAPConfiguration: Sendable, Equatable {
    public enum UserLookup: Sendable, Equatable {
        /// Bind as `uid={username},ou=people,...` directly.
        case template(String)
        /// Bind as the service account, find the one entry under `base` matching `filter`
        /// (`{username}` in it), then bind as that entry.
        case search(bindDN: String, bindPassword: String, base: String, filter: String)
    }

    public var uri: String
    public var startTLS = false
    /// The CA certificates that verify the directory's certificate (StartTLS and ldaps://); the
    /// system's when unset. Certificates are always verified.
    public var caFile: String?
    public var userLookup: UserLookup
    /// The user entry's attribute that names the Swiftrack user (the directory's spelling wins
    /// over what was typed, so `Alice` and `alice` are one user).
    public var usernameAttribute = "uid"
    /// Where group entries are, and the filter that finds a user's (`{dn}` and `{username}` in it);
    /// no group lookup when unset.
    public var groupBase: String?
    public var groupFilter = "(&(objectClass=groupOfNames)(member={dn}))"
    public var groupNameAttribute = "cn"
    public var groups = GroupRoleMapping()
    /// The directory's name in users' identities (`issuer`): the URI by default. A user is bound to
    /// this and their entry's DN; moving the directory to a new URI keeps the bindings only when
    /// `issuer` names the old one.
    public var issuer: String
    /// Whether a user a provider created before identities were recorded may be taken over, once,
    /// by the first directory entry of that name (`claim_existing_users`); by default only when
    /// the file configures no `[oidc]` section, which could have made it too.
    public var claimExistingUsers = true
    public var timeoutSeconds: Double = 5
    /// A verified password is remembered this long (no bind per request); 0 binds every time.
    public var cacheSeconds: Double = 300

    public init(uri: String, userLookup: UserLookup) {
        self.uri = uri
        self.userLookup = userLookup
        self.issuer = uri.hasSuffix("/") ? String(uri.dropLast()) : uri
    }

    /// From the `[ldap]` section (nil when the file has none and no URI is given).
    /// `SWIFTRACK_LDAP_BIND_PASSWORD` wins over the file's bind_password.
    public static func from(file: INIFile?, uri flagURI: String?, environment: [String: String],
                            source: String = "the auth configuration") throws -> LDAPConfiguration? {
        let section = "ldap"
        func value(_ key: String) -> String? {
            guard let text = file?.value(section, key), !text.isEmpty else { return nil }
            return text
        }
        func invalid(_ message: String) -> MLflowError { MLflowError.invalidParameter("\(source): [ldap] \(message)") }
        guard let uri = flagURI ?? value("uri") else {
            if file?.sections[section] != nil { throw invalid("needs a uri (or --ldap-uri)") }
            return nil
        }
        guard uri.hasPrefix("ldap://") || uri.hasPrefix("ldaps://") else {
            throw invalid("uri must be ldap:// or ldaps://, got '\(uri)'")
        }
        let lookup: UserLookup
        if let template = value("user_dn_template") {
            guard template.contains("{username}") else { throw invalid("user_dn_template must contain {username}") }
            lookup = .template(template)
        } else if let bindDN = value("bind_dn") {
            guard let password = environment["SWIFTRACK_LDAP_BIND_PASSWORD"].flatMap({ $0.isEmpty ? nil : $0 })
                    ?? value("bind_password") else {
                throw invalid("bind_dn needs bind_password (or SWIFTRACK_LDAP_BIND_PASSWORD)")
            }
            guard let base = value("user_base") else { throw invalid("bind_dn needs user_base, where users are searched") }
            let filter = value("user_filter") ?? "(uid={username})"
            guard filter.contains("{username}") else { throw invalid("user_filter must contain {username}") }
            lookup = .search(bindDN: bindDN, bindPassword: password, base: base, filter: filter)
        } else {
            throw invalid("needs user_dn_template (direct bind) or bind_dn with user_base (search, then bind)")
        }
        var configuration = LDAPConfiguration(uri: uri, userLookup: lookup)
        if let flag = value("start_tls") {
            guard let on = Self.boolean(flag) else { throw invalid("start_tls must be true or false, got '\(flag)'") }
            configuration.startTLS = on
        }
        if configuration.startTLS && uri.hasPrefix("ldaps://") { throw invalid("start_tls with ldaps:// is TLS twice") }
        configuration.caFile = value("ca_file")
        let encrypted = configuration.startTLS || uri.hasPrefix("ldaps://")
        if !encrypted && !Self.isLoopback(uri) && Self.boolean(value("allow_plaintext") ?? "false") != true {
            throw invalid("passwords would cross the network in clear to '\(uri)': use ldaps://, start_tls = true, "
                          + "or allow_plaintext = true")
        }
        if let attribute = value("username_attribute") { configuration.usernameAttribute = attribute }
        if let issuer = value("issuer") { configuration.issuer = issuer }
        configuration.claimExistingUsers = file?.sections["oidc"] == nil
        if let flag = value("claim_existing_users") {
            guard let on = Self.boolean(flag) else { throw invalid("claim_existing_users must be true or false, got '\(flag)'") }
            configuration.claimExistingUsers = on
        }
        configuration.groupBase = value("group_base")
        if let filter = value("group_filter") { configuration.groupFilter = filter }
        if let attribute = value("group_name_attribute") { configuration.groupNameAttribute = attribute }
        if let seconds = value("timeout_seconds") {
            guard let parsed = Double(seconds), parsed > 0, parsed <= 60 else {
                throw invalid("timeout_seconds must be in (0, 60], got '\(seconds)'")
            }
            configuration.timeoutSeconds = parsed
        }
        if let seconds = value("cache_seconds") {
            guard let parsed = Double(seconds), (0...86_400).contains(parsed) else {
                throw invalid("cache_seconds must be 0...86400, got '\(seconds)'")
            }
            configuration.cacheSeconds = parsed
        }
        configuration.groups = try GroupRoleMapping(file: file, section: section, source: source)
        return configuration
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: return nil
        }
    }

    /// `ldap://127.0.0.1:389`, `ldap://localhost`, `ldap://[::1]`.
    static func isLoopback(_ uri: String) -> Bool {
        let rest = uri.drop { $0 != "/" }.drop { $0 == "/" }
        let host = rest.hasPrefix("[") ? String(rest.prefix { $0 != "]" }) + "]" : String(rest.prefix { $0 != ":" && $0 != "/" })
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        let loopbackV4 = octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
        return host == "localhost" || host == "[::1]" || loopbackV4
    }
}
