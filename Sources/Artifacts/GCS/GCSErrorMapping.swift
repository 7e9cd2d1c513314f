import Foundation
import OutboundHTTP
import TrackingCore

/// Turns a GCS error answer (`{"error": {"code", "message", "errors": [{"reason"}]}}`) into an
/// `MLflowError` carrying GCS's own reason and message.
enum GCSErrorMapping {
    static func error(for response: HTTPClientResponse, operation: String, object: String) -> MLflowError {
        let detail = try? JSONDecoder().decode(ErrorDocument.self, from: Data(response.body)).error
        let reason = detail?.errors?.first?.reason ?? defaultReason(status: response.status)
        let text = detail?.message ?? "HTTP \(response.status)"
        let message = "GCS \(operation) '\(object)' failed: \(reason): \(text)"
        switch response.status {
        case 404: return MLflowError(.resourceDoesNotExist, message)
        case 401, 403: return MLflowError(.permissionDenied, message)
        case 400, 411, 412, 413: return MLflowError(.invalidParameterValue, message)
        case 408, 429, 500, 502, 503, 504: return MLflowError(.temporarilyUnavailable, message)
        case 501: return MLflowError(.notImplemented, message)
        default: return MLflowError(.internalError, message)
        }
    }

    /// Emulators and proxies may answer with no body: name the status the way GCS would.
    private static func defaultReason(status: Int) -> String {
        switch status {
        case 404: return "notFound"
        case 401: return "required"
        case 403: return "forbidden"
        case 429: return "rateLimitExceeded"
        default: return "HTTP\(status)"
        }
    }

    private struct ErrorDocument: Decodable {
        struct Detail: Decodable {
            struct Item: Decodable { var reason: String? }
            var message: String?
            var errors: [Item]?
        }
        var error: Detail?
    }
}
