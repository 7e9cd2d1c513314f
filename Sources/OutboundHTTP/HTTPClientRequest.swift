/// One header line; names keep their case, lookups ignore it.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Where a request's body comes from: nothing, bytes in memory, or a range of a local file
/// streamed as it is sent.
public enum HTTPRequestBody: Sendable, Equatable {
    case empty
    case bytes([UInt8])
    /// `length` bytes of the file at `path` from `offset`; nil length means to the end of the file.
    case file(path: String, offset: Int64 = 0, length: Int64? = nil)
}

/// Where a successful (2xx) response body goes; other bodies are always kept in memory
/// (they are error documents), capped at `HTTPClient.errorBodyLimit`.
public enum HTTPResponseDestination: Sendable, Equatable {
    case memory
    /// Streamed into a new file at this path (created or truncated).
    case file(path: String)
}

/// A request for `HTTPClient`.
public struct HTTPClientRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: HTTPRequestBody
    public var destination: HTTPResponseDestination
    /// Seconds allowed to connect.
    public var connectTimeout: Int
    /// Seconds the whole exchange may take; 0 means no limit (large transfers rely on `stallTimeout`).
    public var timeout: Int
    /// The transfer is aborted when fewer than 1 byte per second moved for this many seconds.
    public var stallTimeout: Int
    /// A PEM file of the certificates to trust for HTTPS instead of the system's (a private CA).
    public var caBundle: String?
    /// libcurl `CURLOPT_RESOLVE` entries (`host:port:address`): connect to these addresses only, and
    /// ignore proxies (the checked address is the one reached). Empty: resolve as usual.
    public var resolve: [String] = []

    public init(method: String, url: String, headers: [HTTPHeader] = [], body: HTTPRequestBody = .empty,
                destination: HTTPResponseDestination = .memory,
                connectTimeout: Int = 10, timeout: Int = 0, stallTimeout: Int = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.destination = destination
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.stallTimeout = stallTimeout
    }
}
