import Artifacts
import Auth
import HTTPTransport
import JSON
import Observability
import Storage
import TrackingCore
import Webhooks

/// The HTTP face of Swiftrack: routes MLflow's REST API (and its `/ajax-api` twin) to handlers
/// and turns every failure into MLflow's JSON error shape.
public struct MLflowAPI: HTTPHandler {
    private let router: Router
    private let artifactProxy: ArtifactProxyRoutes
    private let artifacts: ArtifactService
    private let artifactsOnly: Bool
    private let observability: APIObservability?
    private let access: AccessControl?
    private let audit: APIAudit?
    private let transport: TransportSecurity
    private let ui: (any WebSite)?
    private let graphQL = GraphQLEndpoint()
    private let logError: @Sendable (String) -> Void
    /// Sends the registry's events to the webhooks subscribed to them (nil: no webhooks).
    private let registryEvents: RegistryEventPublisher?

    /// `artifactsOnly` serves the artifact proxy alone (`--artifacts-only`): other API routes answer 503.
    /// With `access`, requests need credentials, pass its rules, and searches answer what the caller may read.
    /// `transport` says which proxies to believe, whether HTTPS is required, and the HSTS header.
    /// With `audit`, every request's record goes to that sink (`docs/AUDIT.md`).
    /// `ui` answers `/` and `/static-files/...` (the built-in UI, MLflow's, or none).
    public init(store: any TrackingStore, version: String, artifacts: ArtifactService = .localOnly,
                artifactsOnly: Bool = false, observability: APIObservability? = nil,
                access: AccessControl? = nil, transport: TransportSecurity = .none, audit: (any AuditSink)? = nil,
                ui: (any WebSite)? = nil, webhooks: WebhookService? = nil,
                logError: @escaping @Sendable (String) -> Void = { _ in }) {
        self.init(store: store, version: version, artifacts: artifacts, artifactsOnly: artifactsOnly,
                  observability: observability, access: access, visibility: access, transport: transport, audit: audit,
                  ui: ui, webhooks: webhooks, logError: logError)
    }

    /// `visibility` narrows the searches to what each caller may read (tests pass a stand-in).
    init(store: any TrackingStore, version: String, artifacts: ArtifactService = .localOnly,
         artifactsOnly: Bool = false, observability: APIObservability? = nil, access: AccessControl? = nil,
         visibility: (any SearchVisibility)?, transport: TransportSecurity = .none, audit: (any AuditSink)? = nil,
         ui: (any WebSite)? = nil, webhooks: WebhookService? = nil,
         logError: @escaping @Sendable (String) -> Void = { _ in }) {
        self.ui = ui
        let registry = (store as? any RegistryStoreProviding)?.registryStore
        self.registryEvents = webhooks.map { service in
            RegistryEventPublisher(isPromptModel: { name in
                guard let model = try? registry?.getRegisteredModel(name: name) else { return false }
                return model.tags.last { $0.key == RegistryEventPublisher.isPromptKey }?.value.lowercased() == "true"
            }, publish: { service.dispatcher.publish($0, data: $1) })
        }
        let events = APIEvents(observability?.metrics)
        let apiRoutes = ExperimentRoutes(store: store, visibility: visibility).routes
            + RunRoutes(store: store, events: events, visibility: visibility).routes
            + LoggingRoutes(store: store, events: events).routes
            + MetricRoutes(store: store).routes
            + ((store as? any LoggedModelStore).map { LoggedModelRoutes(store: $0, visibility: visibility).routes } ?? [])
            + RegistryRoutes(store: store, visibility: visibility).routes
            + ArtifactListRoutes(store: store, artifacts: artifacts).routes
            + (webhooks.map { WebhookRoutes(service: $0).routes } ?? [])
            + (access.map { UserRoutes(access: $0).version2 + GroupRoutes(access: $0).routes } ?? [])
        let version3 = access.map { UserRoutes(access: $0).version3 + RoleRoutes(access: $0).routes } ?? []
        let router = Router(routes: apiRoutes, prefixes: ["/api/2.0", "/ajax-api/2.0"])
        self.router = Router(merging: router, with: ServerInfoRoutes(
            version: version, metrics: observability?.servesMetricsRoute == true ? observability?.metrics : nil).routes
            + UICompanionRoutes().routes
            + DatasetSummaryRoutes(store: store, visibility: visibility).routes
            + RunArtifactDownloadRoutes(store: store, artifacts: artifacts).routes
            + ((store as? any RegistryStoreProviding).map {
                ModelVersionArtifactDownloadRoutes(registry: $0.registryStore, tracking: store, artifacts: artifacts).routes
            } ?? [])
            + (access?.browser.map { OIDCLoginRoutes(signIn: $0).routes } ?? [])
            + ["/api/3.0", "/ajax-api/3.0"].flatMap { prefix in
                version3.map { $0.at(prefix + $0.path) }
            })
        self.access = access
        self.transport = transport
        self.audit = audit.map { APIAudit(sink: $0, roles: access.map { AuditRoleCache(store: $0.store) }) }
        self.observability = observability
        self.artifactProxy = ArtifactProxyRoutes(service: artifacts)
        self.artifacts = artifacts
        self.artifactsOnly = artifactsOnly
        self.logError = logError
    }

