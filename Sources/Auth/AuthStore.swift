public import SQL
import TrackingCore

/// Users, roles and grants in their own database (any engine `Storage` opens), with MLflow's
/// rules and messages. Nothing is cached: several replicas share one auth database.
public final class AuthStore: Sendable {
    /// The resource pattern a grant on every resource of its type uses.
    public static let everyResource = "*"
    public let database: any SQLDatabase
    /// PBKDF2 iterations for new hashes (tests lower it; stored hashes carry their own count).
    let passwordIterations: Int

    public init(database: any SQLDatabase, passwordIterations: Int = PasswordHash.defaultIterations) throws {
        self.database = database
        self.passwordIterations = passwordIterations
        // As MLflow's auth app does, the auth schema is brought up to date on open (it is small,
        // and its steps only add tables); migrations take a lock, so replicas starting together agree.
        _ = try database.migrate(AuthSchema.migrations, versionTable: AuthSchema.versionTable)
    }

    // MARK: Users

    public static let minimumPasswordLength = 12

    @discardableResult
    public func createUser(username: String, password: String, isAdmin: Bool = false) throws -> AuthUser {
        guard !username.isEmpty else { throw MLflowError.invalidParameter("Username cannot be empty.") }
        try Self.validatePassword(password)
        let hash = PasswordHash.make(password, iterations: passwordIterations)
        do {
            return try database.write { connection in
                try Self.refuseLookAlike(connection, username)
                let id = try connection.insertReturningKey(
                    "INSERT INTO users (username, password_hash, is_admin) VALUES (?, ?, ?)",
                    [.text(username), .text(hash), .integer(isAdmin ? 1 : 0)], keyColumn: "id")
                return AuthUser(id: id, username: username, passwordHash: hash, isAdmin: isAdmin)
            }
        } catch is SQLConstraintViolation {
            throw MLflowError(.resourceAlreadyExists, "User (username=\(username)) already exists.")
        }
    }

    public func user(named username: String) throws -> AuthUser? {
        try database.read { connection in try Self.user(connection, username) }
    }

    public func requireUser(named username: String) throws -> AuthUser {
        guard let user = try user(named: username) else { throw Self.userNotFound(username) }
        return user
    }

    public func listUsers() throws -> [AuthUser] {
        try database.read { connection in
            try connection.query("SELECT id, username, password_hash, is_admin FROM users ORDER BY id", [], Self.userRow)
        }
    }

    public func updatePassword(username: String, password: String) throws {
        try Self.validatePassword(password)
        let hash = PasswordHash.make(password, iterations: passwordIterations)
        try database.write { connection in
            guard try connection.execute("UPDATE users SET password_hash = ? WHERE username = ?",
                                         [.text(hash), .text(username)]) > 0 else { throw Self.userNotFound(username) }
        }
    }

    public func updateAdmin(username: String, isAdmin: Bool) throws {
        try database.write { connection in
            guard try Self.user(connection, username) != nil else { throw Self.userNotFound(username) }
            try connection.execute("UPDATE users SET is_admin = ? WHERE username = ?",
                                   [.integer(isAdmin ? 1 : 0), .text(username)])
        }
    }

    public func deleteUser(username: String) throws {
        try database.write { connection in
            guard let user = try Self.user(connection, username) else { throw Self.userNotFound(username) }
            if let personal = try Self.roleId(connection, Role.personalName(userId: user.id)) {
                try connection.execute("DELETE FROM role_permissions WHERE role_id = ?", [.integer(personal)])
                try connection.execute("DELETE FROM user_role_assignments WHERE role_id = ?", [.integer(personal)])
                try connection.execute("DELETE FROM roles WHERE id = ?", [.integer(personal)])
            }
            try connection.execute("DELETE FROM user_role_assignments WHERE user_id = ?", [.integer(user.id)])
            try connection.execute("DELETE FROM user_group_members WHERE user_id = ?", [.integer(user.id)])
            // Its identity goes too: the provider's next sign-in of that subject starts a new user.
            try connection.execute("DELETE FROM external_identities WHERE user_id = ?", [.integer(user.id)])
            try connection.execute("DELETE FROM users WHERE id = ?", [.integer(user.id)])
        }
    }

    // MARK: A user's own grants (MLflow 3's users/permissions/grant, revoke, get)

