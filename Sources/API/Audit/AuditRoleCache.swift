import Auth
import Synchronization

/// A signed-in user's role names for the audit record (`admin` for administrators, then the
/// named roles they hold), read from the auth store at most every `lifetime` seconds per user,
/// so the request path rarely adds a query for them.
final class AuditRoleCache: Sendable {
    private struct Entry {
        var roles: [String]
        var readAt: ContinuousClock.Instant
    }

    private let store: AuthStore
    private let lifetime: Duration
    private let entries = Mutex<[Int64: Entry]>([:])
    static let maxEntries = 10_000

    init(store: AuthStore, lifetime: Duration = .seconds(30)) {
        self.store = store
        self.lifetime = lifetime
    }

    func roles(of user: AuthUser) -> [String] {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[user.id] }), now - entry.readAt < lifetime {
            return Self.withAdmin(entry.roles, user)
        }
        // A store that cannot be read leaves the roles empty; the request itself is unaffected.
        let named = ((try? store.roles(userId: user.id)) ?? []).filter { !$0.isPersonal }.map(\.name)
        entries.withLock { all in
            if all.count >= Self.maxEntries { all.removeAll() }
            all[user.id] = Entry(roles: named, readAt: now)
        }
        return Self.withAdmin(named, user)
    }

    private static func withAdmin(_ roles: [String], _ user: AuthUser) -> [String] {
        user.isAdmin ? ["admin"] + roles : roles
    }
}
