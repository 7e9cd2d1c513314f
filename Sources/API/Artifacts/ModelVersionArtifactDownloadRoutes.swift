import Artifacts
import HTTPTransport
import Storage
import TrackingCore

/// `/model-versions/get-artifact?name=..&version=..&path=..`: the UI's download of one file of a
/// model version, from the version's download URI (proxied roots resolve into the destination;
/// a `runs:/<run_id>/<path>` source into that run's artifacts, as MLflow's runs repository does).
struct ModelVersionArtifactDownloadRoutes {
    let registry: any RegistryStore
    let tracking: any TrackingStore
    let artifacts: ArtifactService

    /// MLflow serves the route without a prefix only; the `/ajax-api` twin is ours, for symmetry.
    var routes: [Route] {
        [
            Route("GET", "/model-versions/get-artifact", access: .registeredModel(.read), download),
            Route("GET", "/ajax-api/2.0/mlflow/model-versions/get-artifact", access: .registeredModel(.read), download),
        ]
    }

    func download(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        guard let rawPath = try fields.string("path") else { throw RequestFields.missing("path") }
        let relative = try ArtifactPath.validated(rawPath)
        // MLflow's handler has no schema here: missing name or version reach the store as "".
        let source = try registry.getModelVersionDownloadURI(name: try fields.string("name") ?? "",
                                                             version: try fields.string("version") ?? "")
        let (repository, path) = try artifacts.locate(root: try runArtifactRoot(source), relative: relative)
        return try ArtifactDownload.response(for: request.http, repository: repository, path: path,
                                             scratchDirectory: artifacts.scratchDirectory)
    }

    /// `runs:/<run_id>/<path>` as the run's artifact URI joined with the path; other URIs as they are.
    private func runArtifactRoot(_ source: String) throws -> String {
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
