public import Observability

/// What the API reports about itself: Prometheus series and, optionally, a request log.
public struct APIObservability: Sendable {
    public let metrics: ServerMetrics
    public let log: RequestLog?
    /// False when `/metrics` is served on a port of its own (`--metrics-port`, `MetricsEndpoint`).
    public let servesMetricsRoute: Bool

    public init(metrics: ServerMetrics, log: RequestLog?, servesMetricsRoute: Bool = true) {
        self.metrics = metrics
        self.log = log
        self.servesMetricsRoute = servesMetricsRoute
    }
}

/// Domain events the handlers report (runs created, metric values logged).
struct APIEvents: Sendable {
    var runCreated: @Sendable () -> Void = {}
    var metricsLogged: @Sendable (Int) -> Void = { _ in }
    var spansIngested: @Sendable (Int) -> Void = { _ in }

    init() {}

    init(_ metrics: ServerMetrics?) {
        guard let metrics else { return }
        runCreated = { metrics.runsCreated.increment() }
        metricsLogged = { metrics.metricsLogged.increment(by: Double($0)) }
        spansIngested = { metrics.spansIngested.increment(by: Double($0)) }
    }
}
