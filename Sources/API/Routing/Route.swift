import HTTPServer
import JSON
import TrackingCore

/// A handler: it reads the request and answers, throwing `MLflowError` for MLflow-style failures.
typealias RouteHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// One endpoint: a method and a path below the API prefix (e.g. `/mlflow/runs/get`).
struct Route: Sendable {
    let method: String
    let path: String
    let handler: RouteHandler

    init(_ method: String, _ path: String, _ handler: @escaping RouteHandler) {
        self.method = method
        self.path = path
        self.handler = handler
    }
}

/// A JSON answer with status 200.
func jsonResponse(_ value: JSONValue) -> HTTPResponse {
    .json(JSONWriter.bytes(value))
}

/// The empty response message `{}`.
let emptyJSONResponse = HTTPResponse.json(Array("{}".utf8))
