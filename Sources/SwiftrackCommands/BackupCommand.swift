import Audit
import Auth
import Foundation
import SQL
import SQLiteEngine
import Storage

/// `swiftrack backup` and `swiftrack restore`: an online, consistent copy of a SQLite store
/// (and, optionally, its local artifacts folder beside it), and putting one back.
enum BackupCommand {
    static let usage = """
        usage:
          swiftrack backup --backend-store-uri sqlite:///PATH --output FILE [--artifacts-destination DIR] [--force]
                copy the database while a server may be writing to it (SQLite's online backup API: one
                consistent snapshot), then DIR into FILE.artifacts/
          swiftrack restore --input FILE --backend-store-uri sqlite:///PATH [--artifacts-destination DIR] [--force]
                put a backup in place (stop the server first); refuses a non-empty target unless --force,
                and a backup whose schema is newer than this swiftrack

        PostgreSQL, MariaDB and object stores are backed up with their own tools: see docs/DEPLOYMENT.md.
        """

    /// The schemas a Swiftrack SQLite file may hold: the tracking store, or the auth or audit
    /// database (`--auth-config`'s and `--audit-db-uri`'s, backed up the same way).
    static let schemas: [(name: String, table: String, latest: Int)] = [
        ("tracking", "schema_version", TrackingMigrations.latest),
        ("auth", AuthSchema.versionTable, AuthSchema.migrations.last?.version ?? 0),
        ("audit", AuditSchema.versionTable, AuditSchema.migrations.last?.version ?? 0),
    ]
    static var versionTables: [String] { schemas.map(\.table) }

    /// `tracking schema 6, auth schema 2`, or `no Swiftrack schema`.
    static func describe(_ versions: [String: Int]) -> String {
        let parts = schemas.compactMap { schema in versions[schema.table].map { "\(schema.name) schema \($0)" } }
        return parts.isEmpty ? "no Swiftrack schema" : parts.joined(separator: ", ")
    }

    /// Where the artifacts of the backup `file` are kept.
    static func artifactsFolder(of file: String) -> String { file + ".artifacts" }

