import SQL
import TrackingCore

/// Groups of users (Swiftrack's; MLflow has none): a role assigned to a group is held by each
/// member, so a team's grants and the governance role are given once.
extension AuthStore {
    @discardableResult
    public func createGroup(name: String, description: String? = nil) throws -> UserGroup {
        guard !name.trimmingCharacters(in: " ").isEmpty else {
            throw MLflowError.invalidParameter("Group name cannot be empty.")
        }
        do {
            return try database.write { connection in
                let id = try connection.insertReturningKey("INSERT INTO user_groups (name, description) VALUES (?, ?)",
                                                           [.text(name), description.map(SQLValue.text) ?? .null],
                                                           keyColumn: "id")
                return UserGroup(id: id, name: name, description: description)
            }
        } catch is SQLConstraintViolation {
            throw MLflowError(.resourceAlreadyExists, "Group (name=\(name)) already exists.")
        }
    }

    public func group(named name: String) throws -> UserGroup {
        try database.read { connection in
            let id = try Self.requireGroup(connection, name)
            return try Self.loadGroup(connection, id)
        }
    }

    public func listGroups() throws -> [UserGroup] {
        try database.read { connection in
            try connection.query("SELECT id FROM user_groups ORDER BY id", []) { $0.int64(0) }
                .map { try Self.loadGroup(connection, $0) }
        }
    }

    /// The groups the user belongs to, by name.
    public func groups(userId: Int64) throws -> [String] {
        try database.read { connection in
            try connection.query(
                """
                SELECT g.name FROM user_groups g JOIN user_group_members m ON m.group_id = g.id
                WHERE m.user_id = ? ORDER BY g.id
                """, [.integer(userId)]) { $0.string(0) }
        }
    }

    public func deleteGroup(name: String) throws {
        try database.write { connection in
            let id = try Self.requireGroup(connection, name)
            try connection.execute("DELETE FROM user_group_members WHERE group_id = ?", [.integer(id)])
            try connection.execute("DELETE FROM group_role_assignments WHERE group_id = ?", [.integer(id)])
            try connection.execute("DELETE FROM user_groups WHERE id = ?", [.integer(id)])
        }
    }

    /// Adds the user to the group; RESOURCE_ALREADY_EXISTS when they are a member.
    public func addMember(group: String, username: String) throws {
        try database.write { connection in
            let id = try Self.requireGroup(connection, group)
            guard let user = try Self.user(connection, username) else { throw Self.userNotFound(username) }
            if try Self.exists(connection, "user_group_members", "user_id", id, user.id) {
                throw MLflowError(.resourceAlreadyExists, "User \(username) is already a member of group \(group).")
            }
            try connection.execute("INSERT INTO user_group_members (group_id, user_id) VALUES (?, ?)",
                                   [.integer(id), .integer(user.id)])
        }
    }

    public func removeMember(group: String, username: String) throws {
        try database.write { connection in
            let id = try Self.requireGroup(connection, group)
            guard let user = try Self.user(connection, username) else { throw Self.userNotFound(username) }
            guard try connection.execute("DELETE FROM user_group_members WHERE group_id = ? AND user_id = ?",
                                         [.integer(id), .integer(user.id)]) > 0 else {
                throw MLflowError.notFound("User \(username) is not a member of group \(group).")
            }
        }
    }

    /// Gives the group (so each member) the role; RESOURCE_ALREADY_EXISTS when it holds it.
    public func assignRole(group: String, roleId: Int64) throws {
        try database.write { connection in
            let id = try Self.requireGroup(connection, group)
            guard let role = try connection.queryFirst("SELECT name FROM roles WHERE id = ?", [.integer(roleId)],
                                                       { $0.string(0) }) else {
                throw MLflowError.notFound("Role with id=\(roleId) not found")
            }
            guard !role.hasPrefix("__user_") else {
                throw MLflowError.invalidParameter("A user's personal role (\(role)) cannot be given to a group.")
            }
            if try Self.exists(connection, "group_role_assignments", "role_id", id, roleId) {
                throw MLflowError(.resourceAlreadyExists, "Group \(group) already holds role \(role).")
            }
            try connection.execute("INSERT INTO group_role_assignments (group_id, role_id) VALUES (?, ?)",
                                   [.integer(id), .integer(roleId)])
        }
    }

    public func unassignRole(group: String, roleId: Int64) throws {
        try database.write { connection in
            let id = try Self.requireGroup(connection, group)
            guard try connection.execute("DELETE FROM group_role_assignments WHERE group_id = ? AND role_id = ?",
                                         [.integer(id), .integer(roleId)]) > 0 else {
                throw MLflowError.notFound("Group \(group) does not hold the role with id=\(roleId).")
            }
        }
    }

    // MARK: Rows

    static func requireGroup(_ connection: any SQLConnection, _ name: String) throws -> Int64 {
        guard let id = try connection.queryFirst("SELECT id FROM user_groups WHERE name = ?", [.text(name)],
                                                 { $0.int64(0) }) else {
            throw MLflowError.notFound("Group with name=\(name) not found")
        }
        return id
    }

    private static func exists(_ connection: any SQLConnection, _ table: String, _ column: String, _ groupId: Int64,
                               _ value: Int64) throws -> Bool {
        try connection.queryFirst("SELECT 1 FROM \(table) WHERE group_id = ? AND \(column) = ?",
                                  [.integer(groupId), .integer(value)]) { _ in true } ?? false
    }

    private static func loadGroup(_ connection: any SQLConnection, _ id: Int64) throws -> UserGroup {
        guard var group = try connection.queryFirst("SELECT id, name, description FROM user_groups WHERE id = ?",
                                                    [.integer(id)], { row in
                                                        UserGroup(id: row.int64(0), name: row.string(1),
                                                                  description: row.optionalString(2))
                                                    }) else {
            throw MLflowError.notFound("Group with id=\(id) not found")
        }
        group.members = try connection.query(
            "SELECT u.username FROM user_group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? ORDER BY m.id",
            [.integer(id)]) { $0.string(0) }
        group.roles = try connection.query(
            "SELECT r.name FROM group_role_assignments a JOIN roles r ON r.id = a.role_id WHERE a.group_id = ? ORDER BY a.id",
            [.integer(id)]) { $0.string(0) }
        return group
    }
}
