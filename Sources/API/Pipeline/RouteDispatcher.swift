import Auth
import HTTPTransport
import TrackingCore

/// The pipeline's endpoint: runs what the earlier stages let through. A route's request is read
/// once (`RouteRequest`); with access control on, the route's declared rule (and the promotion
/// policy) is checked on that reading, the handler gets the same value, and after a success the
/// creator's grants are updated and the registry's events published. Every failure becomes
/// MLflow's JSON error.
struct RouteDispatcher: Sendable {
    let router: Router
    let artifactProxy: ArtifactProxyRoutes
    let artifactsOnly: Bool
    let access: AccessControl?
    let graphQL: GraphQLEndpoint
    /// Sends the registry's events to the webhooks subscribed to them (nil: no webhooks).
    let registryEvents: RegistryEventPublisher?
    let logError: @Sendable (String) -> Void

    func respond(to exchange: inout APIExchange) -> HTTPResponse {
        let request = exchange.request
        let caller = exchange.caller
        var template = exchange.template
        var routed: RouteRequest?
        var artifactOwners: [String] = []
        let destination = exchange.destination
        let response = respond(to: request) {
            switch destination {
            case .artifactProxy(let servicePath)?:
                switch try ArtifactProxyRequest.parse(request, servicePath: servicePath) {
                case .request(let proxied):
                    if let access {
                        guard let caller else { throw AccessControl.denied("the artifact proxy needs a signed-in caller.") }
                        artifactOwners = try access.authorizeArtifact(caller, proxied)
                    }
                    return try artifactProxy.handle(proxied, request)
                case .methodNotAllowed(let allowed):
                    return FlaskErrorPages.methodNotAllowed(allowed: allowed)
                case .notFound:
                    template = "unmatched"
                    return try unmatched(caller)
                }
            case .graphQL?:
                try refuseWhenArtifactsOnly(request)
                return try graphQL.handle(request) { inner in
                    respond(to: inner) { try dispatch(inner, caller: caller) }
                }
            case .routed(.notFound)?, nil:
                return try unmatched(caller)
            case .routed(.methodNotAllowed(let allowed))?:
                return FlaskErrorPages.methodNotAllowed(allowed: allowed)
            case .routed(.route(let route, let matched))?:
                template = matched
                try refuseWhenArtifactsOnly(request)
                let reading = RouteRequest(request, template: matched, caller: caller,
                                           fieldsFromQuery: route.fieldsFromQuery)
                routed = reading
                return try run(route, reading, afterwards: true)
            }
        }
        exchange.template = template
        exchange.routed = routed
        exchange.artifactOwners = artifactOwners
        return response
    }

    /// No route: a non-admin learns nothing about which paths exist (403), others get Flask's 404.
    private func unmatched(_ caller: AuthUser?) throws -> HTTPResponse {
        if let caller, !caller.isAdmin { throw AccessControl.denied("no such route for non-admins.") }
        return FlaskErrorPages.notFound
    }

    /// Checks the route's rule on the one reading of the request (when access control is on), runs
    /// the handler with the same value, then (`afterwards`) updates grants and publishes events.
    private func run(_ route: Route, _ reading: RouteRequest, afterwards: Bool) throws -> HTTPResponse {
        var request = reading
        var grantWatermark: Int64?
        if let access {
            if let caller = request.caller {
                try access.authorize(caller, route.access, request)
                if route.movesGrants { grantWatermark = try access.failingClosed { try access.grantWatermark() } }
                request.approveRollback = { name, plan in
                    try access.failingClosed { try access.approveRollback(caller, name: name, plan: plan) }
                }
                request.approveMove = { move in try access.failingClosed { try access.approveMove(caller, move) } }
                request.requireGovernance = { action in
                    try access.failingClosed { try access.requireGovernance(caller, action) }
                }
                request.approveUnseal = { version in try access.failingClosed { try access.approveUnseal(caller, version) } }
            } else if case .publicRoute = route.access {
            } else {
                // Unreachable through the pipeline (it signs in first); fails closed if a path ever gets here.
                throw AccessControl.denied("\(request.method) \(request.path) needs a signed-in caller.")
            }
        }
        let response = try route.handler(request)
        guard afterwards, response.status < 400 else { return response }
        if let access, let caller = request.caller {
            do {
                try access.afterSuccess(caller, events: request.events.all, grantWatermark: grantWatermark)
            } catch {
                logError("\(request.method) \(request.path): updating grants after success failed: \(error)")
            }
        }
        registryEvents?.publish(request.events.registryChanges)
        return response
    }

    /// With `--artifacts-only`, every route but the artifact proxy and the server's own answers 503.
    private func refuseWhenArtifactsOnly(_ request: HTTPRequest) throws {
        if artifactsOnly && request.path != "/health" && request.path != "/version" && request.path != "/metrics" {
            throw MLflowError(.temporarilyUnavailable, "Endpoint: \(request.path) disabled due to the mlflow "
                + "server running in `--artifacts-only` mode. To enable tracking server functionality, run "
                + "`mlflow server` without `--artifacts-only`")
        }
    }

    /// A REST read made for `caller` inside another request (GraphQL's fields): routed and checked by
    /// the same rules as a request of their own, but neither audited nor counted apart from the outer one.
    private func dispatch(_ request: HTTPRequest, caller: AuthUser?) throws -> HTTPResponse {
        guard case .route(let route, let matched) = router.match(method: request.method, path: request.path) else {
            return FlaskErrorPages.notFound
        }
        return try run(route, RouteRequest(request, template: matched, caller: caller,
                                           fieldsFromQuery: route.fieldsFromQuery), afterwards: false)
    }

    /// Runs `body`, turning thrown errors into MLflow's JSON error response.
    private func respond(to request: HTTPRequest, _ body: () throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try body()
        } catch let error as MLflowError {
            if error.code.httpStatus >= 500 { logError("\(request.method) \(request.path): \(error)") }
            return error.response
        } catch let later as RetryLater {
            var response = later.error.response
            response.headers.append((name: "Retry-After", value: String(later.seconds)))
            return response
        } catch {
            logError("\(request.method) \(request.path): \(error)")
            return MLflowError.internalError("Internal error: \(error)").response
        }
    }
}
