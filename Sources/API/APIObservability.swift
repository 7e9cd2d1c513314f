import Observability

/// What the API reports about itself: Prometheus series and, optionally, a request log.
public struct APIObservability: Sendable {
    public let metrics: ServerMetrics
    public let log: RequestLog?

    public init(metrics: ServerMetrics, log: RequestLog?) {
        self.metrics = metrics
        self.log = log
    }
}

/// Domain events the handlers report (runs created, metric values logged).
struct APIEvents: Sendable {
    var runCreated: @Sendable () -> Void = {}
    var metricsLogged: @Sendable (Int) -> Void = { _ in }

    init() {}

    init(_ metrics: ServerMetrics?) {
        guard let metrics else { return }
        runCreated = { metrics.runsCreated.increment() }
        metricsLogged = { metrics.metricsLogged.increment(by: Double($0)) }
    }
}
