import API
import Artifacts
import Auth
import Foundation
import Storage

/// Builds access control from the options: the auth configuration, its database, the admin.
enum AuthComposition {
    static func accessControl(_ options: ServerOptions, environment: [String: String],
                              tracking: any TrackingStore) throws -> (AccessControl, DatabaseComposition.Opened)? {
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
        let bearer = try OIDCConfiguration.from(file: file, issuer: options.oidcIssuer, audience: options.oidcAudience,
                                                source: options.authConfigPath ?? "the auth configuration")
            .map { oidc in
                Log.info("OIDC bearer tokens accepted from \(oidc.issuer) for audience \(oidc.audience)")
                let keys = OIDCKeyCache(issuer: oidc.issuer, minimumRefreshInterval: oidc.keyRefreshSeconds,
                                        fetch: fetchProviderDocument)
                return BearerAuthenticator(verifier: OIDCTokenVerifier(configuration: oidc, keys: keys), store: store)
            }
        return (AccessControl(store: store, defaultPermission: configuration.defaultPermission, tracking: tracking,
                              promotion: configuration.promotion, bearer: bearer), opened)
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
