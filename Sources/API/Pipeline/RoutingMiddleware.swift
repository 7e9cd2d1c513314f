/// Finds where the request goes, without running anything: the artifact proxy by prefix, GraphQL,
/// or the router's route (whose template names the request from here on).
struct RoutingMiddleware: APIMiddleware {
    let router: Router

    func respond(to exchange: inout APIExchange, next: (inout APIExchange) -> HTTPResponse) -> HTTPResponse {
        let path = exchange.request.path
        if let servicePath = ArtifactProxyRoutes.servicePath(of: path) {
            exchange.destination = .artifactProxy(servicePath: servicePath)
            exchange.template = ArtifactProxyRoutes.template(of: path, servicePath: servicePath)
        } else if path == GraphQLEndpoint.path {
            exchange.destination = .graphQL
            exchange.template = GraphQLEndpoint.template
        } else {
            let match = router.match(method: exchange.request.method, path: path)
            exchange.destination = .routed(match)
            if case .route(_, let template) = match { exchange.template = template }
        }
        return next(&exchange)
    }
}
