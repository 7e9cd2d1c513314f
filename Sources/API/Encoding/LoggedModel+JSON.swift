import JSON
import TrackingCore

extension LoggedModel {
    /// The `LoggedModel` message: `info` (proto field order; unset optionals left out) and `data`.
    var json: JSONValue {
        var info: [(String, JSONValue)] = [
            ("model_id", .string(modelId)),
            ("experiment_id", .string(experimentId)),
            ("name", .string(name)),
            ("creation_timestamp_ms", .integer(creationTimestamp)),
            ("last_updated_timestamp_ms", .integer(lastUpdatedTimestamp)),
            ("artifact_uri", .string(artifactLocation)),
            ("status", .string(status.rawValue)),
        ]
        if let modelType { info.append(("model_type", .string(modelType))) }
        if let sourceRunId { info.append(("source_run_id", .string(sourceRunId))) }
        if let statusMessage { info.append(("status_message", .string(statusMessage))) }
        if !tags.isEmpty { info.append(("tags", .array(tags.map(\.json)))) }
        var data: [(String, JSONValue)] = []
        if !params.isEmpty { data.append(("params", .array(params.map(\.json)))) }
        if !metrics.isEmpty { data.append(("metrics", .array(metrics.map(\.json)))) }
        return .object([("info", .object(info)), ("data", .object(data))])
    }
}
