import JSON
import TrackingCore

extension RegistryHistoryEntry {
    /// One entry of Swiftrack's history route: absent values are left out, `rollback` is always there.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(name)),
            ("version", .string(version)),
            ("kind", .string(kind.rawValue)),
        ]
        if let alias { members.append(("alias", .string(alias))) }
        if let from { members.append(("from", .string(from))) }
        if let to { members.append(("to", .string(to))) }
        if let userId { members.append(("user_id", .string(userId))) }
        members.append(("timestamp", .integer(timestamp)))
        members.append(("rollback", .bool(isRollback)))
        return .object(members)
    }
}
