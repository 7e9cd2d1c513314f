/// An error in MLflow's vocabulary: the API layer alone turns it into a status and a JSON body.
public struct MLflowError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: ErrorCode
    public let message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func invalidParameter(_ message: String) -> MLflowError { .init(.invalidParameterValue, message) }
    public static func notFound(_ message: String) -> MLflowError { .init(.resourceDoesNotExist, message) }
    public static func alreadyExists(_ message: String) -> MLflowError { .init(.resourceAlreadyExists, message) }
    public static func internalError(_ message: String) -> MLflowError { .init(.internalError, message) }
}

/// MLflow's `ErrorCode` names (databricks.proto) with the HTTP status its server sends.
public enum ErrorCode: String, Sendable, Equatable {
    case internalError = "INTERNAL_ERROR"
    case temporarilyUnavailable = "TEMPORARILY_UNAVAILABLE"
    case badRequest = "BAD_REQUEST"
    case invalidParameterValue = "INVALID_PARAMETER_VALUE"
    case endpointNotFound = "ENDPOINT_NOT_FOUND"
    case malformedRequest = "MALFORMED_REQUEST"
    case invalidState = "INVALID_STATE"
    case permissionDenied = "PERMISSION_DENIED"
    case featureDisabled = "FEATURE_DISABLED"
    case customerUnauthorized = "CUSTOMER_UNAUTHORIZED"
    case requestLimitExceeded = "REQUEST_LIMIT_EXCEEDED"
    case resourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST"
    case resourceAlreadyExists = "RESOURCE_ALREADY_EXISTS"
    case resourceConflict = "RESOURCE_CONFLICT"
    case unauthenticated = "UNAUTHENTICATED"
    case notImplemented = "NOT_IMPLEMENTED"

    /// The status MLflow's `ERROR_CODE_TO_HTTP_STATUS` maps the code to.
    public var httpStatus: Int {
        switch self {
        case .internalError: return 500
        case .temporarilyUnavailable: return 503
        case .badRequest, .invalidParameterValue, .malformedRequest, .invalidState,
             .resourceAlreadyExists: return 400
        case .endpointNotFound, .resourceDoesNotExist: return 404
        case .permissionDenied: return 403
        case .featureDisabled: return 501
        case .customerUnauthorized, .unauthenticated: return 401
        case .requestLimitExceeded: return 429
        case .resourceConflict: return 409
        case .notImplemented: return 501
        }
    }
}
