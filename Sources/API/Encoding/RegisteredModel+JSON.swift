import JSON
import TrackingCore

extension RegisteredModel {
    /// The `RegisteredModel` message as MLflow writes it (empty description and lists left out).
    var json: JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name))]
        if let creationTimestamp { members.append(("creation_timestamp", .integer(creationTimestamp))) }
        if let lastUpdatedTimestamp, lastUpdatedTimestamp != 0 {
            members.append(("last_updated_timestamp", .integer(lastUpdatedTimestamp)))
        }
        if let description, !description.isEmpty { members.append(("description", .string(description))) }
        if !latestVersions.isEmpty { members.append(("latest_versions", .array(latestVersions.map(\.json)))) }
        if !tags.isEmpty { members.append(("tags", .array(tags.map(\.json)))) }
        if !aliases.isEmpty {
            members.append(("aliases", .array(aliases.map {
                .object([("alias", .string($0.alias)), ("version", .string($0.version))])
            })))
        }
        return .object(members)
    }
}
