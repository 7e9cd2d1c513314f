import Observability
import SQL
import Storage

/// Which of the server's stores live on local disk, for the disk-space series: the proxied
/// artifacts when the destination is a path, and SQLite databases (tracking, audit).
enum DiskSpaceComposition {
    static func localStores(_ options: ServerOptions) -> [(store: String, path: String)] {
        var stores: [(store: String, path: String)] = []
        let destination = options.artifactsDestination
        if options.serveArtifacts, !destination.contains("://") || destination.hasPrefix("file://") {
            stores.append(("artifacts", destination.hasPrefix("file://") ? String(destination.dropFirst(7)) : destination))
        }
        for (store, uri) in [("database", options.backendStoreURI), ("audit", options.auditDatabaseURI ?? "")] {
            if let parsed = try? DatabaseURI(uri), parsed.engine == .sqlite, !parsed.path.isEmpty, parsed.path != ":memory:" {
                stores.append((store, parsed.path))
            }
        }
        return stores
    }
}