    static func runBackup(_ arguments: [String], environment: [String: String]) throws -> Int32 {
        let parsed = try Arguments(arguments, booleanFlags: ["help", "force"])
        if parsed.has("help") { print(usage); return 0 }
        try check(parsed, known: ["backend-store-uri", "output", "artifacts-destination"])
        let database = try sqlitePath(parsed, environment: environment)
        guard let outputText = parsed.values["output"], !outputText.isEmpty else {
            throw UsageError("backup needs --output FILE\n\n\(usage)")
        }
        let output = ServerOptions.absolutePath(outputText)
        let force = parsed.has("force")
        let artifacts = try parsed.values["artifacts-destination"].map(LocalFolderCopy.localDirectory)
        let folder = artifactsFolder(of: output)
        if !force {
            for path in [output] + (artifacts == nil ? [] : [folder]) where FileManager.default.fileExists(atPath: path) {
                throw CommandFailure("\(path) already exists (use --force to replace it)")
            }
        }
        try FileManager.default.createDirectory(atPath: (output as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let summary = try SQLiteBackup.copy(from: database, to: output, replacing: force, versionTables: versionTables)
        print("backed up \(database) to \(output): \(summary.bytes) bytes, \(describe(summary.schemaVersions))")
        // After the database: every artifact the copied rows name was already stored.
        if let artifacts {
            let totals = try LocalFolderCopy.copy(artifacts, to: folder, replacing: force)
            print("copied artifacts \(artifacts) to \(folder): \(totals.files) files, \(totals.bytes) bytes")
        }
        return 0
    }

    static func runRestore(_ arguments: [String], environment: [String: String]) throws -> Int32 {
        let parsed = try Arguments(arguments, booleanFlags: ["help", "force"])
        if parsed.has("help") { print(usage); return 0 }
        try check(parsed, known: ["backend-store-uri", "input", "artifacts-destination"])
        guard let inputText = parsed.values["input"], !inputText.isEmpty else {
            throw UsageError("restore needs --input FILE\n\n\(usage)")
        }
        let input = ServerOptions.absolutePath(inputText)
        let target = try sqlitePath(parsed, environment: environment)
        let force = parsed.has("force")
        let artifacts = try parsed.values["artifacts-destination"].map(LocalFolderCopy.localDirectory)
        let folder = artifactsFolder(of: input)

        let backup = try SQLiteBackup.inspect(input, versionTables: versionTables)
        guard !backup.schemaVersions.isEmpty else {
            throw CommandFailure("\(input) holds no Swiftrack schema (no schema_version, auth_schema_version or "
                                 + "audit_schema_version table)")
        }
        for schema in schemas {
            guard let version = backup.schemaVersions[schema.table], version > schema.latest else { continue }
            throw CommandFailure("\(input) is at \(schema.name) schema version \(version), newer than this swiftrack knows "
                                 + "(up to \(schema.latest)): restore it with a newer swiftrack")
        }
        if artifacts != nil, !FileManager.default.fileExists(atPath: folder) {
            throw CommandFailure("the backup has no artifacts folder \(folder)")
        }
        if !force {
            if isNonEmptyDatabase(target) {
                throw CommandFailure("\(target) is not empty (use --force to replace it)")
            }
            if let artifacts, !LocalFolderCopy.isAbsentOrEmpty(artifacts) {
                throw CommandFailure("\(artifacts) is not empty (use --force to replace it)")
            }
        }
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let restored = try SQLiteBackup.copy(from: input, to: target, replacing: true, versionTables: versionTables)
        print("restored \(input) to \(target): \(restored.bytes) bytes, \(describe(restored.schemaVersions))")
        if let version = restored.schemaVersion, version < TrackingMigrations.latest {
            print("the schema is older than this swiftrack's (\(TrackingMigrations.latest)): "
                  + "run `swiftrack db upgrade sqlite:///\(target)` before starting the server")
        }
        if let artifacts {
            let totals = try LocalFolderCopy.copy(folder, to: artifacts, replacing: force)
            print("restored artifacts \(folder) to \(artifacts): \(totals.files) files, \(totals.bytes) bytes")
        }
        return 0
    }

    private static func check(_ parsed: Arguments, known: Set<String>) throws {
        guard parsed.positional.isEmpty else { throw UsageError("unexpected argument '\(parsed.positional[0])'\n\n\(usage)") }
        for name in parsed.values.keys where !known.contains(name) {
            throw UsageError("unknown option --\(name)\n\n\(usage)")
        }
    }

    /// The SQLite file of --backend-store-uri; other engines have their own dump tools.
    private static func sqlitePath(_ parsed: Arguments, environment: [String: String]) throws -> String {
        guard let text = parsed.value("backend-store-uri", environment: environment,
                                      variables: ["SWIFTRACK_BACKEND_STORE_URI", "MLFLOW_BACKEND_STORE_URI"]) else {
            throw UsageError("needs --backend-store-uri sqlite:///PATH\n\n\(usage)")
        }
        let uri: DatabaseURI
        do { uri = try DatabaseURI(text) } catch {
            throw UsageError("invalid backend store URI '\(DatabaseURI.redacted(text))': \(error)")
        }
        guard uri.engine == .sqlite else {
            throw CommandFailure("backup and restore copy SQLite stores; for PostgreSQL use pg_dump/pg_restore and "
                                 + "for MariaDB mariadb-dump (see docs/DEPLOYMENT.md)")
        }
        return DatabaseComposition.sqlitePath(uri)
    }

    /// A file with content, or a write-ahead log with content beside it.
    private static func isNonEmptyDatabase(_ path: String) -> Bool {
        func size(_ file: String) -> Int64 {
            ((try? FileManager.default.attributesOfItem(atPath: file)[.size]) as? NSNumber)?.int64Value ?? 0
        }
        return size(path) > 0 || size(path + "-wal") > 0
    }
}
