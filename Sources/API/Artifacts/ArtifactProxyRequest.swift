import Artifacts
import HTTPTransport
import TrackingCore

/// One request to the `mlflow-artifacts` service, read once: what it does and the one validated
/// artifact path it does it to. The access check and the handler both take `path` from here, so a
/// listing's `path` from a GET body or a multipart upload's `path` from its body is the path
/// checked (docs/SECURITY.md, "One reading").
struct ArtifactProxyRequest {
    enum Action: Equatable {
        case list, download, upload, delete
        case multipart(MultipartAction)
    }

    enum MultipartAction: String {
        case create, complete, abort
    }

    /// What reading the service path gave.
    enum Parsed {
        case request(ArtifactProxyRequest)
        case methodNotAllowed([String])
        case notFound
    }

    let action: Action
    /// The validated path below the destination: the listed directory, the file, or for a multipart
    /// upload the URL's directory joined with the body's `path`.
    let path: String
    /// The request's fields (list and multipart read theirs), parsed once.
    let fields: RequestFields?

    /// Reads the part of the path after the service prefix; invalid paths throw MLflow's 400.
    static func parse(_ request: HTTPRequest, servicePath: Substring) throws -> Parsed {
        if servicePath == "artifacts" {
            guard request.method == "GET" || request.method == "HEAD" else { return .methodNotAllowed(["GET"]) }
            let fields = try RequestFields.from(request)
            let path = try fields.string("path").map { try ArtifactPath.validated($0) } ?? ""
            return .request(ArtifactProxyRequest(action: .list, path: path, fields: fields))
        }
        if servicePath.hasPrefix("artifacts/") {
            let action: Action
            switch request.method {
            case "GET", "HEAD": action = .download
            case "PUT": action = .upload
            case "DELETE": action = .delete
            default: return .methodNotAllowed(["DELETE", "GET", "PUT"])
            }
            let path = try ArtifactPath.validated(String(servicePath.dropFirst("artifacts/".count)))
            if action == .upload && path.isEmpty { throw MLflowError.invalidParameter("Invalid path") }
            return .request(ArtifactProxyRequest(action: action, path: path, fields: nil))
        }
        for action in [MultipartAction.create, .complete, .abort] where servicePath.hasPrefix("mpu/\(action.rawValue)/") {
            guard request.method == "POST" else { return .methodNotAllowed(["POST"]) }
            let directory = try ArtifactPath.validated(String(servicePath.dropFirst("mpu/\(action.rawValue)/".count)))
            let fields = try RequestFields.from(request)
            let name = try ArtifactPath.validated(try fields.requiredString("path"))
            return .request(ArtifactProxyRequest(action: .multipart(action), path: ArtifactPath.join(directory, name),
                                                 fields: fields))
        }
        return .notFound
    }
}
