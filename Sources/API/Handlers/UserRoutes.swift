import Auth
import HTTPTransport
import JSON
import TrackingCore

/// MLflow's basic-auth user API (`/api/2.0/mlflow/users/...`) and its per-user grant API
/// (`/api/3.0/mlflow/users/permissions/...`), as `mlflow.server.get_app_client("basic-auth")`
/// calls them. The access rules let signed-in users in; who may do what to whom is checked here.
struct UserRoutes {
    let access: AccessControl

    var version2: [Route] {
        [
            Route("POST", "/mlflow/users/create", access: .admin, create),
            Route("GET", "/mlflow/users/get", access: .signedIn, get),
            Route("GET", "/mlflow/users/current", access: .signedIn, current),
            Route("GET", "/mlflow/users/list", access: .admin, list),
            Route("PATCH", "/mlflow/users/update-password", access: .signedIn, updatePassword),
            Route("PATCH", "/mlflow/users/update-admin", access: .admin, updateAdmin),
            Route("DELETE", "/mlflow/users/delete", access: .admin, delete),
        ]
    }

    var version3: [Route] {
        [
            Route("GET", "/mlflow/users/current/permissions", access: .signedIn, currentPermissions),
            Route("GET", "/mlflow/users/permissions/list", access: .signedIn, listPermissions),
            Route("POST", "/mlflow/users/permissions/grant", access: .signedIn, grant),
            Route("POST", "/mlflow/users/permissions/revoke", access: .signedIn, revoke),
            Route("GET", "/mlflow/users/permissions/get", access: .signedIn, getPermission),
        ]
    }

    private var store: AuthStore { access.store }

    // MARK: Users

    private func create(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let username = try Self.required(fields, "username"), password = try Self.required(fields, "password")
        let user = try store.createUser(username: username, password: password)
        return jsonResponse(.object([("user", Self.json(user))]))
    }

    private func get(_ request: RouteRequest) throws -> HTTPResponse {
        let caller = try self.caller(request)
        let username = try Self.required(try request.fields(), "username")
        try Self.requireSelfOrAdmin(caller, username)
        return jsonResponse(.object([("user", Self.json(try store.requireUser(named: username)))]))
    }

    private func current(_ request: RouteRequest) throws -> HTTPResponse {
        jsonResponse(.object([("user", Self.json(try caller(request))), ("is_basic_auth", .bool(true))]))
    }

    private func list(_ request: RouteRequest) throws -> HTTPResponse {
        let caller = try self.caller(request)
        let users = try store.listUsers().map { user -> JSONValue in
            let roles = caller.isAdmin || caller.id == user.id ? try store.roles(userId: user.id) : []
            guard case .object(var members) = Self.json(user) else { return Self.json(user) }
            members.append(("roles", .array(roles.map(Self.json))))
            return .object(members)
        }
        return jsonResponse(.object([("users", .array(users))]))
    }

    private func updatePassword(_ request: RouteRequest) throws -> HTTPResponse {
        let caller = try self.caller(request)
        let fields = try request.fields()
        let username = try Self.required(fields, "username"), password = try Self.required(fields, "password")
        try Self.requireSelfOrAdmin(caller, username)
        if PathSegments.same(caller.username, username) {
            guard let current = AccessControl.text(fields.raw("current_password")) else {
                throw MLflowError.invalidParameter("Current password is required when changing your own password.")
            }
            guard PasswordHash.verify(current, against: caller.passwordHash) else {
                throw MLflowError.invalidParameter("Current password does not match.")
            }
            guard current != password else {
                throw MLflowError.invalidParameter("New password must differ from the current password.")
            }
        }
        try store.updatePassword(username: username, password: password)
        return emptyJSONResponse
    }

    private func updateAdmin(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let username = try Self.required(fields, "username")
        guard let isAdmin = try fields.bool("is_admin") else { throw Self.missing("is_admin") }
        try store.updateAdmin(username: username, isAdmin: isAdmin)
        return emptyJSONResponse
    }

    private func delete(_ request: RouteRequest) throws -> HTTPResponse {
        let caller = try self.caller(request)
        let username = try Self.required(try request.fields(), "username")
        guard username != caller.username else {
            throw MLflowError(.badRequest,
                              "Users cannot delete their own account. Ask another admin to delete this user instead.")
        }
        try store.deleteUser(username: username)
        return emptyJSONResponse
    }

    // MARK: Grants

    private func currentPermissions(_ request: RouteRequest) throws -> HTTPResponse {
        let caller = try self.caller(request)
        return try permissions(of: caller)
    }

    private func listPermissions(_ request: RouteRequest) throws -> HTTPResponse {
        let caller = try self.caller(request)
        let username = try Self.required(try request.fields(), "username")
        try Self.requireSelfOrAdmin(caller, username)
        return try permissions(of: try store.requireUser(named: username))
    }

    private func permissions(of user: AuthUser) throws -> HTTPResponse {
        let rows = try store.rolePermissions(userId: user.id).map { role, grant -> JSONValue in
            .object([("role_id", .integer(role.id)), ("role_name", .string(role.name)),
                     ("workspace", .string(role.workspace)), ("resource_type", .string(grant.resourceType.rawValue)),
                     ("resource_pattern", .string(grant.resourcePattern)),
                     ("permission", .string(grant.permission.rawValue))])
        }
        return jsonResponse(.object([("is_admin", .bool(user.isAdmin)), ("permissions", .array(rows))]))
    }

