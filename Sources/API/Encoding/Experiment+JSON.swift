import JSON
import TrackingCore

extension Experiment {
    /// The `Experiment` message as MLflow's `message_to_json` writes it.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("experiment_id", .string(experimentId)),
            ("name", .string(name)),
            ("artifact_location", .string(artifactLocation)),
            ("lifecycle_stage", .string(lifecycleStage.rawValue)),
        ]
        if let lastUpdateTime { members.append(("last_update_time", .integer(lastUpdateTime))) }
        if let creationTime { members.append(("creation_time", .integer(creationTime))) }
        if !tags.isEmpty { members.append(("tags", .array(tags.map(\.json)))) }
        return .object(members)
    }
}

extension Tag {
    var json: JSONValue { .object([("key", .string(key)), ("value", .string(value))]) }
}

extension Param {
    var json: JSONValue { .object([("key", .string(key)), ("value", .string(value))]) }
}
