import Auth
import HTTPServer
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
            Route("POST", "/mlflow/roles/create", create),
            Route("GET", "/mlflow/roles/get", get),
            Route("GET", "/mlflow/roles/list", list),
            Route("PATCH", "/mlflow/roles/update", update),
            Route("DELETE", "/mlflow/roles/delete", delete),
            Route("POST", "/mlflow/roles/permissions/add", addPermission),
            Route("PATCH", "/mlflow/roles/permissions/update", updatePermission),
            Route("DELETE", "/mlflow/roles/permissions/remove", removePermission),
            Route("GET", "/mlflow/roles/permissions/list", listPermissions),
            Route("POST", "/mlflow/roles/assign", assign),
            Route("DELETE", "/mlflow/roles/unassign", unassign),
            Route("GET", "/mlflow/roles/users/list", listUsers),
            Route("GET", "/mlflow/users/roles/list", rolesOfUser),
        ]
    }

    private func create(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let name = try UserRoutes.required(fields, "name")
        if let workspace = AccessControl.text(fields.raw("workspace")), workspace != "default" {
            throw MLflowError.invalidParameter("Workspaces are not served: roles live in workspace 'default'.")
        }
        let role = try store.createRole(name: name, description: AccessControl.text(fields.raw("description")))
        return jsonResponse(.object([("role", UserRoutes.json(role))]))
    }

    private func get(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = try Self.integer(try RequestFields.from(request), "role_id")
        return jsonResponse(.object([("role", UserRoutes.json(try store.role(id: id)))]))
    }

    private func list(_ request: HTTPRequest) throws -> HTTPResponse {
        jsonResponse(.object([("roles", .array(try store.listRoles().map(UserRoutes.json)))]))
    }

    /// MLflow's `update_role`: a new name, a new description, or both.
    private func update(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
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

    private func delete(_ request: HTTPRequest) throws -> HTTPResponse {
        try store.deleteRole(id: try Self.integer(try RequestFields.from(request), "role_id"))
        return emptyJSONResponse
    }

    private func addPermission(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let roleId = try Self.integer(fields, "role_id")
        let level = try Permission.parse(try UserRoutes.required(fields, "permission"))
        let type = try UserRoutes.resourceType(try UserRoutes.required(fields, "resource_type"))
        let pattern = try UserRoutes.required(fields, "resource_pattern")
        let grant = try store.addRolePermission(roleId: roleId, type, pattern, try UserRoutes.grantLevel(level.rawValue, type))
        return jsonResponse(.object([("role_permission", UserRoutes.json(grant))]))
    }

    private func updatePermission(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let id = try Self.integer(fields, "role_permission_id")
        let level = try UserRoutes.required(fields, "permission")
        let current = try store.rolePermission(id: id)
        let grant = try store.updateRolePermission(id: id, try UserRoutes.grantLevel(level, current.resourceType))
        return jsonResponse(.object([("role_permission", UserRoutes.json(grant))]))
    }

    private func removePermission(_ request: HTTPRequest) throws -> HTTPResponse {
        try store.removeRolePermission(id: try Self.integer(try RequestFields.from(request), "role_permission_id"))
        return emptyJSONResponse
    }

    private func listPermissions(_ request: HTTPRequest) throws -> HTTPResponse {
        let role = try store.role(id: try Self.integer(try RequestFields.from(request), "role_id"))
        return jsonResponse(.object([("role_permissions", .array(role.permissions.map(UserRoutes.json)))]))
    }

    private func assign(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let username = try UserRoutes.required(fields, "username"), roleId = try Self.integer(fields, "role_id")
        let id = try store.assignRole(username: username, roleId: roleId)
        let user = try store.requireUser(named: username)
        return jsonResponse(.object([("assignment", Self.assignment(id: id, userId: user.id, roleId: roleId))]))
    }

    private func unassign(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        try store.unassignRole(username: try UserRoutes.required(fields, "username"), roleId: try Self.integer(fields, "role_id"))
        return emptyJSONResponse
    }

    private func listUsers(_ request: HTTPRequest) throws -> HTTPResponse {
        let roleId = try Self.integer(try RequestFields.from(request), "role_id")
        _ = try store.role(id: roleId)
        let rows = try store.assignments(roleId: roleId).map { Self.assignment(id: $0.id, userId: $0.userId, roleId: roleId) }
        return jsonResponse(.object([("assignments", .array(rows))]))
    }

    private func rolesOfUser(_ request: HTTPRequest) throws -> HTTPResponse {
        let caller = try UserRoutes(access: access).caller(request)
        let username = try UserRoutes.required(try RequestFields.from(request), "username")
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
