import SQL
import TrackingCore

/// Named roles (MLflow 3's roles API): their grants and who holds them. Workspaces are not
/// served, so every role lives in MLflow's "default" workspace.
extension AuthStore {
    /// A named role (RESOURCE_ALREADY_EXISTS when the name is taken; `__user_` names are reserved).
    @discardableResult
    public func createRole(name: String, description: String? = nil) throws -> Role {
        guard !name.isEmpty else { throw MLflowError.invalidParameter("Role name cannot be empty.") }
        try Self.rejectReservedRoleName(name)
        do {
            return try database.write { connection in
                let id = try connection.insertReturningKey("INSERT INTO roles (name, description) VALUES (?, ?)",
                                                           [.text(name), description.map(SQLValue.text) ?? .null],
                                                           keyColumn: "id")
                return Role(id: id, name: name, description: description)
            }
        } catch is SQLConstraintViolation {
            throw MLflowError(.resourceAlreadyExists, "Role (name=\(name), workspace=default) already exists.")
        }
    }

    /// Gives the user the named role; RESOURCE_ALREADY_EXISTS when they hold it.
    public func assignRole(username: String, roleName: String) throws {
        let roleId = try database.read { connection in try Self.roleId(connection, roleName) }
        guard let roleId else { throw MLflowError.notFound("Role with name=\(roleName) in workspace=default not found") }
        _ = try assignRole(username: username, roleId: roleId)
    }

    /// Gives the user the role; returns the assignment's id.
    public func assignRole(username: String, roleId: Int64) throws -> Int64 {
        try database.write { connection in
            guard let user = try Self.user(connection, username) else { throw Self.userNotFound(username) }
            guard try connection.queryFirst("SELECT 1 FROM roles WHERE id = ?", [.integer(roleId)], { _ in true }) != nil
            else { throw MLflowError.notFound("Role with id=\(roleId) not found") }
            if try connection.queryFirst("SELECT 1 FROM user_role_assignments WHERE user_id = ? AND role_id = ?",
                                         [.integer(user.id), .integer(roleId)], { _ in true }) != nil {
                throw MLflowError(.resourceAlreadyExists,
                                  "User role assignment (user_id=\(user.id), role_id=\(roleId)) already exists")
            }
            return try connection.insertReturningKey("INSERT INTO user_role_assignments (user_id, role_id) VALUES (?, ?)",
                                                     [.integer(user.id), .integer(roleId)], keyColumn: "id")
        }
    }

    /// Whether the user holds the named role (directly or through a group).
    public func holdsRole(userId: Int64, roleName: String) throws -> Bool {
        try database.read { connection in
            try connection.queryFirst("SELECT 1 FROM roles WHERE name = ? AND id IN (\(Self.heldRoleIds))",
                                      [.text(roleName)] + Self.heldRoleBindings(userId)) { _ in true } ?? false
        }
    }

    public func role(id: Int64) throws -> Role {
        try database.read { connection in
            guard var role = try connection.queryFirst("SELECT id, name, workspace, description FROM roles WHERE id = ?",
                                                       [.integer(id)], Self.roleRow) else {
                throw MLflowError.notFound("Role with id=\(id) not found")
            }
            role.permissions = try Self.permissions(connection, roleId: id)
            return role
        }
    }

    /// Every role, personal ones included (as MLflow lists them), with their grants.
    public func listRoles() throws -> [Role] {
        try database.read { connection in
            try connection.query("SELECT id, name, workspace, description FROM roles ORDER BY id", [], Self.roleRow)
                .map { role in
                    var role = role
                    role.permissions = try Self.permissions(connection, roleId: role.id)
                    return role
                }
        }
    }

    /// Renames the role or changes its description (nil leaves either as it is).
    public func updateRole(id: Int64, name: String?, description: String?) throws -> Role {
        if let name {
            guard !name.trimmingCharacters(in: " ").isEmpty else {
                throw MLflowError.invalidParameter("Role name cannot be empty.")
            }
            try Self.rejectReservedRoleName(name)
        }
        try database.write { connection in
            guard try connection.queryFirst("SELECT 1 FROM roles WHERE id = ?", [.integer(id)], { _ in true }) != nil else {
                throw MLflowError.notFound("Role with id=\(id) not found")
            }
            if let name {
                if try connection.queryFirst("SELECT 1 FROM roles WHERE name = ? AND id != ?",
                                             [.text(name), .integer(id)], { _ in true }) != nil {
                    throw MLflowError(.resourceAlreadyExists, "Role with name=\(name) already exists in workspace=default")
                }
                try connection.execute("UPDATE roles SET name = ? WHERE id = ?", [.text(name), .integer(id)])
            }
            if let description {
                try connection.execute("UPDATE roles SET description = ? WHERE id = ?", [.text(description), .integer(id)])
            }
        }
        return try role(id: id)
    }

