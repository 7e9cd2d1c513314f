import HTTPTransport

extension HTTPRequest {
    /// A cookie's value from the `Cookie` header (the first of that name), or nil.
    func cookie(_ name: String) -> String? {
        for header in headers where header.name == "cookie" {
            for pair in header.value.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == Substring(name) else { continue }
                return String(trimmed[trimmed.index(after: equals)...])
            }
        }
        return nil
    }
}

extension HTTPResponse {
    /// A redirect (302) to a path or URL.
    static func redirect(to location: String) -> HTTPResponse {
        HTTPResponse(status: 302, headers: [(name: "Location", value: location), (name: "Cache-Control", value: "no-store")])
    }

    /// Sets a cookie that scripts cannot read, sent only over HTTPS and not on cross-site requests
    /// (but for top-level navigations, which the provider's redirect back is); `maxAge` 0 deletes it.
    mutating func setCookie(_ name: String, _ value: String, path: String, maxAge: Int) {
        headers.append((name: "Set-Cookie",
                        value: "\(name)=\(value); Path=\(path); Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Lax"))
    }
}
