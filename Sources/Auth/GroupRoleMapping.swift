import TrackingCore

/// How a provider's groups (OIDC token claims, LDAP group entries) become Swiftrack roles and the
/// admin flag: `group_roles = group: role, role; group2: role` and `admin_groups = g1, g2` in the
/// provider's section of the auth configuration. A signed-in user holds exactly the mapped roles of
/// their groups; roles no group maps to are left to admins.
public struct GroupRoleMapping: Sendable, Equatable {
    public var groupRoles: [String: [String]] = [:]
    /// Members of these groups are admins (and others are not, when any is named).
    public var adminGroups: Set<String> = []

    public init(groupRoles: [String: [String]] = [:], adminGroups: Set<String> = []) {
        self.groupRoles = groupRoles
        self.adminGroups = adminGroups
    }

    /// Reads `group_roles` and `admin_groups` from a section of the file.
    init(file: INIFile?, section: String, source: String) throws {
        if let mapping = file?.value(section, "group_roles"), !mapping.isEmpty {
            groupRoles = try Self.parse(mapping, source: source)
        }
        if let groups = file?.value(section, "admin_groups") {
            adminGroups = Set(groups.split(separator: ",").map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty })
        }
    }

    /// `group: role, role; group2: role` -> [group: [roles]].
    static func parse(_ text: String, source: String) throws -> [String: [String]] {
        var mapping: [String: [String]] = [:]
        for entry in text.split(separator: ";") where !entry.trimmingCharacters(in: " ").isEmpty {
            guard let colon = entry.lastIndex(of: ":") else {
                throw MLflowError.invalidParameter("\(source): group_roles entries are 'group: role, role', got '\(entry)'")
            }
            let group = entry[..<colon].trimmingCharacters(in: " ")
            let roles = entry[entry.index(after: colon)...].split(separator: ",").map { $0.trimmingCharacters(in: " ") }
                .filter { !$0.isEmpty }
            guard !group.isEmpty, !roles.isEmpty else {
                throw MLflowError.invalidParameter("\(source): group_roles entries are 'group: role, role', got '\(entry)'")
            }
            mapping[group, default: []].append(contentsOf: roles)
        }
        return mapping
    }

    /// The roles the groups give, and every role the mapping manages.
    public func roles(for groups: [String]) -> (held: Set<String>, managed: Set<String>) {
        let held = Set(groups.flatMap { groupRoles[$0] ?? [] })
        return (held, Set(groupRoles.values.joined()))
    }

    /// Whether the groups make an admin; nil when no admin group is configured (admins decide).
    public func isAdmin(_ groups: [String]) -> Bool? {
        adminGroups.isEmpty ? nil : !adminGroups.isDisjoint(with: groups)
    }
}

extension AuthStore {
    /// A provider's identity signed in: its user (created on first sight, see
    /// `provisionExternalUser`), with the admin flag and the managed roles their groups give.
    public func signInExternalUser(_ identity: ExternalIdentity, groups: [String], mapping: GroupRoleMapping,
                                   claimExisting: Bool) throws -> AuthUser {
        var user = try provisionExternalUser(identity, isAdmin: mapping.isAdmin(groups), claimExisting: claimExisting)
        let roles = mapping.roles(for: groups)
        try syncManagedRoles(userId: user.id, held: roles.held, managed: roles.managed)
        if let admin = mapping.isAdmin(groups) { user.isAdmin = admin }
        return user
    }
}
