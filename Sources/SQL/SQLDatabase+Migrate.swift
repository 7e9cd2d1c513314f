import Foundation
import TrackingCore

/// Where a database's schema stands against the migrations this binary knows.
public enum SchemaStatus: Sendable, Equatable {
    /// No `schema_version` table, or nothing recorded: a new database.
    case empty
    case current
    /// Older than this binary: `swiftrack db upgrade` must run first.
    case behind(at: Int, pending: [Int])
}

/// The database was made by an older swiftrack: `swiftrack db upgrade` must run first.
public struct SchemaOutOfDate: Error, Sendable, CustomStringConvertible {
    public let current: Int
    public let required: Int

    public var description: String {
        "the database schema is at version \(current), and this swiftrack needs version \(required)"
    }
}

extension SQLDatabase {
    /// Applies the pending migrations, each in its own transaction; running it again does nothing.
    /// Several processes starting together are serialized by an advisory lock (PostgreSQL,
    /// MySQL) or SQLite's write lock, and each re-checks what is applied inside its transaction.
    /// Returns the versions it applied.
    @discardableResult
    /// `versionTable` names the table that records them, so another schema (the auth database's)
    /// can share a database with the tracking schema.
    public func migrate(_ migrations: [Migration],
                        versionTable: String = "schema_version") throws -> [Int] {
        try withConnection { connection in
            try Self.withMigrationLock(connection) {
                try Self.migrateLocked(connection, migrations, versionTable: versionTable)
            }
        }
    }

    /// `migrate`'s work on a connection that holds the migration lock.
    private static func migrateLocked(_ connection: any SQLConnection, _ migrations: [Migration],
                                      versionTable: String) throws -> [Int] {
        try connection.executeScript("""
            CREATE TABLE IF NOT EXISTS \(versionTable) (
                version INTEGER NOT NULL PRIMARY KEY,
                applied_at BIGINT NOT NULL
            )
            """)
        var appliedNow: [Int] = []
        for migration in try MigrationPlan.pending(applied: try appliedVersions(connection, versionTable),
                                                   registered: migrations) {
            let applied = try connection.transaction(write: true) { () -> Bool in
                guard !(try appliedVersions(connection, versionTable).contains(migration.version)) else {
                    return false
                }
                for statement in migration.statements(for: connection.dialect) {
                    try connection.executeScript(statement)
                }
                try connection.execute("INSERT INTO \(versionTable) (version, applied_at) VALUES (?, ?)",
                                       [.integer(Int64(migration.version)), .integer(currentTimeMillis())])
                return true
            }
            if applied { appliedNow.append(migration.version) }
        }
        return appliedNow
    }

    /// What a store does on start: a new database gets the whole schema; a current one is used as
    /// is; an older one is refused with `SchemaOutOfDate` (the server never upgrades by surprise).
    ///
    /// Anything but current is decided again under the migration lock: a replica that started
    /// while another was migrating a new database saw that one's first versions only (each is
    /// committed on its own), and must wait for the rest rather than refuse a half-made schema.
    public func prepareSchema(_ migrations: [Migration],
                              versionTable: String = "schema_version") throws {
        if case .current = try schemaStatus(migrations, versionTable: versionTable) { return }
        try withConnection { connection in
            try Self.withMigrationLock(connection) {
                let applied = try Self.hasSchemaTable(connection, versionTable)
                    ? try Self.appliedVersions(connection, versionTable) : []
                if applied.isEmpty {
                    _ = try Self.migrateLocked(connection, migrations, versionTable: versionTable)
                    return
                }
                if try MigrationPlan.pending(applied: applied, registered: migrations).isEmpty { return }
                throw SchemaOutOfDate(current: applied.max() ?? 0, required: migrations.last?.version ?? 0)
            }
        }
    }

    /// The versions recorded in `versionTable`, in order (empty for a new database).
    public func schemaVersions(versionTable: String = "schema_version") throws -> [Int] {
        try withConnection { connection in
            guard try Self.hasSchemaTable(connection, versionTable) else { return [] }
            return try Self.appliedVersions(connection, versionTable).sorted()
        }
    }

    /// Compares the recorded versions with `migrations`; throws when the database is newer.
    public func schemaStatus(_ migrations: [Migration],
                             versionTable: String = "schema_version") throws -> SchemaStatus {
        let applied = try schemaVersions(versionTable: versionTable)
        if applied.isEmpty { return .empty }
        let pending = try MigrationPlan.pending(applied: Set(applied), registered: migrations).map(\.version)
        return pending.isEmpty ? .current : .behind(at: applied.max() ?? 0, pending: pending)
    }

    private static func appliedVersions(_ connection: any SQLConnection, _ versionTable: String) throws -> Set<Int> {
        Set(try connection.query("SELECT version FROM \(versionTable)", []) { Int($0.int64(0)) })
    }

    private static func hasSchemaTable(_ connection: any SQLConnection, _ versionTable: String) throws -> Bool {
        let sql: String
        switch connection.dialect {
        case .sqlite: sql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
        case .postgres: sql = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
        case .mysql: sql = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
        }
        return (try connection.queryFirst(sql, [.text(versionTable)]) { $0.int64(0) } ?? 0) > 0
    }

    /// Holds a database-wide lock while `body` runs, so replicas starting together migrate once.
    private static func withMigrationLock<T>(_ connection: any SQLConnection, _ body: () throws -> T) throws -> T {
        switch connection.dialect {
        case .sqlite:
            return try body()
        case .postgres:
            try connection.executeScript("SELECT pg_advisory_lock(7262837462)")
            defer { try? connection.executeScript("SELECT pg_advisory_unlock(7262837462)") }
            return try body()
        case .mysql:
            let got = try connection.queryFirst("SELECT GET_LOCK('swiftrack_migrations', 120)", []) { $0.int64(0) }
            guard got == 1 else {
                throw MLflowError(.temporarilyUnavailable, "Another process held the migration lock for 120 s")
            }
            defer { _ = try? connection.queryFirst("SELECT RELEASE_LOCK('swiftrack_migrations')", []) { $0.int64(0) } }
            return try body()
        }
    }
}

/// Milliseconds since the epoch: when a migration was applied.
private func currentTimeMillis() -> Int64 {
    Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
}
