import API
import Auth
import Foundation
import OutboundHTTP
import Storage

/// Builds access control from the options: the auth configuration, its database, the admin.
enum AuthComposition {
    static func accessControl(_ options: ServerOptions, environment: [String: String],
                              stores: APIStores) throws -> (AccessControl, DatabaseComposition.Opened)? {
        guard options.authEnabled else { return nil }
        var file: INIFile?
        if let path = options.authConfigPath {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw UsageError("cannot read the auth configuration \(path)")
            }
            file = try INIFile(parsing: text, source: path)
        }
        let configuration = try AuthConfiguration(file: file, environment: environment,
                                                  source: options.authConfigPath ?? "the auth configuration")
        let opened = try DatabaseComposition.open(configuration.databaseURI, poolSize: max(2, options.dbPoolSize / 4),
                                                  poolTimeoutSeconds: options.dbPoolTimeoutSeconds, readers: 4)
        let store = try AuthStore(database: opened.database)
        try configuration.bootstrapAdmin(store)
        Log.info("basic auth on: users in \(opened.description), default permission "
                 + configuration.defaultPermission.rawValue)
        let oidc = try OIDCConfiguration.from(file: file, issuer: options.oidcIssuer, audience: options.oidcAudience,
                                              source: options.authConfigPath ?? "the auth configuration")
        let bearer = oidc.map { oidc in
            Log.info("OIDC bearer tokens accepted from \(oidc.issuer) for audience \(oidc.audience)")
            let keys = OIDCKeyCache(issuer: oidc.issuer, minimumRefreshInterval: oidc.keyRefreshSeconds,
                                    fetch: fetchProviderDocument)
            return BearerAuthenticator(verifier: OIDCTokenVerifier(configuration: oidc, keys: keys), store: store)
        }
        var browser: BrowserSignIn?
        if let bearer, var settings = oidc?.browser {
            if let secret = environment["SWIFTRACK_OIDC_CLIENT_SECRET"], !secret.isEmpty { settings.clientSecret = secret }
            browser = BrowserSignIn(settings: settings, bearer: bearer, secret: try sessionSecret(environment),
                                    postForm: postProviderForm)
            Log.info("OIDC browser sign-in at /oidc/login (client \(settings.clientId), back to \(settings.redirectURI))")
        }
        let ldap = try LDAPConfiguration.from(file: file, uri: options.ldapURI, environment: environment,
                                              source: options.authConfigPath ?? "the auth configuration").map {
            Log.info("LDAP sign-in for users without a local password: \($0.uri)\($0.startTLS ? " with StartTLS" : "")")
            return LDAPCredentialVerifier(configuration: $0, store: store)
        }
        return (AccessControl(store: store, defaultPermission: configuration.defaultPermission, stores: stores,
                              promotion: configuration.promotion, bearer: bearer, browser: browser, ldap: ldap), opened)
    }

    /// The key that signs session cookies: SWIFTRACK_SESSION_SECRET (shared by replicas, at least
    /// 32 characters), else a random one for this process (sessions end when it stops).
    static func sessionSecret(_ environment: [String: String]) throws -> [UInt8] {
        if let secret = environment["SWIFTRACK_SESSION_SECRET"], !secret.isEmpty {
            guard secret.utf8.count >= 32 else { throw UsageError("SWIFTRACK_SESSION_SECRET must be at least 32 characters") }
            return Array(secret.utf8)
        }
        Log.info("SWIFTRACK_SESSION_SECRET is not set: browser sessions are signed with a key of this process only "
                 + "(they end when it stops, and other replicas do not accept them)")
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// A form POST to the provider's token endpoint: (status, body).
    @Sendable static func postProviderForm(_ url: String, _ fields: [(String, String)]) throws -> (status: Int, body: [UInt8]) {
        let request = HTTPClientRequest(
            method: "POST", url: url,
            headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded"), HTTPHeader("Accept", "application/json")],
            body: .bytes(Array(BrowserSignIn.formEncode(fields).utf8)), connectTimeout: 5, timeout: 15)
        let response = try HTTPClient().perform(request)
        return (response.status, response.body)
    }

    /// A discovery document or key set from the identity provider (small JSON, short timeouts).
    @Sendable static func fetchProviderDocument(_ url: String) throws -> [UInt8] {
        let request = HTTPClientRequest(method: "GET", url: url, headers: [HTTPHeader("Accept", "application/json")],
                                        connectTimeout: 5, timeout: 10)
        let response = try HTTPClient().perform(request)
        guard response.isSuccess else { throw CommandFailure("\(url) answered \(response.status)") }
        return response.body
    }
}
