import JSON
import TrackingCore

extension TransitionRequest {
    /// Databricks' transition-request shape (`to_stage`, `user_id`, `comment`, `creation_timestamp`)
    /// with Swiftrack's additions: the id, the alias target, the status and its resolution.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .integer(id)),
            ("name", .string(name)),
            ("version", .string(version)),
        ]
        switch target {
        case .stage(let stage): members.append(("to_stage", .string(stage.rawValue)))
        case .alias(let alias): members.append(("alias", .string(alias)))
        }
        members.append(("archive_existing_versions", .bool(archiveExistingVersions)))
        members.append(("status", .string(status.rawValue)))
        if let requestedBy { members.append(("user_id", .string(requestedBy))) }
        if let comment { members.append(("comment", .string(comment))) }
        members.append(("creation_timestamp", .integer(creationTimestamp)))
        if let resolvedBy { members.append(("resolved_by", .string(resolvedBy))) }
        if let resolutionComment { members.append(("resolution_comment", .string(resolutionComment))) }
        if let resolutionTimestamp { members.append(("resolution_timestamp", .integer(resolutionTimestamp))) }
        return .object(members)
    }
}
