import Auth
import Foundation
import Storage

/// `swiftrack users ...`, `swiftrack roles ...` and `swiftrack groups ...`: an administrator's commands on the auth
/// database named by the auth configuration (`--auth-config`, or MLFLOW_AUTH_CONFIG_PATH),
/// without a running server. Passwords are read from standard input, never from the command line.
enum AccessCommand {
    static let usage = """
        usage:
          swiftrack users create NAME [--admin]      (password on standard input)
          swiftrack users password NAME              (new password on standard input)
          swiftrack users admin NAME true|false
          swiftrack users delete NAME
          swiftrack users list
          swiftrack roles create NAME [--description TEXT]
          swiftrack roles grant ROLE (experiment|registered_model) (ID|NAME|'*') LEVEL
          swiftrack roles assign ROLE USER
          swiftrack roles unassign ROLE USER
          swiftrack roles delete ROLE
          swiftrack roles list
          swiftrack groups create NAME [--description TEXT]
          swiftrack groups add GROUP USER | remove GROUP USER
          swiftrack groups assign ROLE GROUP | unassign ROLE GROUP
          swiftrack groups delete GROUP
          swiftrack groups list
        options: --auth-config PATH (env MLFLOW_AUTH_CONFIG_PATH; default: sqlite:///basic_auth.db)
        """

    static func run(_ noun: String, _ arguments: [String], environment: [String: String],
                    readPassword: () -> String? = { readLine(strippingNewline: true) }) throws -> Int32 {
        let parsed = try Arguments(arguments, booleanFlags: ["admin", "help"])
        if parsed.has("help") || parsed.positional.isEmpty { print(usage); return parsed.has("help") ? 0 : 2 }
        let store = try openStore(parsed, environment: environment)
        let words = parsed.positional
        func argument(_ index: Int) throws -> String {
            guard index < words.count else { throw UsageError("missing an argument; see `swiftrack \(noun) --help`") }
            return words[index]
        }
        func password() throws -> String {
            guard let text = readPassword(), !text.isEmpty else { throw UsageError("no password on standard input") }
            return text
        }
        func role(_ name: String) throws -> Role {
            guard let role = try store.listRoles().first(where: { $0.name == name }) else {
                throw CommandFailure("no role named '\(name)'")
            }
            return role
        }
        switch (noun, words[0]) {
        case ("users", "create"):
            let user = try store.createUser(username: try argument(1), password: try password(), isAdmin: parsed.has("admin"))
            print("created user \(user.username) (id \(user.id)\(user.isAdmin ? ", admin" : ""))")
        case ("users", "password"):
            try store.updatePassword(username: try argument(1), password: try password())
            print("password of \(try argument(1)) changed")
        case ("users", "admin"):
            guard let flag = Bool(try argument(2)) else { throw UsageError("admin takes true or false") }
            try store.updateAdmin(username: try argument(1), isAdmin: flag)
            print("\(try argument(1)) is \(flag ? "now" : "no longer") an admin")
        case ("users", "delete"):
            try store.deleteUser(username: try argument(1))
            print("deleted user \(try argument(1))")
        case ("users", "list"):
            for user in try store.listUsers() {
                let roles = try store.roles(userId: user.id).filter { !$0.isPersonal }.map(\.name)
                print("\(user.username)\(user.isAdmin ? " (admin)" : "")\(roles.isEmpty ? "" : ": " + roles.joined(separator: ", "))")
            }
        case ("roles", "create"):
            let created = try store.createRole(name: try argument(1), description: parsed.values["description"])
            print("created role \(created.name) (id \(created.id))")
        case ("roles", "grant"):
            guard let type = ResourceType(rawValue: try argument(2)) else {
                throw UsageError("the resource type is experiment or registered_model")
            }
            let level = try Permission.parse(try argument(4))
            _ = try store.addRolePermission(roleId: try role(try argument(1)).id, type, try argument(3), level)
            print("role \(try argument(1)) has \(level.rawValue) on \(type.rawValue) \(try argument(3))")
        case ("roles", "assign"):
            _ = try store.assignRole(username: try argument(2), roleId: try role(try argument(1)).id)
            print("\(try argument(2)) holds role \(try argument(1))")
        case ("roles", "unassign"):
            try store.unassignRole(username: try argument(2), roleId: try role(try argument(1)).id)
            print("\(try argument(2)) no longer holds role \(try argument(1))")
        case ("roles", "delete"):
            try store.deleteRole(id: try role(try argument(1)).id)
            print("deleted role \(try argument(1))")
        case ("roles", "list"):
            for role in try store.listRoles() where !role.isPersonal {
                let grants = role.permissions.map { "\($0.permission.rawValue) on \($0.resourceType.rawValue) \($0.resourcePattern)" }
                print("\(role.name)\(grants.isEmpty ? "" : ": " + grants.joined(separator: "; "))")
            }
        case ("groups", "create"):
            let created = try store.createGroup(name: try argument(1), description: parsed.values["description"])
            print("created group \(created.name) (id \(created.id))")
        case ("groups", "add"):
            try store.addMember(group: try argument(1), username: try argument(2))
            print("\(try argument(2)) is a member of \(try argument(1))")
        case ("groups", "remove"):
            try store.removeMember(group: try argument(1), username: try argument(2))
            print("\(try argument(2)) is no longer a member of \(try argument(1))")
        case ("groups", "assign"):
            try store.assignRole(group: try argument(2), roleId: try role(try argument(1)).id)
            print("group \(try argument(2)) holds role \(try argument(1))")
        case ("groups", "unassign"):
            try store.unassignRole(group: try argument(2), roleId: try role(try argument(1)).id)
            print("group \(try argument(2)) no longer holds role \(try argument(1))")
        case ("groups", "delete"):
            try store.deleteGroup(name: try argument(1))
            print("deleted group \(try argument(1))")
        case ("groups", "list"):
            for group in try store.listGroups() {
                let roles = group.roles.isEmpty ? "" : " [roles: " + group.roles.joined(separator: ", ") + "]"
                print("\(group.name): \(group.members.joined(separator: ", "))\(roles)")
            }
        default:
            throw UsageError("unknown command '\(noun) \(words[0])'; see `swiftrack \(noun) --help`")
        }
        return 0
    }

    private static func openStore(_ parsed: Arguments, environment: [String: String]) throws -> AuthStore {
        var file: INIFile?
        let path = parsed.value("auth-config", environment: environment, variables: ["MLFLOW_AUTH_CONFIG_PATH"])
        if let path {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw UsageError("cannot read the auth configuration \(path)")
            }
            file = try INIFile(parsing: text, source: path)
        }
        let configuration = try AuthConfiguration(file: file, environment: environment)
        let opened = try DatabaseComposition.open(configuration.databaseURI, poolSize: 1, poolTimeoutSeconds: 30, readers: 1)
        return try AuthStore(database: opened.database)
    }
}
