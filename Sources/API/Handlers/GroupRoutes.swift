import Auth
import HTTPTransport
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
            Route("POST", "/swiftrack/groups/create", access: .admin, create),
            Route("GET", "/swiftrack/groups/get", access: .admin, get),
            Route("GET", "/swiftrack/groups/list", access: .admin, list),
            Route("DELETE", "/swiftrack/groups/delete", access: .admin, delete),
            Route("POST", "/swiftrack/groups/members/add", access: .admin, addMember),
            Route("DELETE", "/swiftrack/groups/members/remove", access: .admin, removeMember),
            Route("POST", "/swiftrack/groups/roles/assign", access: .admin, assignRole),
            Route("DELETE", "/swiftrack/groups/roles/unassign", access: .admin, unassignRole),
            Route("GET", "/swiftrack/users/groups/list", access: .signedIn, groupsOfUser),
        ]
    }

    private func create(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let group = try store.createGroup(name: try UserRoutes.required(fields, "name"),
                                          description: AccessControl.text(fields.raw("description")))
        return jsonResponse(.object([("group", Self.json(group))]))
    }

    private func get(_ request: RouteRequest) throws -> HTTPResponse {
        let name = try UserRoutes.required(try request.fields(), "name")
        return jsonResponse(.object([("group", Self.json(try store.group(named: name)))]))
    }

    private func list(_ request: RouteRequest) throws -> HTTPResponse {
        jsonResponse(.object([("groups", .array(try store.listGroups().map(Self.json)))]))
    }

    private func delete(_ request: RouteRequest) throws -> HTTPResponse {
        try store.deleteGroup(name: try UserRoutes.required(try request.fields(), "name"))
        return emptyJSONResponse
    }

    private func addMember(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try UserRoutes.required(fields, "name")
        try store.addMember(group: name, username: try UserRoutes.required(fields, "username"))
        return jsonResponse(.object([("group", Self.json(try store.group(named: name)))]))
    }

    private func removeMember(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        try store.removeMember(group: try UserRoutes.required(fields, "name"),
                               username: try UserRoutes.required(fields, "username"))
        return emptyJSONResponse
    }

    private func assignRole(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try UserRoutes.required(fields, "name")
        try store.assignRole(group: name, roleId: try RoleRoutes.integer(fields, "role_id"))
        return jsonResponse(.object([("group", Self.json(try store.group(named: name)))]))
    }

    private func unassignRole(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        try store.unassignRole(group: try UserRoutes.required(fields, "name"),
                               roleId: try RoleRoutes.integer(fields, "role_id"))
        return emptyJSONResponse
    }

    private func groupsOfUser(_ request: RouteRequest) throws -> HTTPResponse {
        let caller = try UserRoutes(access: access).caller(request)
        let username = try UserRoutes.required(try request.fields(), "username")
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
