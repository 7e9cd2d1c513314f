import HTTPServer

/// Finds the handler of a request by exact path, then method.
struct Router: Sendable {
    enum Match {
        case handler(RouteHandler)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private let table: [String: [String: RouteHandler]]

    /// Registers each route under every prefix (e.g. `/api/2.0` and `/ajax-api/2.0`).
    init(routes: [Route], prefixes: [String]) {
        var table: [String: [String: RouteHandler]] = [:]
        for route in routes {
            for prefix in prefixes {
                table[prefix + route.path, default: [:]][route.method] = route.handler
            }
        }
        self.table = table
    }

    /// Adds routes that live outside the API prefixes (e.g. `/health`).
    init(merging base: Router, with routes: [Route]) {
        var table = base.table
        for route in routes { table[route.path, default: [:]][route.method] = route.handler }
        self.table = table
    }

    func match(method: String, path: String) -> Match {
        guard let methods = table[path] else { return .notFound }
        if let handler = methods[method] { return .handler(handler) }
        if method == "HEAD", let handler = methods["GET"] { return .handler(handler) }
        return .methodNotAllowed(allowed: methods.keys.sorted())
    }
}
