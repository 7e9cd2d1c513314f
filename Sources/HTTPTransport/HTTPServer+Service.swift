public import Lifecycle

/// The server as one of the process's services: `start` binds and serves, `stop(deadline:)`
/// drains in-flight requests (up to the grace period) and ends the workers.
extension HTTPServer: Service {
    public var name: String { "HTTP server on \(configuration.host):\(port.map(String.init) ?? String(configuration.port))" }
}
