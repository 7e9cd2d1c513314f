import HTTPTransport
import Observability

/// `/health`, `/version` and `/metrics`, outside the API prefixes.
struct ServerInfoRoutes {
    let version: String
    let metrics: ServerMetrics?

    var routes: [Route] {
        let version = self.version
        var routes = [
            Route("GET", "/health", access: .publicRoute) { _ in .text("OK") },
            Route("GET", "/version", access: .publicRoute) { _ in .text(version) },
        ]
        if let registry = metrics?.registry {
            routes.append(Route("GET", "/metrics", access: .admin) { _ in
                HTTPResponse(status: 200, headers: [(name: "Content-Type", value: MetricsRegistry.contentType)],
                             body: Array(registry.exposition().utf8))
            })
        }
        return routes
    }
}