    private func grant(_ request: RouteRequest) throws -> HTTPResponse {
        let (caller, fields, type, resource) = try grantTarget(request)
        try requireManage(caller, type, resource)
        let username = try Self.required(fields, "username")
        let permission = try Self.grantLevel(try Self.required(fields, "permission"), type)
        try store.createGrant(username: username, type, resource, permission)
        return emptyJSONResponse
    }

    private func revoke(_ request: RouteRequest) throws -> HTTPResponse {
        let (caller, fields, type, resource) = try grantTarget(request)
        try requireManage(caller, type, resource)
        try store.deleteGrant(username: try Self.required(fields, "username"), type, resource)
        return emptyJSONResponse
    }

    private func getPermission(_ request: RouteRequest) throws -> HTTPResponse {
        let (caller, fields, type, resource) = try grantTarget(request)
        let username = try Self.required(fields, "username")
        try Self.requireSelfOrAdmin(caller, username)
        let user = try store.requireUser(named: username)
        let level = user.isAdmin ? Permission.manage : try access.permission(user, type, resource)
        return jsonResponse(.object([("allowed", .bool(level.canUse)), ("permission", .string(level.rawValue))]))
    }

    /// The caller, the fields, and the resource a grant request names.
    private func grantTarget(_ request: RouteRequest) throws -> (AuthUser, RequestFields, ResourceType, String) {
        let caller = try self.caller(request)
        let fields = try request.fields()
        let type = try Self.resourceType(try Self.required(fields, "resource_type"))
        let resource = try Self.required(fields, "resource_id")
        return (caller, fields, type, resource)
    }

    /// Granting on one resource needs MANAGE on it; on every resource (`*`), an admin.
    private func requireManage(_ caller: AuthUser, _ type: ResourceType, _ resource: String) throws {
        if caller.isAdmin { return }
        guard resource != "*" else { throw AccessControl.denied("only admins grant on every resource ('*').") }
        try access.require(.manage, caller, type, resource)
    }

    // MARK: Helpers

    /// The signed-in user the request comes from.
    /// The signed-in caller as the auth store has them now (an admin flag changed since sign-in counts).
    func caller(_ request: RouteRequest) throws -> AuthUser {
        guard let signedIn = request.caller, let user = try store.user(named: signedIn.username) else {
            throw MLflowError(.unauthenticated, "You are not authenticated.")
        }
        return user
    }

    /// Names are compared byte for byte, as the auth store looks them up: Swift's `==` takes
    /// canonically equal names (`ren\u{E9}`, `rene\u{301}`; `\u{212A}ate`, `Kate`) for one, and let
    /// one account act on the other's (break-in review 2).
    static func requireSelfOrAdmin(_ caller: AuthUser, _ username: String) throws {
        guard caller.isAdmin || PathSegments.same(caller.username, username) else {
            throw AccessControl.denied("\(caller.username) may act on their own account only.")
        }
    }

    static func missing(_ name: String) -> MLflowError {
        MLflowError.invalidParameter(
            "Missing value for required parameter '\(name)'. See the API docs for more information about request parameters.")
    }

    static func required(_ fields: RequestFields, _ name: String) throws -> String {
        guard let value = AccessControl.text(fields.raw(name)) else { throw missing(name) }
        return value
    }

    /// A resource type Swiftrack resolves grants for (experiments, registered models), or MLflow's 400.
    static func resourceType(_ name: String) throws -> ResourceType {
        guard let type = ResourceType(rawValue: name) else {
            if mlflowResourceTypes.contains(name) {
                throw MLflowError.invalidParameter(
                    "resource_type '\(name)' is not supported by the per-user permission convenience APIs.")
            }
            throw MLflowError.invalidParameter("Invalid resource type '\(name)'. Valid resource types are: ("
                + mlflowResourceTypes.map { "'\($0)'" }.joined(separator: ", ") + ")")
        }
        return type
    }

    /// Per-resource grants take READ, USE, EDIT, MANAGE or DENY (MLflow's rule).
    static func grantLevel(_ name: String, _ type: ResourceType) throws -> Permission {
        let level = try Permission.parse(name)
        guard level != .noPermissions else {
            throw MLflowError.invalidParameter("Invalid permission '\(name)' for resource_type='\(type.rawValue)'. "
                                               + "Resource-level grants accept only: ('DENY', 'EDIT', 'MANAGE', 'READ', 'USE').")
        }
        return level
    }

    static let mlflowResourceTypes = [
        "assessment", "experiment", "gateway_endpoint", "gateway_model_definition", "gateway_secret", "logged_model",
        "mcp_server", "mcp_server_version", "prompt", "prompt_version", "registered_model", "registered_model_version",
        "review_queue", "run", "scorer", "scorer_version", "trace", "workspace",
    ]

    static func json(_ user: AuthUser) -> JSONValue {
        .object([("id", .integer(user.id)), ("username", .string(user.username)), ("is_admin", .bool(user.isAdmin))])
    }

    static func json(_ role: Role) -> JSONValue {
        .object([
            ("id", .integer(role.id)), ("name", .string(role.name)), ("workspace", .string(role.workspace)),
            ("description", role.description.map(JSONValue.string) ?? .null),
            ("permissions", .array(role.permissions.map(json))),
        ])
    }

    static func json(_ grant: RolePermission) -> JSONValue {
        .object([("id", .integer(grant.id)), ("role_id", .integer(grant.roleId)),
                 ("resource_type", .string(grant.resourceType.rawValue)),
                 ("resource_pattern", .string(grant.resourcePattern)),
                 ("permission", .string(grant.permission.rawValue))])
    }
}
