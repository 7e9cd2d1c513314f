import API
import HTTPTransport

/// `swiftrack server`'s HTTPS, proxy, per-client connection and identity-provider options.
extension ServerOptions {
    static let transportFlags: Set<String> = ["tls-cert", "tls-key", "behind-proxy", "hsts-max-age",
                                              "max-connections-per-ip", "oidc-issuer", "oidc-audience", "ldap-uri"]

    static let transportHelp = """
          --tls-cert PATH              serve HTTPS with this PEM certificate chain (TLS 1.3, and TLS 1.2
                                       with ECDHE/DHE and AES-GCM or ChaCha20-Poly1305 only)
                                       env SWIFTRACK_TLS_CERT
          --tls-key PATH               its PEM private key; an encrypted key's password is read from
                                       env SWIFTRACK_TLS_KEY_PASSWORD (never from the command line)
                                       env SWIFTRACK_TLS_KEY
          --behind-proxy ADDRESSES     believe X-Forwarded-For / X-Forwarded-Proto from these proxies
                                       only (comma-separated addresses or CIDR blocks, e.g.
                                       127.0.0.1,10.0.0.0/8); from anyone else the headers are ignored
                                       env SWIFTRACK_BEHIND_PROXY
          --require-https              refuse requests that did not come over HTTPS (natively or to a
                                       trusted proxy) with 403; /health stays open
                                       env SWIFTRACK_REQUIRE_HTTPS=true
          --hsts-max-age S             Strict-Transport-Security max-age on HTTPS answers, 0 for none
                                       (default 31536000)
                                       env SWIFTRACK_HSTS_MAX_AGE
          --max-connections-per-ip N   simultaneous connections from one client address; the next is
                                       closed at once (default 1024, 0 for no limit; behind a proxy
                                       every client shares the proxy's address)
                                       env SWIFTRACK_MAX_CONNECTIONS_PER_IP
          --oidc-issuer URL            with auth on, also accept `Authorization: Bearer <JWT>` from this
                                       OpenID Connect provider (RS256/ES256; keys by discovery); more
                                       settings in the auth configuration's [oidc] section
                                       env SWIFTRACK_OIDC_ISSUER
          --oidc-audience ID           the audience tokens must carry (the client id)
                                       env SWIFTRACK_OIDC_AUDIENCE
          --ldap-uri URI               with auth on, check the Basic credentials of users without a local
                                       password by an LDAP bind (ldap:// or ldaps://); the DN template or
                                       search, StartTLS, CA and group mapping are in the auth
                                       configuration's [ldap] section
                                       env SWIFTRACK_LDAP_URI
        """

    /// Reads the TLS files and the proxy settings; a mistake is a usage error before anything starts.
    mutating func parseTransport(_ arguments: Arguments, environment: [String: String]) throws(UsageError) {
        func value(_ flag: String, _ variable: String) -> String? {
            arguments.value(flag, environment: environment, variables: [variable])
        }
        let certificate = value("tls-cert", "SWIFTRACK_TLS_CERT"), key = value("tls-key", "SWIFTRACK_TLS_KEY")
        switch (certificate, key) {
        case (nil, nil): break
        case (let certificate?, let key?):
            do {
                http.tls = try HTTPServerTLS.load(certificateFile: certificate, keyFile: key,
                                                  keyPassword: environment["SWIFTRACK_TLS_KEY_PASSWORD"])
            } catch {
                throw UsageError(error.message)
            }
        default:
            throw UsageError("--tls-cert and --tls-key go together")
        }
        if let proxies = value("behind-proxy", "SWIFTRACK_BEHIND_PROXY") {
            var ranges: [AddressRange] = []
            for entry in proxies.split(separator: ",") {
                let text = String(entry).trimmingCharacters(in: .whitespaces)
                guard let range = AddressRange(text) else {
                    throw UsageError("--behind-proxy takes addresses or CIDR blocks, got '\(text)'")
                }
                ranges.append(range)
            }
            guard !ranges.isEmpty else { throw UsageError("--behind-proxy needs at least one address") }
            transport.trustedProxies = ranges
        }
        if let flag = environment["SWIFTRACK_REQUIRE_HTTPS"] {
            transport.requireHTTPS = ["1", "true", "yes"].contains(flag.lowercased())
        }
        if arguments.has("require-https") { transport.requireHTTPS = true }
        if transport.requireHTTPS && http.tls == nil && transport.trustedProxies.isEmpty {
            throw UsageError("--require-https needs --tls-cert/--tls-key or --behind-proxy: nothing could reach the "
                             + "server over HTTPS")
        }
        oidcIssuer = value("oidc-issuer", "SWIFTRACK_OIDC_ISSUER")
        oidcAudience = value("oidc-audience", "SWIFTRACK_OIDC_AUDIENCE")
        if (oidcIssuer != nil || oidcAudience != nil) && !authEnabled {
            throw UsageError("--oidc-issuer needs access control on (--app-name basic-auth)")
        }
        ldapURI = value("ldap-uri", "SWIFTRACK_LDAP_URI")
        if ldapURI != nil && !authEnabled {
            throw UsageError("--ldap-uri needs access control on (--app-name basic-auth)")
        }
        if let text = value("max-connections-per-ip", "SWIFTRACK_MAX_CONNECTIONS_PER_IP") {
            guard let limit = Int(text), (0...100_000).contains(limit) else {
                throw UsageError("--max-connections-per-ip must be an integer in 0...100000, got '\(text)'")
            }
            http.perIPConnectionLimit = limit
        }
        if let text = value("hsts-max-age", "SWIFTRACK_HSTS_MAX_AGE") {
            guard let seconds = Int(text), (0...(10 * 31_536_000)).contains(seconds) else {
                throw UsageError("--hsts-max-age must be an integer in 0...315360000, got '\(text)'")
            }
            transport.hstsMaxAgeSeconds = seconds
        }
    }

    /// The scheme the server is reached with directly.
    var scheme: String { http.tls == nil ? "http" : "https" }
}
