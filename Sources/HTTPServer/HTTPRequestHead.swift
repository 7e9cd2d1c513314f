/// A request's method, target and headers: what is known before its body arrives.
public struct HTTPRequestHead: Sendable {
    public var method: String
    public var rawPath: String
    public var path: String
    public var headers: [(name: String, value: String)]

    public init(method: String, rawPath: String, path: String, headers: [(name: String, value: String)]) {
        self.method = method
        self.rawPath = rawPath
        self.path = path
        self.headers = headers
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
    /// Streamed into a new file in `directory`, up to `maxBytes`; the handler gets its path in
    /// `HTTPRequest.bodyFile` and may move it away; whatever is left is deleted after the handler.
    case file(directory: String, maxBytes: Int64)
}
