/// Counts the request in flight and in the series, writes its log line, and names it by
/// `X-Request-Id` in the answer.
struct ObservationMiddleware: APIMiddleware {
    let observability: APIObservability?

    func respond(to exchange: inout APIExchange, next: (inout APIExchange) -> HTTPResponse) -> HTTPResponse {
        observability?.metrics.inFlight.add(1)
        var response = next(&exchange)
        observability?.metrics.inFlight.add(-1)
        response.headers.append((name: "X-Request-Id", value: exchange.requestId))
        let elapsed = exchange.elapsed
        observability?.record(request: exchange.request, template: exchange.template, user: exchange.caller?.username,
                              response: response, requestId: exchange.requestId,
                              seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        return response
    }
}
