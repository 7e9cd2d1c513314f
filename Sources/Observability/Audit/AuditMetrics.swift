/// The audit writer's series on `/metrics`.
public final class AuditMetrics: Sendable {
    public let recordsWritten: Counter
    public let recordsDropped: Counter
    public let writeFailures: Counter
    public let requestsRefused: Counter
    public let queueDepth: Gauge

    public init(registry: MetricsRegistry) {
        recordsWritten = registry.counter("swiftrack_audit_records_written_total",
                                          help: "Audit records committed to the audit database.")
        recordsDropped = registry.counter("swiftrack_audit_records_dropped_total",
                                          help: "Audit records lost: queue full or unwritten at shutdown.")
        writeFailures = registry.counter("swiftrack_audit_write_failures_total",
                                         help: "Failed attempts to write a batch of audit records.")
        requestsRefused = registry.counter("swiftrack_audit_requests_refused_total",
                                           help: "Requests answered 503 because the audit log fails closed.")
        queueDepth = registry.gauge("swiftrack_audit_queue_depth", help: "Audit records waiting to be written.")
        for counter in [recordsWritten, recordsDropped, writeFailures, requestsRefused] { counter.increment(by: 0) }
        queueDepth.set(0)
    }
}
