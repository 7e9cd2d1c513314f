import API
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
        return (AccessControl(store: store, defaultPermission: configuration.defaultPermission, tracking: tracking,
                              promotion: configuration.promotion), opened)
    }
}
