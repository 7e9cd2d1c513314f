import Artifacts
import Auth
public import HTTPTransport
import JSON
import Observability
import Storage
import TrackingCore
import Webhooks

/// The HTTP face of Swiftrack: routes MLflow's REST API (and its `/ajax-api` twin) to handlers
/// and turns every failure into MLflow's JSON error shape.
public struct MLflowAPI: HTTPHandler {
    /// The request path: transport, records, routing, audit, HTTPS, UI and sign-in, then the route.
    private let pipeline: APIPipeline
    private let router: Router
    private let artifacts: ArtifactService
    private let access: AccessControl?
    private let transport: TransportSecurity
    private let logError: @Sendable (String) -> Void

    /// Seals for protected moves: jobs on this process's worker, their seal tags to the webhooks.
    private static func sealer(registry: any RegistryStore, _ parts: APIParts,
                               _ events: RegistryEventPublisher?) -> ModelVersionSealer {
        var publish: (@Sendable ([RegistryChange]) -> Void)?
        if let events { publish = { changes in events.publish(changes) } }
        return ModelVersionSealer(registry: registry, tracking: parts.stores.tracking, artifacts: parts.artifacts,
                                  policy: parts.access?.promotion, wait: parts.sealWait, publish: publish)
    }

    public init(_ parts: APIParts) {
        let (stores, visibility, artifacts, access) = (parts.stores, parts.visibility, parts.artifacts, parts.access)
        let store = stores.tracking
        let registryEvents = parts.webhooks.map { service in
            RegistryEventPublisher(isPromptModel: { [registry = stores.registry] name in
                guard let model = try? registry?.getRegisteredModel(name: name) else { return false }
                return model.tags.last { $0.key == RegistryEventPublisher.isPromptKey }?.value.lowercased() == "true"
            }, publish: { service.dispatcher.publish($0, data: $1) })
        }
        let events = APIEvents(parts.observability?.metrics)
        let seals = SealGuard(registry: stores.registry, artifacts: artifacts,
                              mismatchObserved: { [metrics = parts.observability?.metrics] _ in
                                  metrics?.sealMismatches.increment()
                              }, copies: SealedCopyBudget(limit: parts.sealedCopyBytes))
        let apiRoutes = ExperimentRoutes(store: store, visibility: visibility).routes
            + RunRoutes(store: store, events: events, visibility: visibility).routes
            + LoggingRoutes(store: store, events: events).routes
            + MetricRoutes(store: store).routes
            + (stores.loggedModels.map { LoggedModelRoutes(store: $0, visibility: visibility).routes } ?? [])
            + (stores.registry.map {
                RegistryRoutes(registry: $0, transitionRequests: stores.transitionRequests,
                               sealer: Self.sealer(registry: $0, parts, registryEvents),
                               visibility: visibility).routes
            } ?? [])
            + ArtifactListRoutes(store: store, artifacts: artifacts).routes
            + (parts.webhooks.map { WebhookRoutes(service: $0).routes } ?? [])
            + (access.map { UserRoutes(access: $0).version2 + GroupRoutes(access: $0).routes } ?? [])
            + (stores.traces.map { TraceRoutes(store: $0, visibility: visibility).version2 } ?? [])
        let datasetRoutes: [Route] = stores.datasets.map { DatasetRoutes(store: $0, visibility: visibility).version3 } ?? []
        let scorerRoutes: [Route] = stores.scorers.map { ScorerRoutes(store: $0, visibility: visibility).version3 } ?? []
        let version3: [Route] = (access.map { UserRoutes(access: $0).version3 + RoleRoutes(access: $0).routes } ?? [])
            + (stores.traces.map { TraceRoutes(store: $0, visibility: visibility).version3 } ?? [])
            + (stores.assessments.map { AssessmentRoutes(store: $0).version3 } ?? [])
            + datasetRoutes + scorerRoutes
        let apiRouter = Router(routes: apiRoutes, prefixes: Router.version2Prefixes)
        let observability = parts.observability
        let router = Router(merging: apiRouter, with: ServerInfoRoutes(
            version: parts.version, metrics: observability?.servesMetricsRoute == true ? observability?.metrics : nil).routes
            + UICompanionRoutes().routes
            + DatasetSummaryRoutes(store: store, visibility: visibility).routes
            + RunArtifactDownloadRoutes(store: store, artifacts: artifacts, seals: seals).routes
            + RunArtifactUploadRoutes(store: store, artifacts: artifacts, seals: seals).routes
            + (stores.loggedModels.map {
                LoggedModelArtifactDownloadRoutes(store: $0, artifacts: artifacts, seals: seals).routes
            } ?? [])
            + (stores.registry.map { ModelVersionArtifactDownloadRoutes(registry: $0, tracking: store, seals: seals).routes } ?? [])
            + (stores.traces.map { TraceArtifactDownloadRoutes(store: $0, artifacts: artifacts).routes } ?? [])
            + (stores.traces.map { OTLPRoutes(store: $0, tracking: store, events: events).routes } ?? [])
            + (access?.browser.map { OIDCLoginRoutes(signIn: $0).routes } ?? [])
            + (access.map { SignupRoutes(access: $0).routes } ?? [])
            + Router.version3Prefixes.flatMap { prefix in
                version3.map { $0.at(prefix + $0.path) }
            })
        self.router = router
        self.access = access
        self.transport = parts.transport
        self.artifacts = artifacts
        self.logError = parts.logError
        let (transport, ui) = (parts.transport, parts.ui)
        var stages: [any APIMiddleware] = [TransportMiddleware(transport: transport),
                                           ObservationMiddleware(observability: observability),
                                           RoutingMiddleware(router: router)]
        if let audit = parts.audit {
            var auditStage = AuditMiddleware(audit: APIAudit(sink: audit, roles: access.map { AuditRoleCache(store: $0.store) }))
            if let traces = stores.traces {
                // A failed lookup leaves the record without an experiment; it never refuses the request.
                auditStage.traceExperiment = { traceId in (try? traces.experimentId(ofTrace: traceId)) ?? nil }
            }
            if let datasets = stores.datasets {
                auditStage.datasetExperiment = { datasetId in ((try? datasets.datasetExperimentIds(id: datasetId)) ?? nil)?.first }
            }
            stages.append(auditStage)
        }
        stages += [InsecureRefusalMiddleware(transport: transport), SignInMiddleware(access: access, ui: ui)]
        let dispatcher = RouteDispatcher(router: router, artifactProxy: ArtifactProxyRoutes(service: artifacts, seals: seals),
                                         artifactsOnly: parts.artifactsOnly, access: access, graphQL: GraphQLEndpoint(),
                                         registryEvents: registryEvents, logError: parts.logError)
        pipeline = APIPipeline(stages: stages, endpoint: { dispatcher.respond(to: &$0) })
    }

