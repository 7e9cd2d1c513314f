import Artifacts
import HTTPServer
import JSON
import Storage
import TrackingCore

/// artifacts/list for a run whose artifact root is on local disk.
struct ArtifactListRoutes {
    let store: any TrackingStore

    var routes: [Route] {
        [Route("GET", "/mlflow/artifacts/list", list)]
    }

    func list(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let runId = try fields.runId()
        // MLflow lists `normpath(path)`: "sub/" and "./sub" answer "sub/...", "." the root.
        let relative = try fields.string("path").map { try ArtifactPath.validated($0) } ?? ""
        let run = try store.getRun(id: runId)
        var members: [(String, JSONValue)] = [("root_uri", .string(run.info.artifactUri))]
        let uri = run.info.artifactUri
        if uri.hasPrefix("/") || uri.hasPrefix("file:") {
            let files = try LocalArtifactRepository(root: uri).list(relative)
            if !files.isEmpty { members.append(("files", .array(files.map(\.json)))) }
        }
        return jsonResponse(.object(members))
    }
}

extension ArtifactFileInfo {
    /// MLflow's `FileInfo`: `file_size` is left out for directories and empty files (proto3 default).
    var json: JSONValue {
        var members: [(String, JSONValue)] = [("path", .string(path)), ("is_dir", .bool(isDirectory))]
        if let fileSize, fileSize > 0 { members.append(("file_size", .integer(fileSize))) }
        return .object(members)
    }
}
