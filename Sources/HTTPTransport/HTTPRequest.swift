import URLCoding
/// One HTTP request, fully received.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path as the client sent it (still percent-encoded), without the query.
    public var rawPath: String
    /// The path percent-decoded once.
    public var path: String
    /// The query string as sent, without the `?`.
    public var rawQuery: String
    /// Header names are lower-cased.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The file holding the body when the handler asked for `.file` (then `body` is empty).
    public var bodyFile: String?
    /// Who sent it, once the application has authenticated the request (CGI's REMOTE_USER).
    public var user: String?
    /// The client's numeric address (CGI's REMOTE_ADDR); empty when unknown.
    public var remoteAddress = ""
    /// Whether it came over TLS to this server (not through a proxy that terminated TLS).
    public var isTLS = false

    public init(method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                bodyFile: String? = nil) {
        self.bodyFile = bodyFile
        self.method = method
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.rawPath = parts.first.map(String.init) ?? "/"
        self.rawQuery = parts.count > 1 ? String(parts[1]) : ""
        self.path = PercentDecoding.decode(rawPath, plusIsSpace: false)
        self.headers = headers.map { (name: $0.name.lowercased(), value: $0.value) }
        self.body = body
    }

    /// The first value of a header (name matched case-insensitively).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first(where: { $0.name == lowered })?.value
    }

    /// The decoded query parameters in order; a repeated name appears once per occurrence.
    public var queryItems: [(name: String, value: String)] { PercentDecoding.queryItems(rawQuery) }
}
