public import TrackingCore

/// Deleting traces by age, in bounded batches: the server's trace retention and `swiftrack gc`
/// (which empties a deleted experiment of its traces before the experiment's row goes).
public protocol TraceRetentionStore: Sendable {
    /// The `swiftrack.traceRetention` tag of each active experiment that has one, by experiment id.
    func traceRetentionTags() throws -> [String: String]
    /// Deletes, in one transaction, at most `limit` of the traces of `scope` that the server received
    /// before `cutoffMillis` (`trace_info.received_ms`, which no request sets: a trace's own start
    /// comes from its client), oldest first, with their spans, assessments, tags, request metadata
    /// and links; `.experiment` reaches a deleted experiment's traces too.
    func purgeTraces(_ scope: TraceRetention.Pass.Scope, receivedBefore cutoffMillis: Int64, limit: Int) throws -> PurgedTraces
}

/// One purge: the traces it selected, and how many of them it deleted itself (a replica's pass
/// running at the same time may have deleted some of the same first).
public struct PurgedTraces: Equatable, Sendable {
    public var traces: [PurgedTrace]
    public var deleted: Int

    public init(traces: [PurgedTrace], deleted: Int) {
        self.traces = traces
        self.deleted = deleted
    }
}

/// A deleted trace and the folder its artifacts were kept in (`<experiment location>/traces/<id>`),
/// derived from its experiment's artifact location.
public struct PurgedTrace: Equatable, Sendable {
    public var traceId: String
    public var experimentId: String
    public var artifactFolder: String

    public init(traceId: String, experimentId: String, artifactFolder: String) {
        self.traceId = traceId
        self.experimentId = experimentId
        self.artifactFolder = artifactFolder
    }
}
