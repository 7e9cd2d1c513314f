import HTTPTransport
import TrackingCore

/// The values of a route pattern's `{name}` segments in a request path
/// (`/mlflow/logged-models/{model_id}` against `/api/2.0/mlflow/logged-models/m-1` gives model_id = m-1).
struct PathParameters: Sendable, Equatable {
    private let values: [String: String]

    init(_ values: [String: String] = [:]) { self.values = values }

    /// Reads the parameters by lining the pattern up with the end of `path` (the router has already
    /// matched the path, prefix included, so only the tail needs reading).
    init(pattern: String, path: String) {
        let patternSegments = RoutePattern.segments(pattern)
        let pathSegments = RoutePattern.segments(path)
        var values: [String: String] = [:]
        if pathSegments.count >= patternSegments.count {
            for (piece, value) in zip(patternSegments, pathSegments.suffix(patternSegments.count)) {
                if let name = RoutePattern.parameterName(piece) { values[name] = String(value) }
            }
        }
        self.values = values
    }

    subscript(name: String) -> String? { values[name] }

    /// A parameter the route's pattern names, non-empty; MLflow's missing-parameter 400 otherwise.
    func required(_ name: String) throws(MLflowError) -> String {
        guard let value = values[name], !value.isEmpty else { throw RequestFields.missing(name) }
        return value
    }
}

/// `{name}` segments in a route path.
enum RoutePattern {
    static func isPattern(_ path: String) -> Bool { path.contains("{") }

    static func segments(_ path: String) -> [Substring] {
        PathSegments.split(path, omittingEmpty: false)
    }

    /// "model_id" for the segment `{model_id}`, nil for a literal segment.
    static func parameterName(_ segment: Substring) -> String? {
        guard segment.count > 2, segment.first == "{", segment.last == "}" else { return nil }
        return String(segment.dropFirst().dropLast())
    }

    /// Whether `path` fits the pattern's segments: literals equal, parameters non-empty (Flask's `<name>`).
    static func matches(_ patternSegments: [Substring], _ path: String) -> Bool {
        let pathSegments = segments(path)
        guard pathSegments.count == patternSegments.count else { return false }
        for (piece, value) in zip(patternSegments, pathSegments) {
            if parameterName(piece) != nil {
                if value.isEmpty { return false }
            } else if piece != value {
                return false
            }
        }
        return true
    }
}
