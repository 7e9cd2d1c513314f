import HTTPTransport

/// The UI's files and the sign-in. A UI file that may be fetched before signing in (scripts,
/// styles; the page when the UI signs in itself), or any UI file without access control, is
/// answered here. With access control on, everything else but a route declared public signs the
/// caller in first (401, 429 or 503 otherwise, as the UI's own form expects it); then the UI page.
struct SignInMiddleware: APIMiddleware {
    let access: AccessControl?
    let ui: (any WebSite)?

    func respond(to exchange: inout APIExchange, next: (inout APIExchange) -> HTTPResponse) -> HTTPResponse {
        let request = exchange.request
        if let ui, request.method == "GET" || request.method == "HEAD", let name = WebSitePath.resolve(request.path) {
            exchange.uiPage = UIPage(isPublic: name != "index.html" || ui.pageIsPublic,
                                     serve: { ui.file(name, request: request) })
        }
        if let page = exchange.uiPage, page.isPublic || access == nil, let response = page.serve() {
            exchange.template = "ui"
            return response
        }
        if let access, exchange.uiPage != nil || exchange.destination?.isPublic != true {
            switch exchange.decidedRefusal.map({ .failure($0) }) ?? access.authenticate(request) {
            case .failure(let refusal):
                exchange.template = "unauthenticated"
                return UISignIn.adapt(refusal.response, to: request, browserSignIn: access.browser != nil)
            case .success(let signIn):
                exchange.caller = signIn.user
                exchange.authMethod = signIn.method
                exchange.request.user = signIn.user.username
            }
        }
        if let rejected = exchange.transportRejection {
            exchange.template = exchange.destination?.template(path: request.path) ?? "unmatched"
            return rejected
        }
        if let page = exchange.uiPage, let response = page.serve() {   // MLflow's page, after signing in
            exchange.template = "ui"
            return response
        }
        return next(&exchange)
    }
}