    /// Grants `permission` on one resource to the user; an existing grant is RESOURCE_ALREADY_EXISTS.
    public func createGrant(username: String, _ type: ResourceType, _ resource: String, _ permission: Permission) throws {
        try database.write { connection in
            guard let user = try Self.user(connection, username) else { throw Self.userNotFound(username) }
            let roleId = try Self.personalRole(connection, user)
            if try Self.grant(connection, roleId: roleId, type, resource) != nil {
                throw MLflowError(.resourceAlreadyExists, Self.grantDescription(type, resource, username) + " already exists.")
            }
            try Self.insertGrant(connection, roleId: roleId, type, resource, permission)
        }
    }

    /// Sets the user's own grant on one resource, creating or replacing it (the creator's MANAGE).
    public func setGrant(user: AuthUser, _ type: ResourceType, _ resource: String, _ permission: Permission) throws {
        try database.write { connection in
            let roleId = try Self.personalRole(connection, user)
            if let found = try Self.grant(connection, roleId: roleId, type, resource) {
                try Self.reissueGrant(connection, found, permission)
            } else {
                try Self.insertGrant(connection, roleId: roleId, type, resource, permission)
            }
        }
    }

    /// The user's own grant on the resource (not what roles add), or RESOURCE_DOES_NOT_EXIST.
    public func directGrant(username: String, _ type: ResourceType, _ resource: String) throws -> Permission {
        try database.read { connection in try Self.requireDirectGrant(connection, username, type, resource).permission }
    }

    public func updateGrant(username: String, _ type: ResourceType, _ resource: String, _ permission: Permission) throws {
        try database.write { connection in
            let found = try Self.requireDirectGrant(connection, username, type, resource)
            try Self.reissueGrant(connection, found, permission)
        }
    }

    public func deleteGrant(username: String, _ type: ResourceType, _ resource: String) throws {
        try database.write { connection in
            let found = try Self.requireDirectGrant(connection, username, type, resource)
            try connection.execute("DELETE FROM role_permissions WHERE id = ?", [.integer(found.id)])
        }
    }

    /// Users' own grants on the resource follow it to its new name (a renamed registered model);
    /// named roles keep theirs, as in MLflow. Only the grants issued up to `watermark` (read before the
    /// rename ran) move: a grant made on the old name after the rename, such as the creator's MANAGE
    /// on a new model that took the freed name, stays with that new model.
    public func renameResource(_ type: ResourceType, from old: String, to new: String, grantedUpTo watermark: Int64) throws {
        try database.write { connection in
            try connection.execute(
                "UPDATE role_permissions SET resource_pattern = ? WHERE resource_type = ? AND resource_pattern = ? AND "
                    + "id <= ? AND " + Self.onPersonalRole,
                [.text(new), .text(type.rawValue), .text(old), .integer(watermark)])
        }
    }

    /// Users' own grants on a deleted resource go with it (a later one of that name starts clean);
    /// as for `renameResource`, only the grants issued up to `watermark`.
    public func deleteResourceGrants(_ type: ResourceType, _ resource: String, grantedUpTo watermark: Int64) throws {
        try database.write { connection in
            try connection.execute(
                "DELETE FROM role_permissions WHERE resource_type = ? AND resource_pattern = ? AND id <= ? AND "
                    + Self.onPersonalRole,
                [.text(type.rawValue), .text(resource), .integer(watermark)])
        }
    }

    /// The newest grant issued so far. A grant is never changed in place (`reissueGrant`), and ids
    /// are never reused (AUTOINCREMENT on SQLite, sequences elsewhere), so the grants with an id up to
    /// a watermark are exactly those that stood, unchanged, when it was read.
    public func grantWatermark() throws -> Int64 {
        try database.read { connection in
            try connection.queryFirst("SELECT COALESCE(MAX(id), 0) FROM role_permissions") { $0.int64(0) } ?? 0
        }
    }

    /// A `role_permissions` row of a personal role (`__user_<id>__`).
    private static let onPersonalRole =
        "role_id IN (SELECT id FROM roles WHERE SUBSTR(name, 1, 7) = '__user_')"

    // MARK: Listings

    /// The ids of the roles a user holds: assigned to them, or to a group they belong to
    /// (bound by `heldRoleBindings`).
    static let heldRoleIds = """
        SELECT role_id FROM user_role_assignments WHERE user_id = ? UNION
        SELECT gr.role_id FROM group_role_assignments gr JOIN user_group_members gm ON gm.group_id = gr.group_id
        WHERE gm.user_id = ?
        """

