import Storage
import TrackingCore

/// Users whose identity comes from a provider (OIDC tokens; LDAP binds): created on first sign-in
/// with no usable password, and holding the roles the provider's groups map to.
extension AuthStore {
    /// The stored "hash" of a provider's user: no password verifies against it.
    public static let externalPasswordHash = "!external"

    /// The user, created on first sign-in; `isAdmin` (when the provider decides it) is kept current.
    public func provisionExternalUser(username: String, isAdmin: Bool?) throws -> AuthUser {
        if var user = try user(named: username) {
            if let isAdmin, user.isAdmin != isAdmin {
                try updateAdmin(username: username, isAdmin: isAdmin)
                user.isAdmin = isAdmin
            }
            return user
        }
        do {
            return try database.write { connection in
                let admin = isAdmin ?? false
                let id = try connection.insertReturningKey(
                    "INSERT INTO users (username, password_hash, is_admin) VALUES (?, ?, ?)",
                    [.text(username), .text(Self.externalPasswordHash), .integer(admin ? 1 : 0)], keyColumn: "id")
                return AuthUser(id: id, username: username, passwordHash: Self.externalPasswordHash, isAdmin: admin)
            }
        } catch is SQLConstraintViolation {
            return try requireUser(named: username)   // another request (or replica) created it first
        }
    }

    /// Makes the user's direct assignments of the `managed` roles exactly `held` (both by name):
    /// roles the mapping does not manage are left as admins set them; unknown role names are
    /// skipped. Returns the names of the roles that do not exist.
    @discardableResult
    public func syncManagedRoles(userId: Int64, held: Set<String>, managed: Set<String>) throws -> [String] {
        guard !managed.isEmpty else { return [] }
        return try database.write { connection in
            var missing: [String] = []
            for name in managed.sorted() {
                guard let roleId = try Self.roleId(connection, name) else {
                    if held.contains(name) { missing.append(name) }
                    continue
                }
                let assigned = try connection.queryFirst(
                    "SELECT 1 FROM user_role_assignments WHERE user_id = ? AND role_id = ?",
                    [.integer(userId), .integer(roleId)]) { _ in true } ?? false
                if held.contains(name) && !assigned {
                    try connection.execute("INSERT INTO user_role_assignments (user_id, role_id) VALUES (?, ?)",
                                           [.integer(userId), .integer(roleId)])
                } else if !held.contains(name) && assigned {
                    try connection.execute("DELETE FROM user_role_assignments WHERE user_id = ? AND role_id = ?",
                                           [.integer(userId), .integer(roleId)])
                }
            }
            return missing
        }
    }
}
