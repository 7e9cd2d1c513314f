/// A browser UI the server hands out beside the API: `/` is its page, `/static-files/...` its
/// scripts, styles and images (the paths MLflow's own server uses). The built-in UI answers from
/// bytes in the binary (WebUI target); `--ui mlflow` from the wheel's prebuilt folder.
public protocol WebSite: Sendable {
    /// Whether the page may be fetched before signing in: a page that asks for credentials itself.
    /// MLflow's UI relies on the browser's Basic prompt, so its `/` needs credentials.
    var pageIsPublic: Bool { get }
    /// The file at `path` under the site (`index.html` for the page), or nil when there is none.
    func file(_ path: String, request: HTTPRequest) -> HTTPResponse?
}

/// Which UI paths a request names: `/` (the page) or `/static-files/<path>`; nil for any other path.
public enum WebSitePath {
    public static let staticPrefix = "/static-files/"

    /// `index.html` for the page, the file's path below `/static-files/`, or nil.
    public static func resolve(_ path: String) -> String? {
        if path == "/" || path == "/index.html" { return "index.html" }
        guard path.hasPrefix(staticPrefix) else { return nil }
        return String(path.dropFirst(staticPrefix.count))
    }

    /// Content types of what UIs are made of.
    public static func contentType(_ name: String) -> String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "html": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json", "map": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "ico": return "image/vnd.microsoft.icon"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "ttf": return "font/ttf"
        case "txt": return "text/plain; charset=utf-8"
        case "wasm": return "application/wasm"
        default: return "application/octet-stream"
        }
    }
}
