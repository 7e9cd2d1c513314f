import HTTPTransport
import Testing
@testable import API

@Suite struct RouterPatternTests {
    private func router() -> Router {
        let answer: (String) -> RouteHandler = { text in { _ in .json(Array(text.utf8)) } }
        return Router(routes: [
            Route("GET", "/mlflow/things/list", access: .signedIn, answer("list")),
            Route("POST", "/mlflow/things", access: .signedIn, answer("create")),
            Route("GET", "/mlflow/things/{id}", access: .signedIn) { request in
                .json(Array("get \(request.parameters["id"] ?? "?")".utf8))
            },
            Route("DELETE", "/mlflow/things/{id}", access: .signedIn, answer("delete")),
            Route("DELETE", "/mlflow/things/{id}/tags/{key}", access: .signedIn) { request in
                .json(Array("\(request.parameters["id"] ?? "?")/\(request.parameters["key"] ?? "?")".utf8))
            },
        ], prefixes: ["/api/2.0", "/ajax-api/2.0"])
    }

    private func body(_ match: Router.Match, _ request: HTTPRequest) throws -> String? {
        guard case .route(let route, let template) = match else { return nil }
        return String(decoding: try route.handler(RouteRequest(request, template: template)).body, as: UTF8.self)
    }

    @Test func exactBeforePatternAndParametersPassed() throws {
        let router = router()
        for (method, path, expected) in [
            ("GET", "/api/2.0/mlflow/things/list", "list"),
            ("GET", "/ajax-api/2.0/mlflow/things/m-7", "get m-7"),
            ("HEAD", "/api/2.0/mlflow/things/m-7", "get m-7"),
            ("DELETE", "/api/2.0/mlflow/things/list", "delete"),
            ("DELETE", "/api/2.0/mlflow/things/m-1/tags/a b", "m-1/a b"),
            ("POST", "/api/2.0/mlflow/things", "create"),
        ] {
            let request = HTTPRequest(method: method, target: path)
            #expect(try body(router.match(method: method, path: request.path), request) == expected, "\(method) \(path)")
        }
    }

    @Test func unknownPathsAndWrongMethods() {
        let router = router()
        for path in ["/api/2.0/mlflow/things/a/b", "/api/2.0/mlflow/things/", "/api/2.0/mlflow/nope", "/mlflow/things/x",
                     "/api/2.0/mlflow/things/x/tags/"] {
            guard case .notFound = router.match(method: "GET", path: path) else {
                Issue.record("expected 404 for \(path)")
                continue
            }
        }
        guard case .methodNotAllowed(let allowed) = router.match(method: "PUT", path: "/api/2.0/mlflow/things/x") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["DELETE", "GET"])
        guard case .methodNotAllowed(let both) = router.match(method: "POST", path: "/api/2.0/mlflow/things/list") else {
            Issue.record("expected 405")
            return
        }
        #expect(both == ["DELETE", "GET"])
    }
}
