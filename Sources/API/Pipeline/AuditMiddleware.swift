import TrackingCore

/// The audit log (docs/AUDIT.md): when the log fails closed and cannot take records, nothing runs
/// (503, but `/metrics`, how an operator sees it failing); every answered request is submitted,
/// and one whose record could not be queued is answered 503 (it may have taken effect).
struct AuditMiddleware: APIMiddleware {
    let audit: APIAudit

    func respond(to exchange: inout APIExchange, next: (inout APIExchange) -> HTTPResponse) -> HTTPResponse {
        let gated = exchange.request.path != "/metrics"
        var response: HTTPResponse
        if gated, !audit.sink.admits() {
            response = MLflowError.auditUnavailable(carriedOut: false).response
        } else {
            response = next(&exchange)
        }
        let outcome = APIAudit.Outcome(template: exchange.template, caller: exchange.caller, response: response,
                                       authMethod: exchange.authMethod, fields: try? exchange.routed?.fields(),
                                       parameters: exchange.routed?.parameters)
        if audit.submit(exchange.request, outcome, requestId: exchange.requestId, elapsed: exchange.elapsed) == .refused,
           gated {
            response = MLflowError.auditUnavailable(carriedOut: true).response
        }
        return response
    }
}