    static func heldRoleBindings(_ userId: Int64) -> [SQLValue] { [.integer(userId), .integer(userId)] }

    /// Every grant of every role the user holds (their own role and their groups' included), for permission listings.
    public func rolePermissions(userId: Int64) throws -> [(role: Role, permission: RolePermission)] {
        try database.read { connection in
            try connection.query(
                """
                SELECT r.id, r.name, r.workspace, r.description, rp.id, rp.resource_type, rp.resource_pattern, rp.permission
                FROM roles r JOIN role_permissions rp ON rp.role_id = r.id
                WHERE r.id IN (\(Self.heldRoleIds)) ORDER BY r.id, rp.id
                """, Self.heldRoleBindings(userId)) { row in
                    let role = Role(id: row.int64(0), name: row.string(1), workspace: row.string(2),
                                    description: row.optionalString(3))
                    let permission = RolePermission(
                        id: row.int64(4), roleId: role.id,
                        resourceType: ResourceType(rawValue: row.string(5)) ?? .experiment,
                        resourcePattern: row.string(6), permission: Permission(rawValue: row.string(7)) ?? .noPermissions)
                    return (role, permission)
                }
        }
    }

    /// The roles the user holds (directly or through a group), each with its grants.
    public func roles(userId: Int64) throws -> [Role] {
        let grants = Dictionary(grouping: try rolePermissions(userId: userId).map(\.permission), by: \.roleId)
        return try database.read { connection in
            try connection.query(
                """
                SELECT r.id, r.name, r.workspace, r.description FROM roles r
                WHERE r.id IN (\(Self.heldRoleIds)) ORDER BY r.id
                """, Self.heldRoleBindings(userId)) { row in
                    Role(id: row.int64(0), name: row.string(1), workspace: row.string(2),
                         description: row.optionalString(3), permissions: grants[row.int64(0)] ?? [])
                }
        }
    }

    // MARK: Resolution

    /// What the user's grants (own and through roles) give on one resource: an explicit DENY
    /// wins, otherwise the highest level; nil when nothing names it (the default applies).
    public func effectivePermission(userId: Int64, _ type: ResourceType, _ resource: String) throws -> Permission? {
        try database.read { connection in
            let levels = try connection.query(
                """
                SELECT rp.permission FROM role_permissions rp
                WHERE rp.role_id IN (\(Self.heldRoleIds)) AND rp.resource_type = ? AND rp.resource_pattern IN (?, '*')
                """, Self.heldRoleBindings(userId) + [.text(type.rawValue), .text(type.canonical(resource))]) {
                    Permission(rawValue: $0.string(0))
                }
            return Self.fold(levels.compactMap { $0 })
        }
    }

    /// Every grant of the user on resources of `type`, folded per resource (`*` included), for
    /// filtering search results without a query per item.
    public func grants(userId: Int64, _ type: ResourceType) throws -> [String: Permission] {
        try database.read { connection in
            let rows = try connection.query(
                """
                SELECT rp.resource_pattern, rp.permission FROM role_permissions rp
                WHERE rp.role_id IN (\(Self.heldRoleIds)) AND rp.resource_type = ?
                """, Self.heldRoleBindings(userId) + [.text(type.rawValue)]) { ($0.string(0), Permission(rawValue: $0.string(1))) }
            var byResource: [String: [Permission]] = [:]
            for (resource, level) in rows { if let level { byResource[resource, default: []].append(level) } }
            return byResource.compactMapValues(Self.fold)
        }
    }

    /// DENY wins; otherwise the level of highest priority; nil for no grants.
    public static func fold(_ levels: [Permission]) -> Permission? {
        if levels.contains(.deny) { return .deny }
        return levels.max { $0.priority < $1.priority }
    }

    // MARK: Rows and helpers

    static func validatePassword(_ password: String) throws {
        guard password.count >= minimumPasswordLength else {
            throw MLflowError.invalidParameter("Password must be at least \(minimumPasswordLength) characters.")
        }
    }

    static func userNotFound(_ username: String) -> MLflowError {
        MLflowError.notFound("User with username=\(username) not found")
    }

    static func grantDescription(_ type: ResourceType, _ resource: String, _ username: String) -> String {
        "Permission for user=\(username) on resource_type=\(type.rawValue), resource_id=\(resource)"
    }

