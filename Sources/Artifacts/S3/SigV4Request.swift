public import OutboundHTTP
/// What SigV4 signs of a request: method, host, the already URI-encoded path, the raw query
/// parameters and the headers to sign (besides `host`, which is always signed).
public struct SigV4Request: Sendable, Equatable {
    public var method: String
    /// The `Host` header as sent: the host, with `:port` when it is not the scheme's default.
    public var host: String
    /// The path as it appears in the URL, e.g. `/bucket/a%20b.txt`; it is signed as is.
    public var encodedPath: String
    public var query: [QueryItem]
    public var headers: [HTTPHeader]

    public init(method: String, host: String, encodedPath: String, query: [QueryItem] = [], headers: [HTTPHeader] = []) {
        self.method = method
        self.host = host
        self.encodedPath = encodedPath.isEmpty ? "/" : encodedPath
        self.query = query
        self.headers = headers
    }
}
