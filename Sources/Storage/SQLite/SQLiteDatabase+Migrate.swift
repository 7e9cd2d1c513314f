import Foundation
import TrackingCore

extension SQLiteDatabase {
    /// Applies the pending migrations, each in its own transaction; running it again does nothing.
    /// Returns the versions it applied.
    @discardableResult
    public func migrate(_ migrations: [Migration] = TrackingMigrations.all) throws -> [Int] {
        try withWriter { connection in
            try connection.executeScript("""
                CREATE TABLE IF NOT EXISTS schema_version (
                    version INTEGER PRIMARY KEY,
                    applied_at BIGINT NOT NULL
                )
                """)
            var appliedNow: [Int] = []
            for migration in try MigrationPlan.pending(applied: try Self.appliedVersions(connection),
                                                       registered: migrations) {
                let applied = try connection.transaction { () -> Bool in
                    // Another process may have applied it since we looked.
                    guard !(try Self.appliedVersions(connection).contains(migration.version)) else { return false }
                    for statement in migration.statements { try connection.executeScript(statement) }
                    try connection.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                                           [.integer(Int64(migration.version)), .integer(currentTimeMillis())])
                    return true
                }
                if applied { appliedNow.append(migration.version) }
            }
            return appliedNow
        }
    }

    /// The versions recorded in `schema_version`, in order.
    public func schemaVersions() throws -> [Int] {
        try read { connection in try Self.appliedVersions(connection).sorted() }
    }

    private static func appliedVersions(_ connection: SQLiteConnection) throws -> Set<Int> {
        Set(try connection.query("SELECT version FROM schema_version") { Int($0.int64(0)) })
    }
}

/// Milliseconds since the epoch, as MLflow stores times.
func currentTimeMillis() -> Int64 {
    Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
}
