import HTTPServer

/// Finds the handler of a request: exact paths first, then `{param}` patterns, then method.
/// A path some route knows but not with this method is a 405 naming the methods that fit (Flask's way).
struct Router: Sendable {
    enum Match {
        case handler(RouteHandler)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// A route path with `{param}` segments, with its handlers by method.
    private struct PatternEntry: Sendable {
        let segments: [Substring]
        var methods: [String: RouteHandler]
    }

    private let table: [String: [String: RouteHandler]]
    private let patterns: [PatternEntry]

    /// Registers each route under every prefix (e.g. `/api/2.0` and `/ajax-api/2.0`).
    init(routes: [Route], prefixes: [String]) {
        var table: [String: [String: RouteHandler]] = [:]
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

    private static func register(_ path: String, _ route: Route, table: inout [String: [String: RouteHandler]],
                                 patterns: inout [PatternEntry]) {
        guard RoutePattern.isPattern(path) else {
            table[path, default: [:]][route.method] = route.handler
            return
        }
        let segments = RoutePattern.segments(path)
        if let index = patterns.firstIndex(where: { $0.segments == segments }) {
            patterns[index].methods[route.method] = route.handler
        } else {
            patterns.append(PatternEntry(segments: segments, methods: [route.method: route.handler]))
        }
    }

    func match(method: String, path: String) -> Match {
        var candidates: [[String: RouteHandler]] = []
        if let methods = table[path] {
            // The common case: an exact path with this method, no pattern scan.
            if let handler = methods[method] { return .handler(handler) }
            candidates.append(methods)
        }
        if !patterns.isEmpty {
            for entry in patterns where RoutePattern.matches(entry.segments, path) { candidates.append(entry.methods) }
        }
        guard !candidates.isEmpty else { return .notFound }
        for methods in candidates {
            if let handler = methods[method] { return .handler(handler) }
        }
        if method == "HEAD" {
            for methods in candidates {
                if let handler = methods["GET"] { return .handler(handler) }
            }
        }
        return .methodNotAllowed(allowed: Set(candidates.flatMap(\.keys)).sorted())
    }
}
