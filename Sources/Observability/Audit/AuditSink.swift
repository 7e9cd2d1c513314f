/// Where the API hands its audit records: a bounded queue drained off the request path.
public protocol AuditSink: Sendable {
    /// Whether a request may run now; false only when the log fails closed and could not keep
    /// its record (the writer is failing or its queue is full).
    func admits() -> Bool

    /// Queues `record` without waiting for any I/O.
    func submit(_ record: AuditRecord) -> AuditSubmission
}

/// What became of a submitted record.
public enum AuditSubmission: Sendable, Equatable {
    case queued
    /// Not kept, and the log fails open: the request is answered as it is (counted on /metrics).
    case dropped
    /// Not kept, and the log fails closed: the request must be answered 503.
    case refused
}

/// Whether requests are refused (closed) or still answered (open) when audit records cannot be kept.
public enum AuditFailurePolicy: String, Sendable {
    case open
    case closed
}