    public func deleteRole(id: Int64) throws {
        try database.write { connection in
            // The dependents go explicitly: MySQL ignores the column-level REFERENCES of schema version 1.
            for table in ["role_permissions", "user_role_assignments", "group_role_assignments"] {
                try connection.execute("DELETE FROM \(table) WHERE role_id = ?", [.integer(id)])
            }
            guard try connection.execute("DELETE FROM roles WHERE id = ?", [.integer(id)]) > 0 else {
                throw MLflowError.notFound("Role with id=\(id) not found")
            }
        }
    }

    public func addRolePermission(roleId: Int64, _ type: ResourceType, _ pattern: String,
                                  _ permission: Permission) throws -> RolePermission {
        let pattern = type.canonical(pattern)
        do {
            return try database.write { connection in
                guard try connection.queryFirst("SELECT 1 FROM roles WHERE id = ?", [.integer(roleId)], { _ in true }) != nil
                else { throw MLflowError.notFound("Role with id=\(roleId) not found") }
                let id = try connection.insertReturningKey(
                    "INSERT INTO role_permissions (role_id, resource_type, resource_pattern, permission) VALUES (?, ?, ?, ?)",
                    [.integer(roleId), .text(type.rawValue), .text(pattern), .text(permission.rawValue)], keyColumn: "id")
                return RolePermission(id: id, roleId: roleId, resourceType: type, resourcePattern: pattern,
                                      permission: permission)
            }
        } catch is SQLConstraintViolation {
            throw MLflowError(.resourceAlreadyExists, "Role permission (role_id=\(roleId), resource_type=\(type.rawValue), "
                              + "resource_pattern=\(pattern)) already exists.")
        }
    }

    /// One grant of a role, by its id.
    public func rolePermission(id: Int64) throws -> RolePermission {
        try database.read { connection in try Self.requireRolePermission(connection, id) }
    }

    /// Changes the level of one grant of a role.
    public func updateRolePermission(id: Int64, _ permission: Permission) throws -> RolePermission {
        try database.write { connection in
            var grant = try Self.requireRolePermission(connection, id)
            try connection.execute("UPDATE role_permissions SET permission = ? WHERE id = ?",
                                   [.text(permission.rawValue), .integer(id)])
            grant.permission = permission
            return grant
        }
    }

    static func requireRolePermission(_ connection: any SQLConnection, _ id: Int64) throws -> RolePermission {
        guard let grant = try connection.queryFirst(
            "SELECT id, role_id, resource_type, resource_pattern, permission FROM role_permissions WHERE id = ?",
            [.integer(id)], { row in
                RolePermission(id: row.int64(0), roleId: row.int64(1),
                               resourceType: ResourceType(rawValue: row.string(2)) ?? .experiment,
                               resourcePattern: row.string(3),
                               permission: Permission(rawValue: row.string(4)) ?? .noPermissions)
            }) else {
            throw MLflowError.notFound("Role permission with id=\(id) not found")
        }
        return grant
    }

    public func removeRolePermission(id: Int64) throws {
        try database.write { connection in
            guard try connection.execute("DELETE FROM role_permissions WHERE id = ?", [.integer(id)]) > 0 else {
                throw MLflowError.notFound("Role permission with id=\(id) not found")
            }
        }
    }

    /// Takes the role from the user; RESOURCE_DOES_NOT_EXIST when they do not hold it.
    public func unassignRole(username: String, roleId: Int64) throws {
        try database.write { connection in
            guard let user = try Self.user(connection, username) else { throw Self.userNotFound(username) }
            guard try connection.execute("DELETE FROM user_role_assignments WHERE user_id = ? AND role_id = ?",
                                         [.integer(user.id), .integer(roleId)]) > 0 else {
                throw MLflowError.notFound("User role assignment (user_id=\(user.id), role_id=\(roleId)) not found")
            }
        }
    }

    /// The users holding the role, as (assignment id, user id).
    public func assignments(roleId: Int64) throws -> [(id: Int64, userId: Int64)] {
        try database.read { connection in
            try connection.query("SELECT id, user_id FROM user_role_assignments WHERE role_id = ? ORDER BY id",
                                 [.integer(roleId)]) { (id: $0.int64(0), userId: $0.int64(1)) }
        }
    }

    /// The `__user_` prefix is held for personal roles (MLflow's message).
    static func rejectReservedRoleName(_ name: String) throws {
        guard name.hasPrefix("__user_") else { return }
        throw MLflowError.invalidParameter("Role name '\(name)' uses the reserved '__user_' prefix, which is held for "
            + "the per-user permission representation. Choose a different name.")
    }

    static func roleRow(_ row: any SQLRow) -> Role {
        Role(id: row.int64(0), name: row.string(1), workspace: row.string(2), description: row.optionalString(3))
    }

    static func permissions(_ connection: any SQLConnection, roleId: Int64) throws -> [RolePermission] {
        try connection.query(
            "SELECT id, resource_type, resource_pattern, permission FROM role_permissions WHERE role_id = ? ORDER BY id",
            [.integer(roleId)]) { row in
                RolePermission(id: row.int64(0), roleId: roleId,
                               resourceType: ResourceType(rawValue: row.string(1)) ?? .experiment,
                               resourcePattern: row.string(2),
                               permission: Permission(rawValue: row.string(3)) ?? .noPermissions)
            }
    }
}