    public func handle(_ incoming: HTTPTransport.HTTPRequest) -> HTTPTransport.HTTPResponse {
        answer(incoming, refused: nil)
    }

    /// Answers a request, or (`refused`) the refusal its admission decided, with the same request id,
    /// metrics, logs and audit record either way.
    private func answer(_ incoming: HTTPRequest, refused: AccessRefusal?) -> HTTPResponse {
        var request = incoming
        // The client's own address and scheme first: the logs, the throttle and the audit see them.
        let secure = transport.resolve(&request)
        let requestId = RequestID.resolve(request.header("x-request-id"))
        let started = ContinuousClock.now
        observability?.metrics.inFlight.add(1)
        var outcome: APIAudit.Outcome
        // Fail closed spares /metrics, which is how an operator sees the audit database failing.
        let auditGate = audit.flatMap { request.path == "/metrics" ? nil : $0 }
        if let auditGate, !auditGate.sink.admits() {
            outcome = APIAudit.Outcome(template: template(of: request), caller: nil,
                                       response: MLflowError.auditUnavailable(carriedOut: false).response)
        } else {
            outcome = route(request, secure: secure, refused: refused)
        }
        observability?.metrics.inFlight.add(-1)
        let elapsed = ContinuousClock.now - started
        if let audit, audit.submit(request, outcome, requestId: requestId, elapsed: elapsed) == .refused, auditGate != nil {
            outcome.response = MLflowError.auditUnavailable(carriedOut: true).response
        }
        outcome.response.headers.append((name: "X-Request-Id", value: requestId))
        observability?.record(request: request, template: outcome.template, user: outcome.caller?.username,
                              response: outcome.response, requestId: requestId,
                              seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        transport.decorate(&outcome.response, secure: secure)
        return outcome.response
    }

    /// The UI file a GET names, whether it may be fetched before signing in (scripts and styles
    /// always; the page when the UI signs in itself), and how to answer it.
    private func uiFile(_ request: HTTPRequest) -> (public: Bool, serve: () -> HTTPResponse?)? {
        guard let ui, request.method == "GET" || request.method == "HEAD",
              let name = WebSitePath.resolve(request.path) else { return nil }
        return (name != "index.html" || ui.pageIsPublic, { ui.file(name, request: request) })
    }

    /// The route template `request` would match, without running anything (for a refused request's record).
    private func template(of request: HTTPRequest) -> String {
        if case .route(_, let matched) = router.match(method: request.method, path: request.path) { return matched }
        return "unmatched"
    }

    /// Where a request goes: the artifact proxy (matched by prefix), GraphQL, or a route of the router.
    private enum Destination {
        case artifactProxy(servicePath: Substring)
        case graphQL
        case routed(Router.Match)

        /// Only a route declared public is answered without signing in.
        var isPublic: Bool {
            if case .routed(.route(let route, _)) = self, case .publicRoute = route.access { return true }
            return false
        }
    }

    private func destination(of request: HTTPRequest) -> Destination {
        if let servicePath = ArtifactProxyRoutes.servicePath(of: request.path) { return .artifactProxy(servicePath: servicePath) }
        if request.path == GraphQLEndpoint.path { return .graphQL }
        return .routed(router.match(method: request.method, path: request.path))
    }

    /// Answers `request`; also names the route template that matched (the metrics label) and the
    /// signed-in user (for the request and audit logs). With access control on, every request but a
    /// public route's is signed in first, and every route's declared rule is checked on the same
    /// `RouteRequest` its handler then receives.
    private func route(_ request: HTTPRequest, secure: Bool, refused: AccessRefusal? = nil) -> APIAudit.Outcome {
        if let refusal = transport.refusal(path: request.path, secure: secure) {
            return APIAudit.Outcome(template: "insecure", caller: nil, response: refusal)
        }
        var request = request
        var caller: AuthUser?
        var method: String?
        let page = uiFile(request)
        if let page, page.public || access == nil, let response = page.serve() {
            return APIAudit.Outcome(template: "ui", caller: nil, response: response)
        }
        let destination = destination(of: request)
        if let access, page != nil || !destination.isPublic {
            switch refused.map({ .failure($0) }) ?? access.authenticate(request) {
            case .failure(let refusal):
                let response = UISignIn.adapt(refusal.response, to: request, browserSignIn: access.browser != nil)
                return APIAudit.Outcome(template: "unauthenticated", caller: nil, response: response)
            case .success(let signIn):
                caller = signIn.user
                method = signIn.method
                request.user = signIn.user.username
            }
        }
        if let page, let response = page.serve() {   // MLflow's page, after signing in
            var outcome = APIAudit.Outcome(template: "ui", caller: caller, response: response)
            outcome.authMethod = method
            return outcome
        }
        var template = "unmatched"
        let signedIn = request
        let response = respond(to: request) {
            switch destination {
            case .artifactProxy(let servicePath):
                template = ArtifactProxyRoutes.template(of: signedIn.path, servicePath: servicePath)
                switch try ArtifactProxyRequest.parse(signedIn, servicePath: servicePath) {
                case .request(let proxied):
                    if let access {
                        guard let caller else { throw AccessControl.denied("the artifact proxy needs a signed-in caller.") }
                        try access.authorizeArtifact(caller, proxied)
                    }
                    return try artifactProxy.handle(proxied, signedIn)
                case .methodNotAllowed(let allowed):
                    return FlaskErrorPages.methodNotAllowed(allowed: allowed)
                case .notFound:
                    template = "unmatched"
                    return try unmatched(caller)
                }
            case .graphQL:
                template = GraphQLEndpoint.template
                try refuseWhenArtifactsOnly(signedIn)
                return try graphQL.handle(signedIn) { inner in
                    respond(to: inner) { try dispatch(inner, caller: caller) }
                }
            case .routed(.notFound):
                return try unmatched(caller)
            case .routed(.methodNotAllowed(let allowed)):
                return FlaskErrorPages.methodNotAllowed(allowed: allowed)
            case .routed(.route(let route, let matched)):
                template = matched
                try refuseWhenArtifactsOnly(signedIn)
                return try run(route, template: matched, signedIn, caller: caller, afterwards: true)
            }
        }
        return APIAudit.Outcome(template: template, caller: caller, response: response, authMethod: method)
    }

    /// No route: a non-admin learns nothing about which paths exist (403), others get Flask's 404.
    private func unmatched(_ caller: AuthUser?) throws -> HTTPResponse {
        if let caller, !caller.isAdmin { throw AccessControl.denied("no such route for non-admins.") }
        return FlaskErrorPages.notFound
    }

    /// Reads the request once, checks the route's rule on that reading (when access control is on),
    /// runs the handler with the same value, then (`afterwards`) updates grants and publishes events.
    private func run(_ route: Route, template: String, _ http: HTTPRequest, caller: AuthUser?,
                     afterwards: Bool) throws -> HTTPResponse {
        var request = RouteRequest(http, template: template, caller: caller)
        if let access {
            if let caller {
                try access.authorize(caller, route.access, request)
                request.approveRollback = { name, plan in try access.approveRollback(caller, name: name, plan: plan) }
            } else if case .publicRoute = route.access {
            } else {
                // Unreachable through `route` (it signs in first); fails closed if a path ever gets here.
                throw AccessControl.denied("\(http.method) \(http.path) needs a signed-in caller.")
            }
        }
        let response = try route.handler(request)
        guard afterwards, response.status < 400 else { return response }
        if let access, let caller {
            do {
                try access.afterSuccess(caller, request: request, response: response)
            } catch {
                logError("\(http.method) \(http.path): updating grants after success failed: \(error)")
            }
        }
        registryEvents?.afterSuccess(request, response: response)
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
        return try run(route, template: matched, request, caller: caller, afterwards: false)
    }

    /// Runs `body`, turning thrown errors into MLflow's JSON error response.
    private func respond(to request: HTTPRequest, _ body: () throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try body()
        } catch let error as MLflowError {
            if error.code.httpStatus >= 500 { logError("\(request.method) \(request.path): \(error)") }
            return error.response
        } catch {
            logError("\(request.method) \(request.path): \(error)")
            return MLflowError.internalError("Internal error: \(error)").response
        }
    }

