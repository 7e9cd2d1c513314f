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
    let seals: SealGuard

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
        let (_, root) = try ModelVersionArtifactRoot.of(name: try fields.string("name") ?? "",
                                                        version: try fields.string("version") ?? "",
                                                        registry: registry, tracking: tracking)
        return try seals.download(request.http, root: root, relative: relative)
    }
}
