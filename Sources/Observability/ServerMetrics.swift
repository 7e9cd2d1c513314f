import Foundation

/// The series Swiftrack exposes on `/metrics`.
public final class ServerMetrics: Sendable {
    public let registry = MetricsRegistry()
    public let requests: Counter
    public let requestDuration: Histogram
    public let inFlight: Gauge
    public let artifactBytes: Counter
    public let runsCreated: Counter
    public let metricsLogged: Counter
    public let spansIngested: Counter
    public let tracesDeleted: Counter
    /// Downloads of a sealed version's file refused because the file does not match the seal.
    public let sealMismatches: Counter

    public init(version: String, mlflowVersion: String) {
        let registry = self.registry
        _ = registry.gauge("swiftrack_build_info", help: "Swiftrack's version and the MLflow API version it serves.") {
            [(MetricLabels([("version", version), ("mlflow_version", mlflowVersion)]), 1)]
        }
        requests = registry.counter("swiftrack_http_requests_total",
                                    help: "HTTP requests answered, by route template, method and status.")
        requestDuration = registry.histogram("swiftrack_http_request_duration_seconds",
                                             help: "Time to answer a request, by route template and method.",
                                             bounds: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
        inFlight = registry.gauge("swiftrack_http_requests_in_flight", help: "Requests being handled now.")
        artifactBytes = registry.counter("swiftrack_artifact_bytes_total",
                                         help: "Artifact bytes through the server, by direction (in, out).")
        runsCreated = registry.counter("swiftrack_runs_created_total", help: "Runs created.")
        metricsLogged = registry.counter("swiftrack_metrics_logged_total", help: "Metric values logged.")
        spansIngested = registry.counter("swiftrack_spans_ingested_total",
                                         help: "Trace spans stored from OpenTelemetry exports (POST /v1/traces).")
        tracesDeleted = registry.counter("swiftrack_traces_deleted_total",
                                         help: "Traces deleted by the server's trace retention, by reason.")
        tracesDeleted.increment(MetricLabels([("reason", "retention")]), by: 0)
        // No labels: a series that exists from the start lets `increase()` see the first mismatch (a
        // series per model would appear at 1 and an alert on its increase would miss it). The answer
        // and the request log name the version.
        sealMismatches = registry.counter(
            "swiftrack_sealed_artifact_mismatches_total",
            help: "Downloads of a sealed model version's file refused because the file no longer matches its seal.")
        sealMismatches.increment(by: 0)
        // Label-less series exist from the start, so a scrape sees 0 rather than nothing.
        runsCreated.increment(by: 0)
        metricsLogged.increment(by: 0)
        spansIngested.increment(by: 0)
        inFlight.set(0)
        _ = registry.gauge("process_resident_memory_bytes", help: "Resident memory size in bytes.") {
            [(.none, ProcessStats.residentBytes())]
        }
        _ = registry.counter("process_cpu_seconds_total", help: "Total user and system CPU time in seconds.") {
            [(.none, ProcessStats.cpuSeconds())]
        }
        _ = registry.gauge("process_open_fds", help: "Open file descriptors.") {
            [(.none, ProcessStats.openFileDescriptors())]
        }
        let started = Date().timeIntervalSince1970
        _ = registry.gauge("process_start_time_seconds", help: "Start time of the process since the epoch.") {
            [(.none, started)]
        }
    }
}
