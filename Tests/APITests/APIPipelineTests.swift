import Auth
import Foundation
import HTTPTransport
import Testing
@testable import API

/// The API's request path as stages, each tried alone with a `next` that records whether it ran.
@Suite("API pipeline: each stage alone")
struct APIPipelineTests {
    private struct Tag: APIMiddleware {
        let name: String
        let trail: Trail

        func respond(to exchange: inout APIExchange, next: (inout APIExchange) -> HTTPResponse) -> HTTPResponse {
            trail.append(name)
            var response = next(&exchange)
            response.headers.append((name: "X-Stage", value: name))
            return response
        }
    }

    /// What ran, in order (stages run on one thread; the box only satisfies Sendable).
    private final class Trail: @unchecked Sendable {
        var names: [String] = []
        func append(_ name: String) { names.append(name) }
    }

    private func exchange(_ target: String, method: String = "GET", headers: [(name: String, value: String)] = [])
        -> APIExchange {
        APIExchange(HTTPRequest(method: method, target: target, headers: headers), requestId: "r-1")
    }

    private let reached = HTTPResponse.text("endpoint")

    @Test func stagesRunInOrderAndSeeTheAnswerOnTheWayBack() {
        let trail = Trail()
        let pipeline = APIPipeline(stages: [Tag(name: "a", trail: trail), Tag(name: "b", trail: trail)]) { _ in
            trail.append("endpoint")
            return .text("done")
        }
        var request = exchange("/x")
        let response = pipeline.respond(to: &request)
        #expect(trail.names == ["a", "b", "endpoint"])
        #expect(response.headers.filter { $0.name == "X-Stage" }.map(\.value) == ["b", "a"])
    }

    @Test func routingNamesTheTemplateAndTheDestination() {
        let router = Router(routes: [Route("GET", "/mlflow/things/{id}", access: .signedIn) { _ in .text("t") }],
                            prefixes: ["/api/2.0"])
        var routed = exchange("/api/2.0/mlflow/things/7")
        _ = RoutingMiddleware(router: router).respond(to: &routed) { _ in reached }
        #expect(routed.template == "/api/2.0/mlflow/things/{id}")
        var proxied = exchange("/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/f", method: "PUT")
        _ = RoutingMiddleware(router: router).respond(to: &proxied) { _ in reached }
        #expect(proxied.template == "/api/2.0/mlflow-artifacts/artifacts/{path}")
        guard case .artifactProxy? = proxied.destination else {
            Issue.record("the proxy was not recognised")
            return
        }
    }

    @Test func repeatedSlashesCollapseBeforeRoutingAndLaterStagesSeeTheCollapsedPath() throws {
        let router = Router(routes: [Route("GET", "/mlflow/things/{id}", access: .signedIn) { request in
            .text(request.parameters["id"] ?? "?")
        }], prefixes: ["/api/2.0"])
        var routed = exchange("//api/2.0//mlflow///things/7%2F%2F?x=1")
        var seen: HTTPRequest?
        _ = RoutingMiddleware(router: router).respond(to: &routed) { inner in seen = inner.request; return reached }
        // The decoded `//` stays: as before, a decoded slash inside a segment matches no `{id}`.
        #expect(routed.template == "unmatched")
        var plain = exchange("/api/2.0//mlflow/things//7")
        _ = RoutingMiddleware(router: router).respond(to: &plain) { _ in reached }
        #expect(plain.template == "/api/2.0/mlflow/things/{id}")
        #expect(plain.request.path == "/api/2.0/mlflow/things/7")
        // The access rule, the handler and the audit record read this request: the collapsed one.
        #expect(seen?.rawPath == "/api/2.0/mlflow/things/7%2F%2F")
        #expect(seen?.path == "/api/2.0/mlflow/things/7//")
        #expect(seen?.rawQuery == "x=1")
        // Encoded slashes are data: `a%2F%2Fb` is one segment, not collapsed and not a separator.
        #expect(RequestPath.collapsingRepeatedSlashes("/a%2F%2F//b//") == "/a%2F%2F/b/")
        #expect(RequestPath.collapsingRepeatedSlashes("/plain/path") == "/plain/path")
        var proxied = exchange("/api/2.0//mlflow-artifacts/artifacts//1/r/artifacts/f", method: "PUT")
        _ = RoutingMiddleware(router: router).respond(to: &proxied) { _ in reached }
        #expect(proxied.request.path == "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/f")
        guard case .artifactProxy(let servicePath)? = proxied.destination else {
            Issue.record("the proxy was not recognised behind doubled slashes")
            return
        }
        #expect(servicePath == "artifacts/1/r/artifacts/f")
    }

    @Test func plainHTTPIsRefusedBeforeAnythingRunsWhenHTTPSIsRequired() {
        let stage = InsecureRefusalMiddleware(transport: TransportSecurity(requireHTTPS: true))
        var plain = exchange("/api/2.0/mlflow/experiments/search")
        var ran = false
        let response = stage.respond(to: &plain) { _ in ran = true; return reached }
        #expect(response.status == 403)
        #expect(!ran)
        #expect(plain.template == "insecure")
        var health = exchange("/health")
        _ = stage.respond(to: &health) { _ in ran = true; return reached }
        #expect(ran)
    }

    @Test func signInAnswersADecidedRefusalAndLetsOnlyPublicRoutesPassUnsigned() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        let access = AccessControl(store: harness.auth, defaultPermission: .read, stores: APIStores(harness.store))
        let stage = SignInMiddleware(access: access, ui: nil)
        let publicRoute = Route("GET", "/health", access: .publicRoute) { _ in reached }
        let privateRoute = Route("GET", "/mlflow/x", access: .signedIn) { _ in reached }
        var ran = 0

        var open = exchange("/health")
        open.destination = .routed(.route(publicRoute, template: "/health"))
        #expect(stage.respond(to: &open) { _ in ran += 1; return reached }.status == 200)
        #expect(ran == 1 && open.caller == nil)

        var anonymous = exchange("/mlflow/x")
        anonymous.destination = .routed(.route(privateRoute, template: "/mlflow/x"))
        #expect(stage.respond(to: &anonymous) { _ in ran += 1; return reached }.status == 401)
        #expect(ran == 1 && anonymous.template == "unauthenticated")

        let token = Data("admin:\(AuthHarness.password("admin"))".utf8).base64EncodedString()
        var decided = exchange("/mlflow/x", headers: [(name: "authorization", value: "Basic \(token)")])
        decided.destination = anonymous.destination
        decided.decidedRefusal = .throttled(retryAfter: 7)
        let throttled = stage.respond(to: &decided) { _ in ran += 1; return reached }
        #expect(throttled.status == 429)
        #expect(ran == 1)

        var admin = exchange("/mlflow/x", headers: [(name: "authorization", value: "Basic \(token)")])
        admin.destination = anonymous.destination
        #expect(stage.respond(to: &admin) { _ in ran += 1; return reached }.status == 200)
        #expect(ran == 2 && admin.caller?.username == "admin" && admin.authMethod == "basic")
        #expect(admin.request.user == "admin")
    }

    @Test func observationNamesEveryAnswerByItsRequestId() {
        var request = exchange("/x")
        let response = ObservationMiddleware(observability: nil).respond(to: &request) { _ in reached }
        #expect(response.headers.contains { $0.name == "X-Request-Id" && $0.value == "r-1" })
    }
}
