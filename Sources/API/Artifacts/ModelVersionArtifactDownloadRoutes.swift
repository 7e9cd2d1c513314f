import Artifacts
import HTTPServer
import Storage
import TrackingCore

/// `/model-versions/get-artifact?name=..&version=..&path=..`: the UI's download of one file of a
/// model version, from the version's download URI (proxied roots resolve into the destination).
struct ModelVersionArtifactDownloadRoutes {
    let registry: any RegistryStore
    let artifacts: ArtifactService

    /// MLflow serves the route without a prefix only; the `/ajax-api` twin is ours, for symmetry.
    var routes: [Route] {
        [
            Route("GET", "/model-versions/get-artifact", download),
            Route("GET", "/ajax-api/2.0/mlflow/model-versions/get-artifact", download),
        ]
    }

    func download(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        guard let rawPath = try fields.string("path") else { throw RequestFields.missing("path") }
        let relative = try ArtifactPath.validated(rawPath)
        // MLflow's handler has no schema here: missing name or version reach the store as "".
        let root = try registry.getModelVersionDownloadURI(name: try fields.string("name") ?? "",
                                                           version: try fields.string("version") ?? "")
        let (repository, path) = try artifacts.locate(root: root, relative: relative)
        return try ArtifactDownload.response(for: request, repository: repository, path: path,
                                             scratchDirectory: artifacts.scratchDirectory)
    }
}
