import Artifacts
import Foundation
import HTTPTransport
import Storage
import TrackingCore

/// `POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=..&path=..`: the MLflow UI's upload of one file
/// (the raw body) into a run's artifacts, with MLflow's `upload_artifact_handler` checks and words.
struct RunArtifactUploadRoutes {
    let store: any TrackingStore
    let artifacts: ArtifactService
    let seals: SealGuard

    /// MLflow's limit for this route (10 MB, its words): the UI uploads small files here.
    static let maxBytes = 10 * 1024 * 1024

    var routes: [Route] {
        // The run and path come from the query (the body is the file): the rule and the handler read
        // that one reading; a missing run_uuid passes the rule to the handler's own 400.
        [Route("POST", "/ajax-api/2.0/mlflow/upload-artifact", access: .runNamed(.update, field: "run_uuid"),
               fieldsFromQuery: true, upload)]
    }

    func upload(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        guard let runId = try fields.string("run_uuid"), !runId.isEmpty else {
            throw MLflowError.invalidParameter("Request must specify run_uuid.")
        }
        guard let rawPath = try fields.string("path"), !rawPath.isEmpty else {
            throw MLflowError.invalidParameter("Request must specify path.")
        }
        let path = try ArtifactPath.validated(rawPath)
        // `validated` turns "." or "a/./" into "": a file needs a name (MLflow would write the directory).
        guard !path.isEmpty else { throw MLflowError.invalidParameter("Invalid path") }
        let tooLarge = MLflowError.invalidParameter("Artifact size is too large. Max size is 10MB.")
        if let declared = request.header("content-length").flatMap({ Int($0) }), declared > Self.maxBytes { throw tooLarge }
        let data = request.body
        guard !data.isEmpty else { throw MLflowError.invalidParameter("Request must specify data.") }
        guard data.count <= Self.maxBytes else { throw tooLarge }
        let run = try store.getRun(id: runId)
        try seals.refuseWrite(at: SealGuard.key(root: run.info.artifactUri, relative: path))
        let (repository, destination) = try artifacts.locate(root: run.info.artifactUri, relative: path)
        let staged = artifacts.uploadDirectory + "/.ui-upload-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: staged, contents: Data(data)) else {
            throw MLflowError.internalError("The uploaded artifact could not be staged.")
        }
        // A repository that copies (object stores) leaves the staged file behind; a local one moves it.
        defer { try? FileManager.default.removeItem(atPath: staged) }
        try repository.store(localPath: staged, as: destination)
        return .json([])
    }
}
