import CSQLite
import Foundation
import TrackingCore

/// Online copies of a SQLite database file with SQLite's backup API: the pages are copied in one
/// read transaction, so the copy is one consistent snapshot while a server keeps writing (WAL
/// lets the writer go on meanwhile). The copy is a single file in rollback-journal mode, checked
/// with `PRAGMA integrity_check`, written beside its destination and renamed into place.
public enum SQLiteBackup {
    /// What a copy holds.
    public struct Summary: Sendable, Equatable {
        public var bytes: Int64
        /// The newest version each schema records, by its version table (`schema_version` for the
        /// tracking schema; the auth and audit schemas have their own); absent tables are left out.
        public var schemaVersions: [String: Int]

        /// The tracking schema's version (`schema_version`); nil: none.
        public var schemaVersion: Int? { schemaVersions["schema_version"] }
    }

    /// Copies the database at `source` (which must exist) to a new file at `destination`;
    /// `replacing` allows an existing destination, whose `-wal` and `-shm` files are removed.
    @discardableResult
    public static func copy(from source: String, to destination: String, replacing: Bool = false,
                            versionTables: [String] = ["schema_version"]) throws -> Summary {
        let manager = FileManager.default
        guard manager.fileExists(atPath: source) else {
            throw MLflowError.notFound("The database \(source) does not exist")
        }
        if !replacing, manager.fileExists(atPath: destination) {
            throw MLflowError.alreadyExists("\(destination) already exists")
        }
        let partial = destination + ".partial"
        try? manager.removeItem(atPath: partial)
        do {
            let from = try open(source, create: false)
            defer { sqlite3_close_v2(from) }
            let to = try open(partial, create: true)
            do {
                try runBackup(from: from, to: to)
                try execute(to, "PRAGMA journal_mode=DELETE")
                try checkIntegrity(to, path: source)
                sqlite3_close_v2(to)
            } catch {
                sqlite3_close_v2(to)
                throw error
            }
            for suffix in ["-wal", "-shm", "-journal"] { try? manager.removeItem(atPath: destination + suffix) }
            guard rename(partial, destination) == 0 else {
                throw MLflowError.internalError("Cannot move the copy to \(destination): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? manager.removeItem(atPath: partial)
            throw error
        }
        return try inspect(destination, versionTables: versionTables)
    }

    /// The size and schema versions (of the `versionTables` it has) of a database file; throws when
    /// it is not a sound SQLite database.
    public static func inspect(_ path: String, versionTables: [String] = ["schema_version"]) throws -> Summary {
        guard FileManager.default.fileExists(atPath: path) else {
            throw MLflowError.notFound("The database \(path) does not exist")
        }
        let handle = try open(path, create: false, readOnly: true)
        defer { sqlite3_close_v2(handle) }
        try checkIntegrity(handle, path: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        var versions: [String: Int] = [:]
        for table in versionTables where table.allSatisfy({ $0.isLetter || $0 == "_" }) {
            let present = try integer(handle, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '\(table)'")
            if present == 1, let version = try integer(handle, "SELECT MAX(version) FROM \(table)") {
                versions[table] = Int(version)
            }
        }
        return Summary(bytes: size, schemaVersions: versions)
    }

    // MARK: - The C calls

    private static func open(_ path: String, create: Bool, readOnly: Bool = false) throws -> OpaquePointer {
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | (create ? SQLITE_OPEN_CREATE : 0)
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw MLflowError.internalError("Cannot open SQLite database at \(path): \(message)")
        }
        sqlite3_busy_timeout(handle, 10_000)
        return handle
    }

    /// All pages in one step, so one read transaction sees them all: stepping in chunks would
    /// restart whenever the server commits and might never finish under a steady writer.
    private static func runBackup(from: OpaquePointer, to: OpaquePointer) throws {
        guard let backup = sqlite3_backup_init(to, "main", from, "main") else {
            throw MLflowError.internalError("Cannot start the backup: \(String(cString: sqlite3_errmsg(to)))")
        }
        var code: Int32
        var waits = 0
        repeat {
            code = sqlite3_backup_step(backup, -1)
            if code == SQLITE_BUSY || code == SQLITE_LOCKED {
                waits += 1
                usleep(50_000)
            }
        } while (code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED) && waits < 600
        let finish = sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE, finish == SQLITE_OK else {
            throw MLflowError.internalError("The backup failed: \(String(cString: sqlite3_errstr(code == SQLITE_DONE ? finish : code)))")
        }
    }

    private static func checkIntegrity(_ handle: OpaquePointer, path: String) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "PRAGMA integrity_check", -1, &statement, nil) == SQLITE_OK else {
            throw MLflowError.internalError("\(path) is not a SQLite database: \(String(cString: sqlite3_errmsg(handle)))")
        }
        defer { sqlite3_finalize(statement) }
        var problems: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            if let text = sqlite3_column_text(statement, 0) { problems.append(String(cString: text)) }
        }
        guard problems == ["ok"] else {
            let detail = problems.isEmpty ? String(cString: sqlite3_errmsg(handle)) : problems.prefix(5).joined(separator: "; ")
            throw MLflowError.internalError("\(path) fails SQLite's integrity check: \(detail)")
        }
    }

    private static func execute(_ handle: OpaquePointer, _ sql: String) throws {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw MLflowError.internalError("\(sql): \(String(cString: sqlite3_errmsg(handle)))")
        }
    }

    private static func integer(_ handle: OpaquePointer, _ sql: String) throws -> Int64? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw MLflowError.internalError("\(sql): \(String(cString: sqlite3_errmsg(handle)))")
        }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, sqlite3_column_type(statement, 0) != SQLITE_NULL else { return nil }
        return sqlite3_column_int64(statement, 0)
    }
}
