public import SQL

/// The auth database's tables, versioned in `auth_schema_version` (so they may share a database
/// with the tracking schema). As in MLflow 3's basic-auth database, every grant is a role
/// permission: a user's own grants live in a role of their own (`__user_<id>__`), so direct
/// grants, named roles (viewer, scientist, governance...) and their assignments resolve the same way.
public enum AuthSchema {
    public static let versionTable = "auth_schema_version"

    public static let migrations: [Migration] = [
        Migration(version: 1, sqlite: version1(.sqlite), postgres: version1(.postgres), mysql: version1(.mysql)),
        Migration(version: 2, sqlite: version2(.sqlite), postgres: version2(.postgres), mysql: version2(.mysql)),
        Migration(version: 3, sqlite: version3(.sqlite), postgres: version3(.postgres), mysql: version3(.mysql)),
    ]

    /// Version 3: the provider identities (OIDC `iss` + `sub`, LDAP directory + DN) users are bound
    /// to, so a sign-in becomes the user its identity created and never another account of the
    /// same name. `identity_key` is a SHA-256 of kind, issuer and subject (`ExternalIdentity.key`):
    /// fixed width, so MySQL's index-length limit does not cap issuers or DNs. One identity per user.
    private static func version3(_ dialect: SQLDialect) -> [String] {
        [
            """
            CREATE TABLE external_identities (
                \(dialect.generatedKeyColumn("id")),
                identity_key CHAR(64) NOT NULL,
                provider VARCHAR(16) NOT NULL,
                issuer VARCHAR(1000) NOT NULL,
                subject VARCHAR(1000) NOT NULL,
                user_id BIGINT NOT NULL,
                CONSTRAINT unique_external_identity UNIQUE (identity_key),
                CONSTRAINT unique_external_identity_user UNIQUE (user_id),
                FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
            )\(dialect.tableOptions)
            """,
        ]
    }

    /// Version 2: groups of users (foreign keys as table constraints, which MySQL enforces), which hold roles as users do (`GROUPS` is reserved in MySQL 8,
    /// hence `user_groups`). Identity providers' groups (LDAP, OIDC) map onto them by name.
    private static func version2(_ dialect: SQLDialect) -> [String] {
        let options = dialect.tableOptions
        return [
            """
            CREATE TABLE user_groups (
                \(dialect.generatedKeyColumn("id")),
                name VARCHAR(255) NOT NULL,
                description VARCHAR(1000),
                CONSTRAINT unique_group_name UNIQUE (name)
            )\(options)
            """,
            """
            CREATE TABLE user_group_members (
                \(dialect.generatedKeyColumn("id")),
                group_id BIGINT NOT NULL,
                user_id BIGINT NOT NULL,
                CONSTRAINT unique_group_member UNIQUE (group_id, user_id),
                FOREIGN KEY (group_id) REFERENCES user_groups(id) ON DELETE CASCADE,
                FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
            )\(options)
            """,
            """
            CREATE TABLE group_role_assignments (
                \(dialect.generatedKeyColumn("id")),
                group_id BIGINT NOT NULL,
                role_id BIGINT NOT NULL,
                CONSTRAINT unique_group_role UNIQUE (group_id, role_id),
                FOREIGN KEY (group_id) REFERENCES user_groups(id) ON DELETE CASCADE,
                FOREIGN KEY (role_id) REFERENCES roles(id) ON DELETE CASCADE
            )\(options)
            """,
            "CREATE INDEX index_group_members_user ON user_group_members (user_id)",
        ]
    }

    private static func version1(_ dialect: SQLDialect) -> [String] {
        let id = dialect.generatedKeyColumn("id")
        let options = dialect.tableOptions
        return [
            """
            CREATE TABLE users (
                \(id),
                username VARCHAR(255) NOT NULL,
                password_hash VARCHAR(255) NOT NULL,
                is_admin SMALLINT NOT NULL DEFAULT 0,
                CONSTRAINT unique_username UNIQUE (username)
            )\(options)
            """,
            """
            CREATE TABLE roles (
                \(id),
                name VARCHAR(255) NOT NULL,
                workspace VARCHAR(63) NOT NULL DEFAULT 'default',
                description VARCHAR(1000),
                CONSTRAINT unique_workspace_role_name UNIQUE (workspace, name)
            )\(options)
            """,
            """
            CREATE TABLE role_permissions (
                \(id),
                role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
                resource_type VARCHAR(64) NOT NULL,
                resource_pattern VARCHAR(255) NOT NULL,
                permission VARCHAR(32) NOT NULL,
                CONSTRAINT unique_role_resource UNIQUE (role_id, resource_type, resource_pattern)
            )\(options)
            """,
            """
            CREATE TABLE user_role_assignments (
                \(id),
                user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
                CONSTRAINT unique_user_role UNIQUE (user_id, role_id)
            )\(options)
            """,
            "CREATE INDEX index_role_permissions_resource ON role_permissions (resource_type, resource_pattern)",
        ]
    }
}
