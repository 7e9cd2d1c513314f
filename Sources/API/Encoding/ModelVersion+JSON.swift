import JSON
import TrackingCore

extension ModelVersion {
    /// The `ModelVersion` message as MLflow's `message_to_json` writes it: fields in proto order, the
    /// ones MLflow leaves unset (no description after an update without one, no user) omitted.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(name)),
            ("version", .string(version)),
            ("creation_timestamp", .integer(creationTimestamp)),
        ]
        if let lastUpdatedTimestamp { members.append(("last_updated_timestamp", .integer(lastUpdatedTimestamp))) }
        if let userId { members.append(("user_id", .string(userId))) }
        members.append(("current_stage", .string(currentStage.rawValue)))
        if let description { members.append(("description", .string(description))) }
        if let source { members.append(("source", .string(source))) }
        if let runId { members.append(("run_id", .string(runId))) }
        members.append(("status", .string(status.rawValue)))
        if let statusMessage, !statusMessage.isEmpty { members.append(("status_message", .string(statusMessage))) }
        if !tags.isEmpty { members.append(("tags", .array(tags.map(\.json)))) }
        if let runLink { members.append(("run_link", .string(runLink))) }
        if !aliases.isEmpty { members.append(("aliases", .array(aliases.map(JSONValue.string)))) }
        // MLflow 3.17.2's entity leaves model_id out of the message; the proto has the field, and
        // sending it lets clients see a version's logged model.
        if let modelId, !modelId.isEmpty { members.append(("model_id", .string(modelId))) }
        return .object(members)
    }
}
