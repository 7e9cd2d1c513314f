import JSON
import TrackingCore

extension WebhookEvent {
    var json: JSONValue { .object([("entity", .string(entity.protoName)), ("action", .string(action.protoName))]) }
}

extension Webhook {
    /// The proto message; the secret is never part of it.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("webhook_id", .string(id)),
            ("name", .string(name)),
        ]
        if let description { members.append(("description", .string(description))) }
        members.append(("url", .string(url)))
        members.append(("events", .array(events.map(\.json))))
        members.append(("status", .string(status.rawValue)))
        members.append(("creation_timestamp", .integer(creationTimestamp)))
        if let lastUpdatedTimestamp { members.append(("last_updated_timestamp", .integer(lastUpdatedTimestamp))) }
        return .object(members)
    }
}

extension WebhookDelivery {
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("delivery_id", .string(id)), ("webhook_id", .string(webhookId)), ("event", event.json),
            ("payload_sha256", .string(payloadDigest)), ("status", .string(state.rawValue)),
            ("attempts", .integer(Int64(attempts))),
        ]
        if let responseStatus { members.append(("response_status", .integer(Int64(responseStatus)))) }
        if let error { members.append(("error", .string(error))) }
        members.append(("creation_timestamp", .integer(creationTimestamp)))
        if let lastAttemptTimestamp { members.append(("last_attempt_timestamp", .integer(lastAttemptTimestamp))) }
        if let nextAttemptTimestamp { members.append(("next_attempt_timestamp", .integer(nextAttemptTimestamp))) }
        return .object(members)
    }
}
