/// One stage of the API's request path: it may answer at once, or pass the exchange on (`next`)
/// and look at the answer on its way back. Each is small and testable alone.
protocol APIMiddleware: Sendable {
    func respond(to exchange: inout APIExchange, next: (inout APIExchange) -> HTTPResponse) -> HTTPResponse
}

/// The stages in order, then the endpoint that answers what they let through.
struct APIPipeline: Sendable {
    let stages: [any APIMiddleware]
    let endpoint: @Sendable (inout APIExchange) -> HTTPResponse

    func respond(to exchange: inout APIExchange) -> HTTPResponse {
        respond(to: &exchange, from: 0)
    }

    private func respond(to exchange: inout APIExchange, from index: Int) -> HTTPResponse {
        guard index < stages.count else { return endpoint(&exchange) }
        return stages[index].respond(to: &exchange) { exchange in respond(to: &exchange, from: index + 1) }
    }
}
