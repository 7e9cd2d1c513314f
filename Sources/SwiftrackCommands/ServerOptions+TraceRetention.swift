import TrackingCore

/// `swiftrack server`'s trace retention: how old a trace may get before the server deletes it
/// (for experiments without their own `swiftrack.traceRetention` tag), and how often it looks.
extension ServerOptions {
    struct TraceRetentionOptions: Equatable {
        /// Milliseconds; nil: traces are kept unless their experiment's tag says otherwise.
        var defaultMillis: Int64?
        var intervalSeconds = 300
    }

    static let traceRetentionFlags: Set<String> = ["trace-retention", "trace-retention-interval"]

    static let traceRetentionHelp = """
          --trace-retention AGE        delete traces that started longer ago than AGE (30d, 12h, 90m;
                                       default: keep them), with their spans, assessments and
                                       artifacts; an experiment's tag swiftrack.traceRetention sets
                                       its own age instead
                                       env SWIFTRACK_TRACE_RETENTION
          --trace-retention-interval S seconds between retention passes (default 300); each pass
                                       deletes in batches of 500 traces, pausing between batches
                                       env SWIFTRACK_TRACE_RETENTION_INTERVAL
        """

    static func traceRetentionOptions(_ arguments: Arguments,
                                      environment: [String: String]) throws(UsageError) -> TraceRetentionOptions {
        var options = TraceRetentionOptions()
        if let text = arguments.value("trace-retention", environment: environment, variables: ["SWIFTRACK_TRACE_RETENTION"]) {
            do {
                options.defaultMillis = try TraceRetention.milliseconds(text)
            } catch {
                throw UsageError("--trace-retention: \((error as? MLflowError)?.message ?? "\(error)")")
            }
        }
        if let text = arguments.value("trace-retention-interval", environment: environment,
                                      variables: ["SWIFTRACK_TRACE_RETENTION_INTERVAL"]) {
            guard let seconds = Int(text), (1...86_400).contains(seconds) else {
                throw UsageError("--trace-retention-interval must be an integer in 1...86400, got '\(text)'")
            }
            options.intervalSeconds = seconds
        }
        return options
    }
}
