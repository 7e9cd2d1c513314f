public import TrackingCore

/// Chooses the repository for an artifact root URI by its scheme.
public struct ArtifactRepositoryFactory: Sendable {
    /// Extra schemes (s3, gs, wasbs...) registered by the composition root.
    public typealias Maker = @Sendable (String) throws -> any ArtifactRepository
    private let makers: [String: Maker]

    public init(makers: [String: Maker] = [:]) {
        self.makers = makers
    }

    public func repository(for uri: String) throws -> any ArtifactRepository {
        if uri.hasPrefix("/") || uri.hasPrefix("file:") { return LocalArtifactRepository(root: uri) }
        if let colon = uri.firstIndex(of: ":"), let maker = makers[String(uri[..<colon]).lowercased()] {
            return try maker(uri)
        }
        throw MLflowError.invalidParameter("Unsupported artifact location '\(uri)': "
            + "use a local path, file://, or a configured object store URI")
    }
}

/// `mlflow-artifacts:` URIs and proxy URLs: the path they name inside the proxied destination.
public enum ProxiedArtifactURI {
    static let routeAnchor = "/api/2.0/mlflow-artifacts/artifacts/"

    public static func isProxied(_ uri: String) -> Bool {
        uri.hasPrefix("mlflow-artifacts:") || ((uri.hasPrefix("http://") || uri.hasPrefix("https://")) && uri.contains(routeAnchor))
    }

    /// `mlflow-artifacts:/1/abc/artifacts`, `mlflow-artifacts://host:5000/1/abc/artifacts` and
    /// `http://host/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts` all name `1/abc/artifacts`.
    public static func destinationPath(of uri: String) throws(MLflowError) -> String {
        var rest: Substring
        if uri.hasPrefix("mlflow-artifacts:") {
            rest = uri.dropFirst("mlflow-artifacts:".count)
            if rest.hasPrefix("//") { rest = rest.dropFirst(2).drop { $0 != "/" } }
        } else if let anchor = uri.range(of: routeAnchor) {
            rest = uri[anchor.upperBound...]
        } else {
            throw MLflowError.invalidParameter("'\(uri)' is not a proxied artifact URI")
        }
        return try ArtifactPath.validated(String(rest.drop { $0 == "/" }))
    }
}
