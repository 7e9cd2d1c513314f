/// The client's own address and scheme, from trusted proxies only, first of all (the logs, the
/// throttle and the audit see them); HSTS on the way back.
struct TransportMiddleware: APIMiddleware {
    let transport: TransportSecurity

    func respond(to exchange: inout APIExchange, next: (inout APIExchange) -> HTTPResponse) -> HTTPResponse {
        exchange.secure = transport.resolve(&exchange.request)
        var response = next(&exchange)
        transport.decorate(&response, secure: exchange.secure)
        return response
    }
}

/// `--require-https`: plain HTTP is refused (after the records stages, so the refusal is counted
/// and audited).
struct InsecureRefusalMiddleware: APIMiddleware {
    let transport: TransportSecurity

    func respond(to exchange: inout APIExchange, next: (inout APIExchange) -> HTTPResponse) -> HTTPResponse {
        if let refusal = transport.refusal(path: exchange.request.path, secure: exchange.secure) {
            exchange.template = "insecure"
            return refusal
        }
        return next(&exchange)
    }
}
