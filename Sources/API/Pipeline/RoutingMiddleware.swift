/// Finds where the request goes, without running anything: the artifact proxy by prefix, GraphQL,
/// or the router's route (whose template names the request from here on). The path is normalised
/// here first (`RequestPath`), so every later stage reads the path the route was matched on.
struct RoutingMiddleware: APIMiddleware {
    let router: Router

    func respond(to exchange: inout APIExchange, next: (inout APIExchange) -> HTTPResponse) -> HTTPResponse {
        exchange.request = RequestPath.normalized(exchange.request)
        let destination = APIDestination(of: exchange.request, router: router)
        exchange.destination = destination
        if let template = destination.template(path: exchange.request.path) { exchange.template = template }
        return next(&exchange)
    }
}
