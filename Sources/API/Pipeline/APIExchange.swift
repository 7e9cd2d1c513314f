import Auth
import HTTPTransport

/// One request on its way through the API's middlewares (`APIPipeline`): what each stage learns,
/// for the stages after it and for the request's records (metrics, log line, audit).
struct APIExchange {
    /// The request; the transport stage rewrites its client address and scheme from trusted proxies.
    var request: HTTPRequest
    let requestId: String
    let started: ContinuousClock.Instant
    /// Whether the client reached us over HTTPS (directly or through a trusted proxy).
    var secure = false
    /// Where the request goes, once the routing stage looked.
    var destination: APIDestination?
    /// The UI file the request names, if any (a GET of `/` or `/static-files/...`).
    var uiPage: UIPage?
    /// A refusal decided before the body was read (`MLflowAPI.admit`): the sign-in stage answers it.
    var decidedRefusal: AccessRefusal?
    /// An answer the transport decided while reading the request (its body too large or not stored,
    /// the server shutting down): given once the caller signed in, so its records name them.
    var transportRejection: HTTPResponse?
    var caller: AuthUser?
    /// How the caller signed in (`basic`, `ldap`, `oidc`, `session`).
    var authMethod: String?
    /// The metrics label and audit route: the matched template, or what the request was refused as.
    var template = "unmatched"
    /// The route's one reading of the request, once a route ran (the audit record reads its fields).
    var routed: RouteRequest?
    /// The experiments an artifact proxy path belongs to, as its access check found them.
    var artifactOwners: [String] = []

    init(_ request: HTTPRequest, requestId: String) {
        self.request = request
        self.requestId = requestId
        self.started = ContinuousClock.now
    }

    var elapsed: Duration { ContinuousClock.now - started }
}

/// Where a request goes: the artifact proxy (matched by prefix), GraphQL, or a route of the router.
enum APIDestination {
    case artifactProxy(servicePath: Substring)
    case graphQL
    case routed(Router.Match)

    /// Where `request` goes: the artifact proxy by prefix, GraphQL, or what the router matches.
    init(of request: HTTPRequest, router: Router) {
        if let servicePath = ArtifactProxyRoutes.servicePath(of: request.path) {
            self = .artifactProxy(servicePath: servicePath)
        } else if request.path == GraphQLEndpoint.path {
            self = .graphQL
        } else {
            self = .routed(router.match(method: request.method, path: request.path))
        }
    }

    /// The metrics label and audit route it names: the proxy's action, GraphQL's, the matched template.
    func template(path: String) -> String? {
        switch self {
        case .artifactProxy(let servicePath): return ArtifactProxyRoutes.template(of: path, servicePath: servicePath)
        case .graphQL: return GraphQLEndpoint.template
        case .routed(.route(_, let template)): return template
        case .routed: return nil
        }
    }

    /// Only a route declared public is answered without signing in.
    var isPublic: Bool {
        if case .routed(.route(let route, _)) = self, case .publicRoute = route.access { return true }
        return false
    }
}

/// A UI file a GET names: whether it may be fetched before signing in, and how to answer it.
struct UIPage {
    let isPublic: Bool
    let serve: () -> HTTPResponse?
}
