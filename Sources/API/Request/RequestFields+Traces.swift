import JSON
import TrackingCore

/// The trace a StartTraceV3 body carries (`trace.trace_info`), read by one accessor that the
/// access rule (`.newTrace`, the experiment it names) and the handler share.
extension RequestFields {
    func startedTrace() throws(MLflowError) -> TraceInfo {
        guard let trace = try message("trace") else { throw Self.missing("trace") }
        guard let info = try trace.message("trace_info") else { throw Self.missing("trace.trace_info") }
        let traceId = try info.requiredString("trace_id")
        guard let experimentId = try info.message("trace_location")?.message("mlflow_experiment")?
            .string("experiment_id"), !experimentId.isEmpty else {
            throw .invalidParameter("A trace must name its experiment: trace_location.mlflow_experiment.experiment_id.")
        }
        guard let requestTimeText = try info.string("request_time"),
              let requestTime = ProtoTime.millis(timestamp: requestTimeText) else {
            throw .invalidParameter("Invalid value for 'request_time': expected an RFC 3339 timestamp.")
        }
        var duration: Int64?
        if let text = try info.string("execution_duration") {
            guard let millis = ProtoTime.millis(duration: text) else {
                throw .invalidParameter("Invalid value for 'execution_duration': expected a duration such as '1.5s'.")
            }
            duration = millis
        }
        return TraceInfo(traceId: traceId, experimentId: experimentId, clientRequestId: try info.string("client_request_id"),
                         requestTime: requestTime, executionDuration: duration, state: try info.traceState(),
                         requestPreview: try info.string("request_preview"),
                         responsePreview: try info.string("response_preview"),
                         tags: try info.stringMap("tags"), metadata: try info.stringMap("trace_metadata"))
    }

    /// `state` by name or number (protobuf JSON accepts both); absent is STATE_UNSPECIFIED.
    private func traceState() throws(MLflowError) -> TraceState {
        guard let value = raw("state"), value != .null else { return .unspecified }
        switch value {
        case .string(let name):
            if let state = TraceState(rawValue: name) { return state }
        case .integer(let number) where (0..<TraceState.allCases.count).contains(Int(clamping: number)):
            return TraceState.allCases[Int(number)]
        default:
            break
        }
        throw Self.typeError("state", value)
    }

    /// A `map<string, string>` field: a JSON object of strings, in the order written.
    func stringMap(_ name: String) throws(MLflowError) -> [Tag] {
        guard let value = raw(name), value != .null else { return [] }
        guard case .object(let members) = value else { throw Self.typeError(name, value) }
        var pairs: [Tag] = []
        for (key, member) in members {
            guard case .string(let text) = member else { throw Self.typeError("\(name).\(key)", member) }
            pairs.append(Tag(key: key, value: text))
        }
        return pairs
    }
}
