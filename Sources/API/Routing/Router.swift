import HTTPTransport

/// Finds the handler of a request: exact paths first, then `{param}` patterns, then method.
/// A path some route knows but not with this method is a 405 naming the methods that fit (Flask's way).
struct Router: Sendable {
    enum Match {
        /// The route and its path as registered (`{param}` kept): the metrics label.
        case route(Route, template: String)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// A route path with `{param}` segments, with its handlers by method.
    private struct PatternEntry: Sendable {
        let path: String
        let segments: [Substring]
        var methods: [String: Route]
    }

    private let table: [String: [String: Route]]
    private let patterns: [PatternEntry]

    /// Registers each route under every prefix (e.g. `/api/2.0` and `/ajax-api/2.0`).
    init(routes: [Route], prefixes: [String]) {
        var table: [String: [String: Route]] = [:]
        var patterns: [PatternEntry] = []
        for route in routes {
            for prefix in prefixes {
                Self.register(prefix + route.path, route, table: &table, patterns: &patterns)
            }
        }
        self.table = table
        self.patterns = patterns
    }

    /// Adds routes that live outside the API prefixes (e.g. `/health`).
    init(merging base: Router, with routes: [Route]) {
        var table = base.table
        var patterns = base.patterns
        for route in routes { Self.register(route.path, route, table: &table, patterns: &patterns) }
        self.table = table
        self.patterns = patterns
    }

    private static func register(_ path: String, _ route: Route, table: inout [String: [String: Route]],
                                 patterns: inout [PatternEntry]) {
        guard RoutePattern.isPattern(path) else {
            table[path, default: [:]][route.method] = route
            return
        }
        let segments = RoutePattern.segments(path)
        if let index = patterns.firstIndex(where: { $0.segments == segments }) {
            patterns[index].methods[route.method] = route
        } else {
            patterns.append(PatternEntry(path: path, segments: segments, methods: [route.method: route]))
        }
    }

    func match(method: String, path: String) -> Match {
        var candidates: [(template: String, methods: [String: Route])] = []
        if let methods = table[path] {
            // The common case: an exact path with this method, no pattern scan.
            if let route = methods[method] { return .route(route, template: path) }
            candidates.append((path, methods))
        }
        if !patterns.isEmpty {
            for entry in patterns where RoutePattern.matches(entry.segments, path) {
                candidates.append((entry.path, entry.methods))
            }
        }
        guard !candidates.isEmpty else { return .notFound }
        for candidate in candidates {
            if let route = candidate.methods[method] { return .route(route, template: candidate.template) }
        }
        if method == "HEAD" {
            for candidate in candidates {
                if let route = candidate.methods["GET"] { return .route(route, template: candidate.template) }
            }
        }
        return .methodNotAllowed(allowed: Set(candidates.flatMap(\.methods.keys)).sorted())
    }
}

extension Router {
    /// Where MLflow's 2.0 API is served: the REST path and the UI's twin.
    static let version2Prefixes = ["/api/2.0", "/ajax-api/2.0"]
    /// Where MLflow 3's routes are served.
    static let version3Prefixes = ["/api/3.0", "/ajax-api/3.0"]

    /// `/api/2.0/mlflow/runs/get` → `/mlflow/runs/get`; paths outside the API prefixes as they are.
    static func unprefixed(_ template: String) -> String {
        for prefix in version2Prefixes + version3Prefixes where template.hasPrefix(prefix + "/") {
            return String(template.dropFirst(prefix.count))
        }
        return template
    }
}
