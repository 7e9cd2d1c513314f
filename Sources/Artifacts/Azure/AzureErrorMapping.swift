import OutboundHTTP
import TrackingCore

/// Turns an Azure Storage error answer (`<Error><Code>…</Code><Message>…</Message></Error>`, and
/// the `x-ms-error-code` header of bodiless answers) into an `MLflowError` carrying Azure's code.
enum AzureErrorMapping {
    static func error(for response: HTTPClientResponse, operation: String, blob: String) -> MLflowError {
        let document = S3XMLElement.parse(response.body)
        let azureCode = document?.value("Code") ?? response.header("x-ms-error-code") ?? "HTTP\(response.status)"
        let azureMessage = (document?.value("Message") ?? "HTTP \(response.status)")
            .split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
        let message = "Azure \(operation) '\(blob)' failed: \(azureCode): \(azureMessage)"
        switch azureCode {
        case "BlobNotFound", "ContainerNotFound", "ResourceNotFound":
            return MLflowError(.resourceDoesNotExist, message)
        case "AuthenticationFailed", "AuthorizationFailure", "AuthorizationPermissionMismatch",
             "AuthorizationResourceTypeMismatch", "InsufficientAccountPermissions", "AccountIsDisabled":
            return MLflowError(.permissionDenied, message)
        case "InvalidBlockList", "InvalidBlockId", "InvalidBlobOrBlock", "InvalidQueryParameterValue",
             "InvalidHeaderValue", "RequestBodyTooLarge", "InvalidResourceName", "OutOfRangeInput":
            return MLflowError(.invalidParameterValue, message)
        case "ServerBusy", "OperationTimedOut", "InternalError":
            return MLflowError(.temporarilyUnavailable, message)
        default:
            switch response.status {
            case 404: return MLflowError(.resourceDoesNotExist, message)
            case 401, 403: return MLflowError(.permissionDenied, message)
            case 400, 413: return MLflowError(.invalidParameterValue, message)
            case 500, 503: return MLflowError(.temporarilyUnavailable, message)
            case 501: return MLflowError(.notImplemented, message)
            default: return MLflowError(.internalError, message)
            }
        }
    }
}
