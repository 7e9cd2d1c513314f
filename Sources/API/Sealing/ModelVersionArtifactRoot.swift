import Storage
import TrackingCore

/// Where a model version's artifacts are: its download URI, a `runs:/<run_id>/<path>` source
/// resolved to that run's artifact URI joined with the path, as MLflow's runs repository does.
/// The download route, the seal and its checks all read the version's files from here.
enum ModelVersionArtifactRoot {
    static func of(name: String, version: String, registry: any RegistryStore,
                   tracking: any TrackingStore) throws -> (source: String, root: String) {
        let source = try registry.getModelVersionDownloadURI(name: name, version: version)
        return (source, try resolve(source, tracking: tracking))
    }

    /// `of`, for a seal: the location must be plain (`requirePlain`).
    static func sealable(name: String, version: String, registry: any RegistryStore,
                         tracking: any TrackingStore) throws -> (source: String, root: String) {
        let (source, root) = try of(name: name, version: version, registry: registry, tracking: tracking)
        try requirePlain(source, name: name, version: version)
        try requirePlain(root, name: name, version: version)
        return (source, root)
    }

    /// What a seal may cover: a location that every reader takes literally. A `%` escape, a query,
    /// a fragment or parameters are read one way by the server (a folder literally named
    /// `mod%65l`) and another by a client that decodes or drops them before it downloads (`model`),
    /// so the seal would cover files production does not load; such a version is not sealed, and
    /// so cannot be promoted into a protected stage or alias.
    static func requirePlain(_ location: String, name: String, version: String) throws {
        let odd = location.unicodeScalars.first { "%?#;\\".unicodeScalars.contains($0) || $0.value < 0x20 || $0.value == 0x7F }
        guard let odd else { return }
        let shown = odd.value < 0x20 || odd.value == 0x7F ? "a control character" : "'\(odd)'"
        throw MLflowError(.invalidState, "Version \(version) of registered model '\(name)' cannot be sealed: its artifact "
                          + "location '\(location)' holds \(shown), which clients read differently from the server.")
    }

    static func resolve(_ source: String, tracking: any TrackingStore) throws -> String {
        let uri = ModelSourceURI(source)
        guard uri.scheme == "runs" else { return source }
        let parts = uri.path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true)
        guard let runId = parts.first.map(String.init) else {
            throw MLflowError.invalidParameter("Not a proper runs:/ URI: \(source). Runs URIs must be of the form "
                                               + "'runs:/<run_id>/run-relative/path/to/artifact'")
        }
        let base = try tracking.getRun(id: runId).info.artifactUri
        guard parts.count > 1 else { return base }
        return (base.hasSuffix("/") ? base : base + "/") + parts[1]
    }
}
