/// A user of the server. `passwordHash` never leaves the server (MLflow answers "REDACTED").
public struct AuthUser: Sendable, Equatable {
    public var id: Int64
    public var username: String
    public var passwordHash: String
    public var isAdmin: Bool

    public init(id: Int64, username: String, passwordHash: String, isAdmin: Bool) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.isAdmin = isAdmin
    }
}

/// What a grant applies to; the resource is named by `resource_pattern` (an id, a name, or `*`).
public enum ResourceType: String, Sendable, CaseIterable {
    case experiment
    case registeredModel = "registered_model"

    /// The one spelling grants are kept and looked up under: experiment ids as the tracking store
    /// reads them (`"05"` is experiment 5), so another spelling can never dodge a grant.
    public func canonical(_ resource: String) -> String {
        guard self == .experiment, let key = Int64(resource) else { return resource }
        return String(key)
    }
}

/// One grant of a role: a permission on a resource (or on every resource of the type, `*`).
public struct RolePermission: Sendable, Equatable {
    public var id: Int64
    public var roleId: Int64
    public var resourceType: ResourceType
    public var resourcePattern: String
    public var permission: Permission

    public init(id: Int64, roleId: Int64, resourceType: ResourceType, resourcePattern: String, permission: Permission) {
        self.id = id
        self.roleId = roleId
        self.resourceType = resourceType
        self.resourcePattern = resourcePattern
        self.permission = permission
    }
}

/// A named bundle of grants, assigned to users.
public struct Role: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// MLflow's workspace of the role; always "default" here (workspaces are not served).
    public var workspace: String
    public var description: String?
    public var permissions: [RolePermission]

    public init(id: Int64, name: String, workspace: String = "default", description: String?,
                permissions: [RolePermission] = []) {
        self.id = id
        self.name = name
        self.workspace = workspace
        self.description = description
        self.permissions = permissions
    }

    /// The role that holds one user's direct grants (MLflow's naming).
    public static func personalName(userId: Int64) -> String { "__user_\(userId)__" }

    public var isPersonal: Bool { name.hasPrefix("__user_") && name.hasSuffix("__") }
}

/// A named group of users; the roles assigned to it are held by every member.
public struct UserGroup: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var description: String?
    /// Usernames, in the order they joined.
    public var members: [String]
    /// Names of the roles the group holds.
    public var roles: [String]

    public init(id: Int64, name: String, description: String?, members: [String] = [], roles: [String] = []) {
        self.id = id
        self.name = name
        self.description = description
        self.members = members
        self.roles = roles
    }
}