    /// Bodies up to this size are read before the caller is known (the 401 comes after the body);
    /// a larger one, with access control on, only once its headers have signed the caller in.
    static let unauthenticatedBodyBytes: Int64 = 4096

    /// With access control on, a body that may exceed `unauthenticatedBodyBytes` (declared larger, or
    /// chunked) waits for `admit`: nobody makes the server hold megabytes without signing in.
    public func needsAdmission(_ head: HTTPRequestHead) -> Bool {
        guard access != nil else { return false }
        if let declared = head.header("content-length") {
            return (Int64(declared[...].trimmingWhitespace()) ?? Int64.max) > Self.unauthenticatedBodyBytes
        }
        return head.header("transfer-encoding") != nil
    }

    /// Signs the caller in from the headers before their body is read (on a worker: it may ask the
    /// auth database or a directory). A refusal is answered as `handle` would answer it (401, 429,
    /// 503), with its audit record, and the body is dropped unread; a public route or a transport
    /// refusal gets at most `unauthenticatedBodyBytes`.
    public func admit(_ head: HTTPRequestHead) -> HTTPAdmission {
        guard let access else { return .proceed(bodyDestination(for: head)) }
        var request = HTTPRequest(method: head.method,
                                  target: head.rawPath + (head.rawQuery.isEmpty ? "" : "?" + head.rawQuery),
                                  headers: head.headers)
        request.remoteAddress = head.remoteAddress
        request.isTLS = head.isTLS
        var resolved = request
        let secure = transport.resolve(&resolved)
        if transport.refusal(path: resolved.path, secure: secure) != nil || destination(of: resolved).isPublic {
            return .proceed(.boundedMemory(maxBytes: Self.unauthenticatedBodyBytes))
        }
        switch access.authenticate(resolved) {
        case .success:
            return .proceed(bodyDestination(for: head))
        case .failure(let refusal):
            return .refuse(answer(request, refused: refusal))
        }
    }

    /// Artifact uploads stream to a file in the upload directory; everything else is read into memory.
    public func bodyDestination(for head: HTTPRequestHead) -> HTTPBodyDestination {
        ArtifactProxyRoutes.isUpload(head)
            ? .file(directory: artifacts.uploadDirectory, maxBytes: artifacts.maxUploadBytes)
            : .memory
    }

    public func reject(_ rejection: HTTPRejection, request: HTTPTransport.HTTPRequest) -> HTTPTransport.HTTPResponse {
        switch rejection {
        case .bodyTooLarge(let limit):
            var response = MLflowError(.invalidParameterValue,
                                       "Request body exceeds the limit of \(limit) bytes.").response
            response.status = 413
            return response
        case .serverShuttingDown:
            return MLflowError(.temporarilyUnavailable, "The server is shutting down.").response
        case .bodyNotStored(let reason):
            logError("\(request.method) \(request.path): request body not stored: \(reason)")
            return MLflowError.internalError("The request body could not be stored.").response
        }
    }
}
