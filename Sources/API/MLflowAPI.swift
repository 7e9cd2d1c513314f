import HTTPServer
import JSON
import Storage
import TrackingCore

/// The HTTP face of Swiftrack: routes MLflow's REST API (and its `/ajax-api` twin) to handlers
/// and turns every failure into MLflow's JSON error shape.
public struct MLflowAPI: HTTPHandler {
    private let router: Router
    private let logError: @Sendable (String) -> Void

    public init(store: any TrackingStore, version: String, logError: @escaping @Sendable (String) -> Void = { _ in }) {
        let apiRoutes = ExperimentRoutes(store: store).routes
            + RunRoutes(store: store).routes
            + LoggingRoutes(store: store).routes
            + MetricRoutes(store: store).routes
            + ArtifactListRoutes(store: store).routes
        let router = Router(routes: apiRoutes, prefixes: ["/api/2.0", "/ajax-api/2.0"])
        self.router = Router(merging: router, with: ServerInfoRoutes(version: version).routes)
        self.logError = logError
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch router.match(method: request.method, path: request.path) {
        case .notFound:
            return FlaskErrorPages.notFound
        case .methodNotAllowed(let allowed):
            return FlaskErrorPages.methodNotAllowed(allowed: allowed)
        case .handler(let handler):
            do {
                return try handler(request)
            } catch let error as MLflowError {
                if error.code.httpStatus >= 500 { logError("\(request.method) \(request.path): \(error)") }
                return error.response
            } catch {
                logError("\(request.method) \(request.path): \(error)")
                return MLflowError.internalError("Internal error: \(error)").response
            }
        }
    }

    public func reject(_ rejection: HTTPRejection, request: HTTPRequest) -> HTTPResponse {
        switch rejection {
        case .bodyTooLarge(let limit):
            var response = MLflowError(.invalidParameterValue,
                                       "Request body exceeds the limit of \(limit) bytes.").response
            response.status = 413
            return response
        case .serverShuttingDown:
            return MLflowError(.temporarilyUnavailable, "The server is shutting down.").response
        }
    }
}
