import TrackingCore

/// MLflow's permission levels and what each allows (mlflow/server/auth/permissions.py).
public enum Permission: String, Sendable, CaseIterable {
    case read = "READ"
    case use = "USE"
    case edit = "EDIT"
    case manage = "MANAGE"
    case noPermissions = "NO_PERMISSIONS"
    /// An explicit refusal that no other grant overrides.
    case deny = "DENY"

    public var canRead: Bool { self == .read || self == .use || self == .edit || self == .manage }
    public var canUse: Bool { self == .use || self == .edit || self == .manage }
    public var canUpdate: Bool { self == .edit || self == .manage }
    public var canDelete: Bool { self == .manage }
    public var canManage: Bool { self == .manage }

    /// MLflow's priority when several grants meet: DENY below everything, MANAGE highest.
    public var priority: Int {
        switch self {
        case .deny: return -1
        case .noPermissions: return 0
        case .read: return 1
        case .use: return 2
        case .edit: return 3
        case .manage: return 4
        }
    }

    /// A level named in a request, or MLflow's INVALID_PARAMETER_VALUE.
    public static func parse(_ name: String) throws -> Permission {
        guard let permission = Permission(rawValue: name) else {
            throw MLflowError.invalidParameter(
                "Invalid permission '\(name)'. Valid permissions are: "
                + "('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS', 'DENY')")
        }
        return permission
    }

    /// What an action needs of the caller's permission on the resource.
    public enum Need: Sendable {
        case read, use, update, delete, manage
    }

    public func allows(_ need: Need) -> Bool {
        switch need {
        case .read: return canRead
        case .use: return canUse
        case .update: return canUpdate
        case .delete: return canDelete
        case .manage: return canManage
        }
    }
}
