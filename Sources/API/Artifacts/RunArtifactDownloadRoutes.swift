import Artifacts
import HTTPTransport
import Storage
import TrackingCore

/// `/get-artifact?run_id=..&path=..`: the UI's download of one run artifact.
struct RunArtifactDownloadRoutes {
    let store: any TrackingStore
    let artifacts: ArtifactService
    let seals: SealGuard

    var routes: [Route] {
        [Route("GET", "/get-artifact", access: .run(.read), download), Route("GET", "/ajax-api/2.0/mlflow/get-artifact", access: .run(.read), download)]
    }

    func download(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runId = try fields.runId()
        guard let rawPath = try fields.string("path") else { throw RequestFields.missing("path") }
        let relative = try ArtifactPath.validated(rawPath)
        let run = try store.getRun(id: runId)
        return try seals.download(request.http, root: run.info.artifactUri, relative: relative)
    }
}
