import Auth
import HTTPServer
import JSON
import TrackingCore

/// Swiftrack's groups API (`/api/2.0/swiftrack/groups/...`): groups of users that hold roles
/// for all their members. Managing them is for admins (the access rules say so); a user may
/// list their own groups.
struct GroupRoutes {
    let access: AccessControl
    private var store: AuthStore { access.store }

    var routes: [Route] {
        [
            Route("POST", "/swiftrack/groups/create", create),
            Route("GET", "/swiftrack/groups/get", get),
            Route("GET", "/swiftrack/groups/list", list),
            Route("DELETE", "/swiftrack/groups/delete", delete),
            Route("POST", "/swiftrack/groups/members/add", addMember),
            Route("DELETE", "/swiftrack/groups/members/remove", removeMember),
            Route("POST", "/swiftrack/groups/roles/assign", assignRole),
            Route("DELETE", "/swiftrack/groups/roles/unassign", unassignRole),
            Route("GET", "/swiftrack/users/groups/list", groupsOfUser),
        ]
    }

    private func create(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let group = try store.createGroup(name: try UserRoutes.required(fields, "name"),
                                          description: AccessControl.text(fields.raw("description")))
        return jsonResponse(.object([("group", Self.json(group))]))
    }

    private func get(_ request: HTTPRequest) throws -> HTTPResponse {
        let name = try UserRoutes.required(try RequestFields.from(request), "name")
        return jsonResponse(.object([("group", Self.json(try store.group(named: name)))]))
    }

    private func list(_ request: HTTPRequest) throws -> HTTPResponse {
        jsonResponse(.object([("groups", .array(try store.listGroups().map(Self.json)))]))
    }

    private func delete(_ request: HTTPRequest) throws -> HTTPResponse {
        try store.deleteGroup(name: try UserRoutes.required(try RequestFields.from(request), "name"))
        return emptyJSONResponse
    }

    private func addMember(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let name = try UserRoutes.required(fields, "name")
        try store.addMember(group: name, username: try UserRoutes.required(fields, "username"))
        return jsonResponse(.object([("group", Self.json(try store.group(named: name)))]))
    }

    private func removeMember(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        try store.removeMember(group: try UserRoutes.required(fields, "name"),
                               username: try UserRoutes.required(fields, "username"))
        return emptyJSONResponse
    }

    private func assignRole(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let name = try UserRoutes.required(fields, "name")
        try store.assignRole(group: name, roleId: try RoleRoutes.integer(fields, "role_id"))
        return jsonResponse(.object([("group", Self.json(try store.group(named: name)))]))
    }

    private func unassignRole(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        try store.unassignRole(group: try UserRoutes.required(fields, "name"),
                               roleId: try RoleRoutes.integer(fields, "role_id"))
        return emptyJSONResponse
    }

    private func groupsOfUser(_ request: HTTPRequest) throws -> HTTPResponse {
        let caller = try UserRoutes(access: access).caller(request)
        let username = try UserRoutes.required(try RequestFields.from(request), "username")
        try UserRoutes.requireSelfOrAdmin(caller, username)
        let user = try store.requireUser(named: username)
        return jsonResponse(.object([("groups", .array(try store.groups(userId: user.id).map(JSONValue.string)))]))
    }

    static func json(_ group: UserGroup) -> JSONValue {
        .object([
            ("id", .integer(group.id)), ("name", .string(group.name)),
            ("description", group.description.map(JSONValue.string) ?? .null),
            ("members", .array(group.members.map(JSONValue.string))),
            ("roles", .array(group.roles.map(JSONValue.string))),
        ])
    }
}
