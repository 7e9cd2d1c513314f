import Artifacts
import HTTPTransport
import Storage
import TrackingCore

/// `GET /ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files?artifact_file_path=..`: the MLflow
/// UI's file viewer for a logged model (MLflow's `get_logged_model_artifact_handler`), one file from
/// the model's artifact location (a proxied one resolves into the destination).
struct LoggedModelArtifactDownloadRoutes {
    let store: any LoggedModelStore
    let artifacts: ArtifactService
    let seals: SealGuard

    var routes: [Route] {
        [Route("GET", "/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files", access: .loggedModel(.read),
               download)]
    }

    func download(_ request: RouteRequest) throws -> HTTPResponse {
        guard let rawPath = try request.fields().string("artifact_file_path"), !rawPath.isEmpty else {
            throw MLflowError(.badRequest, "Request must include the \"artifact_file_path\" query parameter.")
        }
        let relative = try ArtifactPath.validated(rawPath)
        let model = try store.getLoggedModel(id: try request.parameters.required("model_id"), allowDeleted: false)
        return try seals.download(request.http, root: model.artifactLocation, relative: relative)
    }
}
