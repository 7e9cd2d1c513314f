/// A request's method, target and headers: what is known before its body arrives.
public struct HTTPRequestHead: Sendable {
    public var method: String
    public var rawPath: String
    public var path: String
    /// The query string as sent, without the `?`.
    public var rawQuery: String
    /// Header names are lower-cased.
    public var headers: [(name: String, value: String)]
    /// The client's numeric address (CGI's REMOTE_ADDR); empty when unknown.
    public var remoteAddress: String
    /// Whether it came over TLS to this server.
    public var isTLS: Bool

    public init(method: String, rawPath: String, path: String, headers: [(name: String, value: String)],
                rawQuery: String = "", remoteAddress: String = "", isTLS: Bool = false) {
        self.method = method
        self.rawPath = rawPath
        self.path = path
        self.rawQuery = rawQuery
        self.headers = headers
        self.remoteAddress = remoteAddress
        self.isTLS = isTLS
    }

    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first(where: { $0.name == lowered })?.value
    }
}

/// Where a request body goes while it arrives.
public enum HTTPBodyDestination: Sendable, Equatable {
    /// In memory, up to the server's `maxBodyBytes` (JSON calls).
    case memory
    /// In memory, up to `maxBytes` or the server's `maxBodyBytes`, whichever is smaller (e.g. a
    /// caller who may send only small requests).
    case boundedMemory(maxBytes: Int64)
    /// Streamed into a new file in `directory`, up to `maxBytes`; the handler gets its path in
    /// `HTTPRequest.bodyFile` and may move it away; whatever is left is deleted after the handler.
    case file(directory: String, maxBytes: Int64)
}
