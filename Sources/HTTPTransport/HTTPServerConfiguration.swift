/// Limits and sizes of the HTTP server; every field has a safe default.
public struct HTTPServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (see `HTTPServer.port`).
    public var port: UInt16 = 5000
    /// libmicrohttpd polling threads (one epoll set each).
    public var pollThreads: Int = HTTPServerConfiguration.processorCount
    /// Threads that run handlers (they may block on a database).
    public var workers: Int = 2 * HTTPServerConfiguration.processorCount
    public var connectionLimit: Int = 4096
    /// Simultaneous connections from one client address, 0 for no limit. High enough for a
    /// benchmark's 200 clients on loopback or a reverse proxy's pool; low enough that one address
    /// cannot take all of `connectionLimit`.
    public var perIPConnectionLimit: Int = 1024
    /// An idle or stalled connection is closed after this many seconds (slow clients).
    public var connectionTimeoutSeconds: Int = 60
    /// The largest request body accepted, in bytes.
    public var maxBodyBytes: Int = 64 << 20
    /// Per-connection buffer for the request line, headers and upload chunks; a head that does
    /// not fit is answered 414 (line) or 431 (headers) by libmicrohttpd, which then closes.
    /// libmicrohttpd 0.9.75 clears the whole buffer between requests, so it stays resident:
    /// 256 KB cost 6% of the CPU under the mixed workload (perf), and 64 KB answered ~20% more
    /// requests with uploads no slower (measured A/B, 2026-11-25). 72 KB is the least that takes
    /// a 64 KiB request line or 64 KiB of headers (as MLflow's server does) and still a body;
    /// 500 idle keep-alive connections cost 72.6 KB each instead of 64.6 KB (2026-12-07).
    public var connectionMemoryBytes: Int = 72 << 10
    public var listenBacklog: Int = 1024
    /// Serve HTTPS with this certificate and key; nil serves plain HTTP.
    public var tls: HTTPServerTLS?
    /// How long a graceful stop waits for in-flight requests.
    public var shutdownGraceSeconds: Double = 10

    public init() {}

    public static var processorCount: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 2
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
