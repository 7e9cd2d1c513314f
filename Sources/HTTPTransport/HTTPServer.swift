import CMicroHTTPD
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on libmicrohttpd: epoll polling threads accept and parse, a worker pool
/// runs the handler while the connection is suspended, keep-alive is kept.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    let handler: any HTTPHandler
    let workers: WorkerPool
    /// Requests received and not yet completed; a graceful stop waits for them.
    let inFlight = Atomic<Int>(0)
    let shuttingDown = Atomic<Bool>(false)
    private let daemon = Mutex<DaemonHandle?>(nil)

    struct DaemonHandle: @unchecked Sendable {
        let pointer: OpaquePointer
        let port: UInt16
    }

    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        self.workers = WorkerPool(threads: configuration.workers)
    }

    /// The bound port (useful with port 0), or nil before `start`.
    public var port: UInt16? { daemon.withLock { $0?.port } }

    public func start() throws(HTTPServerError) {
        let flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_ERROR_LOG.rawValue
        let me = Unmanaged.passUnretained(self).toOpaque()
        let config = configuration
        if config.tls != nil && swiftrack_mhd_has_tls() == 0 {
            throw HTTPServerError(message: "this libmicrohttpd was built without TLS")
        }
        // libmicrohttpd reads the PEM texts while the daemon starts; they live through the call.
        let pointer = withOptionalCString(config.tls?.privateKeyPEM) { key in
            withOptionalCString(config.tls?.certificatePEM) { certificate in
                withOptionalCString(config.tls?.keyPassword) { password in
                    withOptionalCString(config.tls?.priorities) { priorities in
                        swiftrack_mhd_start(
            flags, config.host, config.port,
            accessHandlerCallback, me,
            requestCompletedCallback, me,
            uriLogCallback, me,
            UInt32(max(1, config.pollThreads)), UInt32(max(1, config.connectionLimit)),
            UInt32(max(0, config.connectionTimeoutSeconds)), max(8192, config.connectionMemoryBytes),
            UInt32(clamping: max(0, config.perIPConnectionLimit)), Int32(config.listenBacklog), key, certificate, password, priorities)
                    }
                }
            }
        }
        guard let pointer else {
            if config.tls != nil {
                throw HTTPServerError(message: "cannot serve HTTPS on \(config.host):\(config.port) (address in use, "
                                      + "or the TLS key does not match the certificate, or a wrong key password)")
            }
            throw HTTPServerError(message: "cannot listen on \(config.host):\(config.port) (address in use or invalid)")
        }
        let bound = swiftrack_mhd_bound_port(pointer)
        daemon.withLock { $0 = DaemonHandle(pointer: pointer, port: bound) }
    }

    /// Stops accepting connections, lets in-flight requests finish (up to the grace period),
    /// then closes every connection and ends the workers, waiting for them up to 5 s more.
    public func stop() {
        stop(deadline: .now.advanced(by: .seconds(configuration.shutdownGraceSeconds + 5)))
    }

    /// `stop()` that returns by `deadline`: the drain ends at the grace period or the deadline,
    /// whichever comes first, and workers still running a handler then are left behind.
    public func stop(deadline: ContinuousClock.Instant) {
        guard let handle = daemon.withLock({ $0 }) else { return }
        shuttingDown.store(true, ordering: .sequentiallyConsistent)
        let listenSocket = MHD_quiesce_daemon(handle.pointer)
        if listenSocket >= 0 { close(listenSocket) }
        let drainEnd = min(deadline, .now.advanced(by: .seconds(configuration.shutdownGraceSeconds)))
        while inFlight.load(ordering: .sequentiallyConsistent) > 0, ContinuousClock.now < drainEnd {
            usleep(10_000)
        }
        MHD_stop_daemon(handle.pointer)
        daemon.withLock { $0 = nil }
        workers.shutdown(deadline: deadline)
    }
}

/// The server could not start.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// `body` with a C string for `text`, or NULL for nil.
private func withOptionalCString<T>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
