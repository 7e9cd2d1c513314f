import Artifacts
import HTTPTransport
import JSON
import TrackingCore

/// The `mlflow-artifacts` service (`--serve-artifacts`): upload, download, list and delete files
/// in the proxied destination, and multipart uploads through presigned URLs.
/// Its paths end in an artifact path, so it matches by prefix rather than through the router.
struct ArtifactProxyRoutes: Sendable {
    let service: ArtifactService
    let seals: SealGuard

    static let prefixes = ["/api/2.0/mlflow-artifacts/", "/ajax-api/2.0/mlflow-artifacts/"]

    /// The part of `path` after the service prefix (`artifacts/...`, `mpu/create/...`), or nil.
    static func servicePath(of path: String) -> Substring? {
        for prefix in prefixes where path.hasPrefix(prefix) { return path.dropFirst(prefix.count) }
        return nil
    }

    /// The metrics label of a proxy request: its prefix and action, never the artifact path.
    static func template(of path: String, servicePath: Substring) -> String {
        let prefix = path.dropLast(servicePath.count)
        for action in ["mpu/create", "mpu/complete", "mpu/abort"] where servicePath.hasPrefix(action + "/") {
            return prefix + action + "/{path}"
        }
        return servicePath == "artifacts" ? prefix + "artifacts" : prefix + "artifacts/{path}"
    }

    /// True for uploads, whose bodies are streamed to a file instead of memory.
    static func isUpload(_ head: HTTPRequestHead) -> Bool {
        head.method == "PUT" && servicePath(of: head.path)?.hasPrefix("artifacts/") == true
    }

    /// Answers a proxy request read by `ArtifactProxyRequest.parse` (and checked on its `path`).
    func handle(_ proxied: ArtifactProxyRequest, _ request: HTTPRequest) throws -> HTTPResponse {
        let destination = try service.requireDestination()
        let location = SealGuard.proxyKey(proxied.path)
        switch proxied.action {
        case .upload, .delete, .multipart(.create), .multipart(.complete):
            try seals.refuseWrite(at: location)
        case .list, .download, .multipart(.abort):
            break
        }
        switch proxied.action {
        case .list:
            // The proxy lists base names (MLflow's `FileInfo(basename, ...)`).
            let files = try destination.list(proxied.path).map { info -> JSONValue in
                var entry = info
                entry.path = info.path.split(separator: "/").last.map(String.init) ?? info.path
                return entry.json
            }
            return jsonResponse(files.isEmpty ? .object([]) : .object([("files", .array(files))]))
        case .download:
            return try seals.download(request, repository: destination, path: proxied.path, location: location)
        case .upload:
            guard let bodyFile = request.bodyFile else {
                throw MLflowError.internalError("The upload body was not staged to a file")
            }
            try destination.store(localPath: bodyFile, as: proxied.path)
            return emptyJSONResponse
        case .delete:
            try destination.delete(proxied.path)
            return emptyJSONResponse
        case .multipart(let action):
            return try multipart(action, key: proxied.path, fields: proxied.fields ?? RequestFields(members: []),
                                 destination: destination)
        }
    }

    private func multipart(_ action: ArtifactProxyRequest.MultipartAction, key: String, fields: RequestFields,
                           destination: any ArtifactRepository) throws -> HTTPResponse {
        guard let repository = destination as? any MultipartArtifactRepository else {
            throw MLflowError(.notImplemented, "Multipart upload is not supported for the current artifact repository")
        }
        switch action {
        case .create:
            let count = try fields.int64("num_parts").map { Int(clamping: $0) } ?? 1
            guard (1...10_000).contains(count) else {
                throw MLflowError.invalidParameter("num_parts must be between 1 and 10000, got \(count)")
            }
            let upload = try repository.createMultipartUpload(path: key, partCount: count)
            var members: [(String, JSONValue)] = []
            if let uploadId = upload.uploadId { members.append(("upload_id", .string(uploadId))) }
            members.append(("credentials", .array(upload.parts.map(\.json))))
            return jsonResponse(.object(members))
        case .complete:
            let uploadId = try fields.string("upload_id") ?? ""
            let parts = try fields.messages("parts").map { part in
                UploadedPart(partNumber: Int(clamping: try part.int64("part_number") ?? 0), etag: try part.string("etag") ?? "",
                             url: try part.string("url"))
            }
            try repository.completeMultipartUpload(path: key, uploadId: uploadId, parts: parts)
            return emptyJSONResponse
        case .abort:
            try repository.abortMultipartUpload(path: key, uploadId: try fields.string("upload_id") ?? "")
            return emptyJSONResponse
        }
    }
}

extension PartUploadTarget {
    var json: JSONValue {
        var members: [(String, JSONValue)] = [("url", .string(url)), ("part_number", .integer(Int64(partNumber)))]
        if !headers.isEmpty {
            members.append(("headers", .object(headers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        return .object(members)
    }
}
