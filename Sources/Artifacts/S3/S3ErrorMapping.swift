import OutboundHTTP
import TrackingCore

/// Turns an S3 error response into an `MLflowError` carrying S3's own code and message.
enum S3ErrorMapping {
    static func error(for response: HTTPClientResponse, operation: String, key: String) -> MLflowError {
        let document = S3XMLElement.parse(response.body)
        let s3Code = document?.value("Code") ?? defaultCode(status: response.status)
        let s3Message = document?.value("Message") ?? "HTTP \(response.status)"
        return error(s3Code: s3Code, s3Message: s3Message, status: response.status, operation: operation, key: key)
    }

    static func error(s3Code: String, s3Message: String, status: Int, operation: String, key: String) -> MLflowError {
        let message = "S3 \(operation) '\(key)' failed: \(s3Code): \(s3Message)"
        switch s3Code {
        case "NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NotFound":
            return MLflowError(.resourceDoesNotExist, message)
        case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken",
             "AllAccessDisabled", "AccountProblem":
            return MLflowError(.permissionDenied, message)
        case "InvalidPart", "InvalidPartOrder", "EntityTooSmall", "EntityTooLarge", "InvalidArgument",
             "InvalidRequest", "MalformedXML", "KeyTooLongError", "InvalidBucketName":
            return MLflowError(.invalidParameterValue, message)
        case "SlowDown", "ServiceUnavailable", "RequestTimeout", "InternalError":
            return MLflowError(.temporarilyUnavailable, message)
        case "NotImplemented":
            return MLflowError(.notImplemented, message)
        default:
            switch status {
            case 404: return MLflowError(.resourceDoesNotExist, message)
            case 401, 403: return MLflowError(.permissionDenied, message)
            case 400: return MLflowError(.invalidParameterValue, message)
            case 503: return MLflowError(.temporarilyUnavailable, message)
            default: return MLflowError(.internalError, message)
            }
        }
    }

    /// HEAD answers and some proxies send no body: name the status the way S3 would.
    private static func defaultCode(status: Int) -> String {
        switch status {
        case 404: return "NotFound"
        case 403: return "AccessDenied"
        case 503: return "ServiceUnavailable"
        default: return "HTTP\(status)"
        }
    }
}
