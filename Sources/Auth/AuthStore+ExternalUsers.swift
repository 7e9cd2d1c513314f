import SQL
import TrackingCore

/// Users whose identity comes from a provider (OIDC tokens; LDAP binds): created on first sign-in
/// with no usable password, bound to the provider's (issuer, subject), and holding the roles the
/// provider's groups map to.
extension AuthStore {
    /// The stored "hash" of a provider's user: no password verifies against it.
    public static let externalPasswordHash = "!external"

    /// The user bound to the provider's identity, created (with the identity's username) on its
    /// first sign-in; `isAdmin` (when the provider decides it) is kept current.
    ///
    /// Identities bind by (issuer, subject) only. A first sign-in whose username is already held
    /// is refused with PERMISSION_DENIED, never merged: by a local account (a password of its own,
    /// such as `admin`), or by a user another identity is bound to. The one exception is a user a
    /// provider created before identities were recorded (`!external`, no identity yet): with
    /// `claimExisting` (the provider's `claim_existing_users`) the first identity of that name
    /// takes it over, once.
    public func provisionExternalUser(_ identity: ExternalIdentity, isAdmin: Bool?, claimExisting: Bool) throws -> AuthUser {
        var user: AuthUser
        do {
            user = try bindExternalUser(identity, isAdmin: isAdmin ?? false, claimExisting: claimExisting)
        } catch is SQLConstraintViolation {
            // Another request (or replica) bound this identity or took the name first: its rows decide now.
            user = try bindExternalUser(identity, isAdmin: isAdmin ?? false, claimExisting: claimExisting)
        }
        if let isAdmin, user.isAdmin != isAdmin {
            try updateAdmin(username: user.username, isAdmin: isAdmin)
            user.isAdmin = isAdmin
        }
        return user
    }

    /// The identity a user is bound to, if any (for admins and tests).
    public func externalIdentity(username: String) throws -> ExternalIdentity? {
        try database.read { connection in
            try connection.queryFirst(
                """
                SELECT e.provider, e.issuer, e.subject, u.username FROM external_identities e
                JOIN users u ON u.id = e.user_id WHERE u.username = ?
                """, [.text(username)]) { row in
                    ExternalIdentity(kind: ExternalIdentity.Kind(rawValue: row.string(0)) ?? .oidc, issuer: row.string(1),
                                     subject: row.string(2), username: row.string(3))
                }
        }
    }

    private func bindExternalUser(_ identity: ExternalIdentity, isAdmin: Bool, claimExisting: Bool) throws -> AuthUser {
        let key = identity.key
        return try database.write { connection in
            if let userId = try connection.queryFirst("SELECT user_id FROM external_identities WHERE identity_key = ?",
                                                      [.text(key)], { $0.int64(0) }) {
                if let bound = try connection.queryFirst(
                    "SELECT id, username, password_hash, is_admin FROM users WHERE id = ?", [.integer(userId)], Self.userRow) {
                    return bound
                }
                // The user was removed without its identity (an engine without cascades): start afresh.
                try connection.execute("DELETE FROM external_identities WHERE identity_key = ?", [.text(key)])
            }
            if let holder = try Self.user(connection, identity.username) {
                let boundKey = try connection.queryFirst("SELECT identity_key FROM external_identities WHERE user_id = ?",
                                                         [.integer(holder.id)]) { $0.string(0) }
                // Under READ COMMITTED a sign-in of the same identity may have committed between the
                // lookup by key above and this one: then the holder is this identity's own user.
                if boundKey == key { return holder }
                let bound = boundKey != nil
                guard holder.passwordHash == Self.externalPasswordHash, !bound, claimExisting else {
                    throw Self.nameTaken(identity, byLocalAccount: holder.passwordHash != Self.externalPasswordHash,
                                         byIdentity: bound)
                }
                try Self.insertIdentity(connection, identity, key: key, userId: holder.id)
                return holder
            }
            try Self.refuseLookAlike(connection, identity.username)
            let id = try connection.insertReturningKey(
                "INSERT INTO users (username, password_hash, is_admin) VALUES (?, ?, ?)",
                [.text(identity.username), .text(Self.externalPasswordHash), .integer(isAdmin ? 1 : 0)], keyColumn: "id")
            try Self.insertIdentity(connection, identity, key: key, userId: id)
            return AuthUser(id: id, username: identity.username, passwordHash: Self.externalPasswordHash, isAdmin: isAdmin)
        }
    }

    private static func insertIdentity(_ connection: any SQLConnection, _ identity: ExternalIdentity, key: String,
                                       userId: Int64) throws {
        try connection.execute(
            "INSERT INTO external_identities (identity_key, provider, issuer, subject, user_id) VALUES (?, ?, ?, ?, ?)",
            [.text(key), .text(identity.kind.rawValue), .text(identity.issuer), .text(identity.subject), .integer(userId)])
    }

    /// Why a first sign-in may not take its username (403: the provider's identity is valid, but
    /// the account of that name is somebody else's).
    static func nameTaken(_ identity: ExternalIdentity, byLocalAccount: Bool, byIdentity: Bool) -> MLflowError {
        let holder = byLocalAccount ? "a local account" : byIdentity ? "another sign-in identity"
            : "a user created before sign-in identities were recorded (claim_existing_users is off for this provider)"
        return MLflowError(.permissionDenied,
                           "The \(identity.kind.rawValue.uppercased()) sign-in of subject '\(identity.subject)' from "
                           + "'\(identity.issuer)' would be the user '\(identity.username)', which \(holder) holds; "
                           + "sign-ins never take over an existing account. An admin may rename or remove that account.")
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
