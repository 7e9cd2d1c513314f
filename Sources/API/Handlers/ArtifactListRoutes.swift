import Artifacts
import HTTPTransport
import JSON
import Storage
import TrackingCore

/// artifacts/list: the files under a run's artifact root (proxied, local or object store).
struct ArtifactListRoutes {
    let store: any TrackingStore
    let artifacts: ArtifactService

    var routes: [Route] {
        [Route("GET", "/mlflow/artifacts/list", access: .run(.read), list)]
    }

    func list(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runId = try fields.runId()
        // MLflow lists `normpath(path)`: "sub/" and "./sub" answer "sub/...", "." the root.
        let relative = try fields.string("path").map { try ArtifactPath.validated($0) } ?? ""
        let run = try store.getRun(id: runId)
        let root = run.info.artifactUri
        var members: [(String, JSONValue)] = [("root_uri", .string(root))]
        let (repository, path) = try artifacts.locate(root: root, relative: relative)
        // Entries are named relative to the run's root, whatever the repository's own root is.
        let prefixLength = path.count - relative.count
        let files = try repository.list(path).map { info -> JSONValue in
            var entry = info
            entry.path = String(info.path.dropFirst(prefixLength).drop { $0 == "/" })
            return entry.json
        }
        if !files.isEmpty { members.append(("files", .array(files))) }
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
