/// What the server calls for every request; it runs on a worker thread, so it may block.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) -> HTTPResponse
    /// The answer to a request the server refused before it reached `handle` (e.g. a body too large).
    func reject(_ rejection: HTTPRejection, request: HTTPRequest) -> HTTPResponse
    /// Where the body of the request with this head should go; asked once, before the body arrives.
    func bodyDestination(for head: HTTPRequestHead) -> HTTPBodyDestination
    /// Whether `admit` must decide on this request before its body is read. Asked on the polling
    /// thread for every request, so it must be cheap and must not block.
    func needsAdmission(_ head: HTTPRequestHead) -> Bool
    /// Decides, from the head alone, whether the body is read (and where to) or the request is
    /// refused. Runs on a worker thread, so it may block (e.g. authenticate against a database).
    func admit(_ head: HTTPRequestHead) -> HTTPAdmission
}

/// The outcome of `HTTPHandler.admit`.
public enum HTTPAdmission: Sendable {
    /// Read the body into this destination, then call `handle`.
    case proceed(HTTPBodyDestination)
    /// Answer this without storing the body (it is read and dropped, so the client can read the answer).
    case refuse(HTTPResponse)
}

/// Why the HTTP layer refused a request on its own.
public enum HTTPRejection: Sendable, Equatable {
    case bodyTooLarge(limit: Int64)
    case serverShuttingDown
    /// The body could not be written to its file (disk full, directory missing...).
    case bodyNotStored(reason: String)
}

extension HTTPHandler {
    public func bodyDestination(for head: HTTPRequestHead) -> HTTPBodyDestination { .memory }

    public func needsAdmission(_ head: HTTPRequestHead) -> Bool { false }

    public func admit(_ head: HTTPRequestHead) -> HTTPAdmission { .proceed(bodyDestination(for: head)) }

    public func reject(_ rejection: HTTPRejection, request: HTTPRequest) -> HTTPResponse {
        switch rejection {
        case .bodyTooLarge(let limit):
            return .text("Request body larger than \(limit) bytes\n", status: 413)
        case .serverShuttingDown:
            return .text("Server is shutting down\n", status: 503)
        case .bodyNotStored(let reason):
            return .text("Request body could not be stored: \(reason)\n", status: 500)
        }
    }
}
