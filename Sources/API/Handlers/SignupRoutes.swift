import Auth
import Foundation
import HTTPTransport
import TrackingCore
import URLCoding

/// MLflow's basic-auth sign-up form: `GET /signup` (the page) and `POST /api/2.0/mlflow/users/create-ui`
/// (its form post). Both are for admins only, as in MLflow 3.17.2 (where the page needs
/// `validate_can_create_user` and the post is refused by its fail-closed default): nobody creates
/// their own account. Browsers send cached Basic credentials with any site's form, so the post needs
/// the token the page carries (flask-wtf's CSRF check in MLflow): signed with a key of this process,
/// bound to the admin who opened the page, valid for an hour.
struct SignupRoutes {
    let access: AccessControl
    let tokens: SignedCookie

    static let createPath = "/api/2.0/mlflow/users/create-ui"
    static let tokenLifetime: Double = 3600

    init(access: AccessControl) {
        self.access = access
        var generator = SystemRandomNumberGenerator()
        tokens = SignedCookie(secret: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    var routes: [Route] {
        [
            Route("GET", "/signup", access: .admin, page),
            Route("POST", Self.createPath, access: .admin, create),
        ]
    }

    private func page(_ request: RouteRequest) throws -> HTTPResponse {
        let caller = try signedIn(request)
        let token = tokens.seal([("purpose", "signup"), ("user", String(caller.id))],
                                expires: Date().timeIntervalSince1970 + Self.tokenLifetime)
        var response = HTTPResponse.html("""
            <!doctype html>
            <html lang=en>
            <title>Swiftrack: create a user</title>
            <style>form{max-width:400px;margin:40px auto;font-family:sans-serif}input{display:block;width:100%;margin:4px 0 12px}</style>
            <form action="\(Self.createPath)" method="post">
              <input type="hidden" name="csrf_token" value="\(token)"/>
              <label for="username">Username:</label>
              <input type="text" id="username" name="username" minlength="4">
              <label for="password">Password:</label>
              <input type="password" id="password" name="password" minlength="12">
              <input type="submit" value="Sign up">
            </form>

            """)
        response.headers.append((name: "Cache-Control", value: "no-store"))
        return response
    }

    private func create(_ request: RouteRequest) throws -> HTTPResponse {
        let caller = try signedIn(request)
        let isForm = request.header("content-type") == "application/x-www-form-urlencoded"
        let form = isForm ? PercentDecoding.queryItems(String(decoding: request.body, as: UTF8.self)) : []
        let sent = form.first { $0.name == "csrf_token" }?.value
            ?? request.header("x-csrftoken") ?? request.header("x-csrf-token")
        guard let sent, !sent.isEmpty else { return Self.badRequest("The CSRF token is missing.") }
        guard let fields = tokens.open(sent, now: Date().timeIntervalSince1970), fields["purpose"] == "signup",
              fields["user"] == String(caller.id) else {
            return Self.badRequest("The CSRF token is invalid.")
        }
        guard isForm else { return .text("Invalid content type. Must be application/x-www-form-urlencoded", status: 400) }
        let username = form.first { $0.name == "username" }?.value ?? ""
        let password = form.first { $0.name == "password" }?.value ?? ""
        guard !username.isEmpty, !password.isEmpty else {
            return .text("Username and password cannot be empty.", status: 400)
        }
        if try access.store.user(named: username) != nil {
            return Self.notice("Username has already been taken: \(username)", then: "/signup")
        }
        _ = try access.store.createUser(username: username, password: password)
        return Self.notice("Successfully signed up user: \(username)", then: "/")
    }

    private func signedIn(_ request: RouteRequest) throws -> AuthUser {
        guard let caller = request.caller else { throw AccessControl.denied("the sign-up form needs a signed-in admin.") }
        return caller
    }

    /// Flask's 400 page with flask-wtf's reason.
    private static func badRequest(_ reason: String) -> HTTPResponse {
        .html("<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>\(reason)</p>\n",
              status: 400)
    }

    /// MLflow answers with a page that shows the message and moves on; this one needs no script.
    private static func notice(_ message: String, then location: String) -> HTTPResponse {
        .html("<!doctype html>\n<html lang=en>\n<meta http-equiv=\"refresh\" content=\"3; url=\(location)\">\n"
              + "<title>Swiftrack</title>\n<p>\(escaped(message))</p>\n<p><a href=\"\(location)\">Continue</a></p>\n")
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
