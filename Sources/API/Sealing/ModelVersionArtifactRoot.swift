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
