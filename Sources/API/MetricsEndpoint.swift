public import HTTPTransport
public import Observability

/// The handler of `--metrics-port`: `/metrics` (and `/health`, for probes) on a port of its own,
/// so an operator can keep the series off the port that clients reach. Everything else is 404.
public struct MetricsEndpoint: HTTPHandler {
    private let metrics: ServerMetrics

    public init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    public func handle(_ request: HTTPTransport.HTTPRequest) -> HTTPTransport.HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text("Method Not Allowed\n", status: 405)
        }
        switch request.path {
        case "/metrics":
            return HTTPResponse(status: 200, headers: [(name: "Content-Type", value: MetricsRegistry.contentType)],
                                body: Array(metrics.registry.exposition().utf8))
        case "/health":
            return .text("OK")
        default:
            return .text("Not Found: this port serves /metrics only\n", status: 404)
        }
    }

    public func reject(_ rejection: HTTPRejection, request: HTTPTransport.HTTPRequest) -> HTTPTransport.HTTPResponse {
        switch rejection {
        case .bodyTooLarge: return .text("Request body too large\n", status: 413)
        case .serverShuttingDown: return .text("Shutting down\n", status: 503)
        case .bodyNotStored: return .text("Request body not stored\n", status: 500)
        }
    }

    public func bodyDestination(for head: HTTPRequestHead) -> HTTPBodyDestination { .memory }
}
