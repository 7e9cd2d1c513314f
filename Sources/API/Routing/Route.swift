import HTTPTransport
import JSON
import TrackingCore

/// A handler: it reads the request and answers, throwing `MLflowError` for MLflow-style failures.
typealias RouteHandler = @Sendable (RouteRequest) throws -> HTTPResponse

/// One endpoint: a method, a path below the API prefix (e.g. `/mlflow/runs/get`), the access rule
/// a caller must pass (declared here, beside the handler, and read from the same `RouteRequest`),
/// and the handler.
struct Route: Sendable {
    let method: String
    let path: String
    let access: AccessRule
    /// The handler renames or deletes what users' grants are keyed by (a registered model's name):
    /// the dispatcher reads the grant watermark before it runs, so only the grants that stood
    /// before the change follow it (`AccessControl.afterSuccess`).
    let movesGrants: Bool
    /// The fields are the query string's whatever the method (the UI's upload-artifact sends its
    /// run and path there and the file as the raw body), for the rule and the handler alike.
    let fieldsFromQuery: Bool
    let handler: RouteHandler

    init(_ method: String, _ path: String, access: AccessRule, movesGrants: Bool = false,
         fieldsFromQuery: Bool = false, _ handler: @escaping RouteHandler) {
        self.method = method
        self.path = path
        self.access = access
        self.movesGrants = movesGrants
        self.fieldsFromQuery = fieldsFromQuery
        self.handler = handler
    }

    /// The same route under another path (a prefix added).
    func at(_ path: String) -> Route {
        Route(method, path, access: access, movesGrants: movesGrants, fieldsFromQuery: fieldsFromQuery, handler)
    }
}

/// A JSON answer with status 200.
func jsonResponse(_ value: JSONValue) -> HTTPResponse {
    .json(JSONWriter.bytes(value))
}

/// The empty response message `{}`.
let emptyJSONResponse = HTTPResponse.json(Array("{}".utf8))
