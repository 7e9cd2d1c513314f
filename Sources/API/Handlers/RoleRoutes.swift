import Auth
import HTTPTransport
import JSON
import TrackingCore

/// MLflow 3's roles API (`/api/3.0/mlflow/roles/...`), as `AuthServiceClient` calls it. With
/// workspaces not served, managing roles is for admins (the access rules say so); users may
/// list their own roles.
struct RoleRoutes {
    let access: AccessControl
    private var store: AuthStore { access.store }

    var routes: [Route] {
        [
            Route("POST", "/mlflow/roles/create", access: .admin, create),
            Route("GET", "/mlflow/roles/get", access: .admin, get),
            Route("GET", "/mlflow/roles/list", access: .admin, list),
            Route("PATCH", "/mlflow/roles/update", access: .admin, update),
            Route("DELETE", "/mlflow/roles/delete", access: .admin, delete),
            Route("POST", "/mlflow/roles/permissions/add", access: .admin, addPermission),
            Route("PATCH", "/mlflow/roles/permissions/update", access: .admin, updatePermission),
            Route("DELETE", "/mlflow/roles/permissions/remove", access: .admin, removePermission),
            Route("GET", "/mlflow/roles/permissions/list", access: .admin, listPermissions),
            Route("POST", "/mlflow/roles/assign", access: .admin, assign),
            Route("DELETE", "/mlflow/roles/unassign", access: .admin, unassign),
            Route("GET", "/mlflow/roles/users/list", access: .admin, listUsers),
            Route("GET", "/mlflow/users/roles/list", access: .signedIn, rolesOfUser),
        ]
    }

    private func create(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try UserRoutes.required(fields, "name")
        if let workspace = AccessControl.text(fields.raw("workspace")), workspace != "default" {
            throw MLflowError.invalidParameter("Workspaces are not served: roles live in workspace 'default'.")
        }
        let role = try store.createRole(name: name, description: AccessControl.text(fields.raw("description")))
        return jsonResponse(.object([("role", UserRoutes.json(role))]))
    }

    private func get(_ request: RouteRequest) throws -> HTTPResponse {
        let id = try Self.integer(try request.fields(), "role_id")
        return jsonResponse(.object([("role", UserRoutes.json(try store.role(id: id)))]))
    }

    private func list(_ request: RouteRequest) throws -> HTTPResponse {
        jsonResponse(.object([("roles", .array(try store.listRoles().map(UserRoutes.json)))]))
    }

    /// MLflow's `update_role`: a new name, a new description, or both.
    private func update(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let id = try Self.integer(fields, "role_id")
        let name = fields.raw("name"), description = fields.raw("description")
        if (name == nil || name == .null) && (description == nil || description == .null) {
            throw MLflowError.invalidParameter("At least one of 'name' or 'description' must be provided to update a role.")
        }
        var newName: String?
        if let name, name != .null {
            guard case .string(let text) = name, !text.trimmingCharacters(in: " ").isEmpty else {
                throw MLflowError.invalidParameter("Role name cannot be empty.")
            }
            newName = text
        }
        var newDescription: String?
        if let description, description != .null {
            guard case .string(let text) = description else {
                throw MLflowError.invalidParameter("Role description must be a string.")
            }
            newDescription = text
        }
        let role = try store.updateRole(id: id, name: newName, description: newDescription)
        return jsonResponse(.object([("role", UserRoutes.json(role))]))
    }

    private func delete(_ request: RouteRequest) throws -> HTTPResponse {
        try store.deleteRole(id: try Self.integer(try request.fields(), "role_id"))
        return emptyJSONResponse
    }

    private func addPermission(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let roleId = try Self.integer(fields, "role_id")
        let level = try Permission.parse(try UserRoutes.required(fields, "permission"))
        let type = try UserRoutes.resourceType(try UserRoutes.required(fields, "resource_type"))
        let pattern = try UserRoutes.required(fields, "resource_pattern")
        let grant = try store.addRolePermission(roleId: roleId, type, pattern, try UserRoutes.grantLevel(level.rawValue, type))
        return jsonResponse(.object([("role_permission", UserRoutes.json(grant))]))
    }

    private func updatePermission(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let id = try Self.integer(fields, "role_permission_id")
        let level = try UserRoutes.required(fields, "permission")
        let current = try store.rolePermission(id: id)
        let grant = try store.updateRolePermission(id: id, try UserRoutes.grantLevel(level, current.resourceType))
        return jsonResponse(.object([("role_permission", UserRoutes.json(grant))]))
    }

    private func removePermission(_ request: RouteRequest) throws -> HTTPResponse {
        try store.removeRolePermission(id: try Self.integer(try request.fields(), "role_permission_id"))
        return emptyJSONResponse
    }

    private func listPermissions(_ request: RouteRequest) throws -> HTTPResponse {
        let role = try store.role(id: try Self.integer(try request.fields(), "role_id"))
        return jsonResponse(.object([("role_permissions", .array(role.permissions.map(UserRoutes.json)))]))
    }

    private func assign(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let username = try UserRoutes.required(fields, "username"), roleId = try Self.integer(fields, "role_id")
        let id = try store.assignRole(username: username, roleId: roleId)
        let user = try store.requireUser(named: username)
        return jsonResponse(.object([("assignment", Self.assignment(id: id, userId: user.id, roleId: roleId))]))
    }

    private func unassign(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        try store.unassignRole(username: try UserRoutes.required(fields, "username"), roleId: try Self.integer(fields, "role_id"))
        return emptyJSONResponse
    }

    private func listUsers(_ request: RouteRequest) throws -> HTTPResponse {
        let roleId = try Self.integer(try request.fields(), "role_id")
        _ = try store.role(id: roleId)
        let rows = try store.assignments(roleId: roleId).map { Self.assignment(id: $0.id, userId: $0.userId, roleId: roleId) }
        return jsonResponse(.object([("assignments", .array(rows))]))
    }

    private func rolesOfUser(_ request: RouteRequest) throws -> HTTPResponse {
        let caller = try UserRoutes(access: access).caller(request)
        let username = try UserRoutes.required(try request.fields(), "username")
        try UserRoutes.requireSelfOrAdmin(caller, username)
        let user = try store.requireUser(named: username)
        return jsonResponse(.object([("roles", .array(try store.roles(userId: user.id).map(UserRoutes.json)))]))
    }

    /// An integer parameter: a JSON number or a numeric string (MLflow's `_get_int_param`).
    static func integer(_ fields: RequestFields, _ name: String) throws -> Int64 {
        let text = try UserRoutes.required(fields, name)
        guard let value = Int64(text) else {
            throw MLflowError.invalidParameter("Parameter '\(name)' must be an integer. Got: '\(text)'")
        }
        return value
    }

    static func assignment(id: Int64, userId: Int64, roleId: Int64) -> JSONValue {
        .object([("id", .integer(id)), ("user_id", .integer(userId)), ("role_id", .integer(roleId))])
    }
}
