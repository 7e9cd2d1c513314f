import Auth
import Foundation
import HTTPTransport
import TrackingCore

/// The browser sign-in routes (public): `/oidc/login` sends the browser to the provider,
/// `/oidc/callback` completes the sign-in and sets the session cookie, `/oidc/logout` ends it.
struct OIDCLoginRoutes {
    let signIn: BrowserSignIn

    var routes: [Route] {
        [
            Route("GET", "/oidc/login", access: .publicRoute, login),
            Route("GET", "/oidc/callback", access: .publicRoute, callback),
            Route("GET", "/oidc/logout", access: .publicRoute, logout),
            Route("POST", "/oidc/logout", access: .publicRoute, logout),
        ]
    }

    private func login(_ request: RouteRequest) throws -> HTTPResponse {
        let next = request.queryItems.first { $0.name == "next" }?.value ?? "/"
        let (location, cookie) = try signIn.start(returnTo: next, now: Date().timeIntervalSince1970)
        var response = HTTPResponse.redirect(to: location)
        response.setCookie(BrowserSignIn.loginCookieName, cookie, path: "/oidc", maxAge: Int(BrowserSignIn.loginSeconds))
        return response
    }

    private func callback(_ request: RouteRequest) throws -> HTTPResponse {
        func query(_ name: String) -> String? { request.queryItems.first { $0.name == name }?.value }
        let done = try signIn.finish(code: query("code"), state: query("state"), providerError: query("error"),
                                     loginCookie: request.http.cookie(BrowserSignIn.loginCookieName),
                                     now: Date().timeIntervalSince1970)
        var response = HTTPResponse.redirect(to: done.returnTo)
        response.setCookie(BrowserSignIn.loginCookieName, "", path: "/oidc", maxAge: 0)
        response.setCookie(BrowserSignIn.sessionCookieName, done.sessionCookie, path: "/",
                           maxAge: Int(signIn.settings.sessionSeconds))
        return response
    }

    private func logout(_ request: RouteRequest) throws -> HTTPResponse {
        var response = HTTPResponse.redirect(to: "/")
        response.setCookie(BrowserSignIn.sessionCookieName, "", path: "/", maxAge: 0)
        return response
    }
}