    public func handle(_ incoming: HTTPTransport.HTTPRequest) -> HTTPTransport.HTTPResponse {
        answer(incoming, refused: nil)
    }

    /// Answers a request, or (`refused`) the refusal its admission decided, through the same stages:
    /// the same request id, metrics, log line and audit record either way.
    private func answer(_ incoming: HTTPRequest, refused: AccessRefusal?) -> HTTPResponse {
        var exchange = APIExchange(incoming, requestId: RequestID.resolve(incoming.header("x-request-id")))
        exchange.decidedRefusal = refused
        return pipeline.respond(to: &exchange)
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
        var resolved = RequestPath.normalized(request)
        let secure = transport.resolve(&resolved)
        if transport.refusal(path: resolved.path, secure: secure) != nil
            || APIDestination(of: resolved, router: router).isPublic {
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

    /// The transport's refusals go through the same stages as any answer (request id, metrics, log
    /// line, audit record naming the signed-in caller); the body was never handed over.
    public func reject(_ rejection: HTTPRejection, request: HTTPTransport.HTTPRequest) -> HTTPTransport.HTTPResponse {
        let response: HTTPResponse
        switch rejection {
        case .bodyTooLarge(let limit):
            var tooLarge = MLflowError(.invalidParameterValue, "Request body exceeds the limit of \(limit) bytes.").response
            tooLarge.status = 413
            response = tooLarge
        case .serverShuttingDown:
            response = MLflowError(.temporarilyUnavailable, "The server is shutting down.").response
        case .bodyNotStored(let reason):
            logError("\(request.method) \(request.path): request body not stored: \(reason)")
            response = MLflowError.internalError("The request body could not be stored.").response
        }
        var exchange = APIExchange(request, requestId: RequestID.resolve(request.header("x-request-id")))
        exchange.transportRejection = response
        return pipeline.respond(to: &exchange)
    }
}
