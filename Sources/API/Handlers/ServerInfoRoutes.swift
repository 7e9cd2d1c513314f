import HTTPServer

/// `/health` and `/version`, outside the API prefixes.
struct ServerInfoRoutes {
    let version: String

    var routes: [Route] {
        let version = self.version
        return [
            Route("GET", "/health") { _ in .text("OK") },
            Route("GET", "/version") { _ in .text(version) },
        ]
    }
}
