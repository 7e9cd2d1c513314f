import HTTPTransport

/// The built-in UI asks for credentials with a form of its own. Its API calls carry
/// `X-Swiftrack-UI`; their 401s leave out the Basic challenge (with which the browser would pop up
/// its own dialog over the page) and say in `X-Swiftrack-Sign-In` which sign-ins the server offers
/// (`password`, and `oidc` when `/oidc/login` is configured). Other clients' 401s are unchanged.
enum UISignIn {
    static let requestHeader = "x-swiftrack-ui"
    static let offersHeader = "X-Swiftrack-Sign-In"

    static func adapt(_ response: HTTPResponse, to request: HTTPRequest, browserSignIn: Bool) -> HTTPResponse {
        guard response.status == 401, request.header(requestHeader) != nil else { return response }
        var adapted = response
        adapted.headers.removeAll { $0.name.lowercased() == "www-authenticate" && $0.value.hasPrefix("Basic") }
        adapted.headers.append((name: offersHeader, value: browserSignIn ? "password, oidc" : "password"))
        return adapted
    }
}