    static func grantNotFound(_ type: ResourceType, _ resource: String, _ username: String) -> MLflowError {
        MLflowError.notFound(grantDescription(type, resource, username) + " not found.")
    }

    static func userRow(_ row: any SQLRow) -> AuthUser {
        AuthUser(id: row.int64(0), username: row.string(1), passwordHash: row.string(2), isAdmin: row.int64(3) != 0)
    }

    static func user(_ connection: any SQLConnection, _ username: String) throws -> AuthUser? {
        try connection.queryFirst("SELECT id, username, password_hash, is_admin FROM users WHERE username = ?",
                                  [.text(username)], userRow)
    }

    static func roleId(_ connection: any SQLConnection, _ name: String) throws -> Int64? {
        try connection.queryFirst("SELECT id FROM roles WHERE name = ?", [.text(name)]) { $0.int64(0) }
    }

    /// The user's personal role, created and assigned on first use.
    static func personalRole(_ connection: any SQLConnection, _ user: AuthUser) throws -> Int64 {
        let name = Role.personalName(userId: user.id)
        if let id = try roleId(connection, name) { return id }
        let id = try connection.insertReturningKey("INSERT INTO roles (name, description) VALUES (?, ?)",
                                                   [.text(name), .text("Direct grants of \(user.username)")],
                                                   keyColumn: "id")
        try connection.execute("INSERT INTO user_role_assignments (user_id, role_id) VALUES (?, ?)",
                               [.integer(user.id), .integer(id)])
        return id
    }

    static func grant(_ connection: any SQLConnection, roleId: Int64, _ type: ResourceType,
                      _ resource: String) throws -> RolePermission? {
        try connection.queryFirst(
            """
            SELECT id, role_id, permission FROM role_permissions
            WHERE role_id = ? AND resource_type = ? AND resource_pattern = ?
            """, [.integer(roleId), .text(type.rawValue), .text(type.canonical(resource))]) { row in
                RolePermission(id: row.int64(0), roleId: row.int64(1), resourceType: type,
                               resourcePattern: type.canonical(resource),
                               permission: Permission(rawValue: row.string(2)) ?? .noPermissions)
            }
    }

    static func insertGrant(_ connection: any SQLConnection, roleId: Int64, _ type: ResourceType, _ resource: String,
                            _ permission: Permission) throws {
        try connection.execute(
            "INSERT INTO role_permissions (role_id, resource_type, resource_pattern, permission) VALUES (?, ?, ?, ?)",
            [.integer(roleId), .text(type.rawValue), .text(type.canonical(resource)), .text(permission.rawValue)])
    }

    /// Changes a grant by replacing its row: the new row's id is past every watermark read before,
    /// so a rename that started earlier does not carry the changed grant along.
    static func reissueGrant(_ connection: any SQLConnection, _ found: RolePermission, _ permission: Permission) throws {
        try connection.execute("DELETE FROM role_permissions WHERE id = ?", [.integer(found.id)])
        try connection.execute(
            "INSERT INTO role_permissions (role_id, resource_type, resource_pattern, permission) VALUES (?, ?, ?, ?)",
            [.integer(found.roleId), .text(found.resourceType.rawValue), .text(found.resourcePattern),
             .text(permission.rawValue)])
    }

    /// Refuses a new name that is canonically equal to an existing one in another spelling
    /// (`ren\u{E9}` beside `rene\u{301}`, `\u{212A}ate` beside `Kate`): such a pair reads as one
    /// person in every listing and in any comparison that is not byte for byte.
    static func refuseLookAlike(_ connection: any SQLConnection, _ username: String) throws {
        let existing = try connection.query("SELECT username FROM users", []) { $0.string(0) }
        if let twin = existing.first(where: { $0 == username && !$0.utf8.elementsEqual(username.utf8) }) {
            throw MLflowError(.resourceAlreadyExists, "User (username=\(username)) already exists as '\(twin)', the same "
                              + "name in another Unicode spelling.")
        }
    }

    static func requireDirectGrant(_ connection: any SQLConnection, _ username: String, _ type: ResourceType,
                                   _ resource: String) throws -> RolePermission {
        guard let user = try user(connection, username) else { throw userNotFound(username) }
        guard let roleId = try roleId(connection, Role.personalName(userId: user.id)),
              let found = try grant(connection, roleId: roleId, type, resource) else {
            throw grantNotFound(type, resource, username)
        }
        return found
    }
}
