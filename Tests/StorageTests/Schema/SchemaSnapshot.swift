import Audit
import Auth
import Foundation
@testable import SQL
@testable import Storage

/// One of the three schemas Swiftrack migrates (each versioned in its own table, so they could
/// share a database): the tracking schema, the auth database's and the audit log's.
struct SnapshotSchema: Sendable {
    let name: String
    let migrations: [Migration]
    let versionTable: String

    static let all = [
        SnapshotSchema(name: "tracking", migrations: TrackingMigrations.all, versionTable: "schema_version"),
        SnapshotSchema(name: "auth", migrations: AuthSchema.migrations, versionTable: AuthSchema.versionTable),
        SnapshotSchema(name: "audit", migrations: AuditSchema.migrations, versionTable: AuditSchema.versionTable),
    ]

    /// The versions an upgrade starts from: every one short of the latest, always the first, but
    /// not one whose migration does nothing on this engine (PostgreSQL and MySQL record tracking
    /// versions 2-5 with no statements, so starting there is starting at the version before).
    func earlierVersions(on engine: TestEngine) -> [Int] {
        let dialect: SQLDialect
        switch engine {
        case .sqlite: dialect = .sqlite
        case .postgres: dialect = .postgres
        case .mysql: dialect = .mysql
        }
        return migrations.dropLast().enumerated()
            .filter { $0.offset == 0 || !$0.element.statements(for: dialect).isEmpty }
            .map(\.element.version)
    }

    /// A new database migrated from empty to the latest version, described.
    func fresh(on engine: TestEngine) throws -> String {
        let database = try engine.makeDatabase(poolSize: 1)
        try database.migrate(migrations, versionTable: versionTable)
        return try describe(database, engine)
    }

    /// A new database migrated to `version` by that binary, then upgraded to the latest.
    func upgraded(from version: Int, on engine: TestEngine) throws -> String {
        let database = try engine.makeDatabase(poolSize: 1)
        try database.migrate(migrations.filter { $0.version <= version }, versionTable: versionTable)
        try database.migrate(migrations, versionTable: versionTable)
        return try describe(database, engine)
    }

    /// The section of the snapshot file for this schema: the recorded versions, then the tables.
    private func describe(_ database: any SQLDatabase, _ engine: TestEngine) throws -> String {
        let versions = try database.schemaVersions(versionTable: versionTable)
        let description = try database.withConnection { connection -> SchemaDescription in
            switch engine {
            case .sqlite: return try SQLiteSchemaReader.read(connection)
            case .postgres: return try PostgresSchemaReader.read(connection)
            case .mysql: return try MySQLSchemaReader.read(connection)
            }
        }
        return "# \(name): \(versionTable) records \(versions.map(String.init).joined(separator: ", "))\n"
            + description.text
    }
}

/// The checked-in snapshot files, one per engine, beside this file (read through `#filePath`, so
/// no SwiftPM resources are needed).
enum SchemaSnapshotFile {
    /// Set to 1 to write the snapshot files from fresh databases instead of comparing with them.
    static let updateVariable = "SWIFTRACK_UPDATE_SCHEMA_SNAPSHOTS"

    static var updating: Bool { ProcessInfo.processInfo.environment[updateVariable] == "1" }

    static func url(for engine: TestEngine) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Snapshots").appendingPathComponent("\(engine.rawValue).txt")
    }

    /// The whole file: a header saying how it is made, then one section per schema.
    static func contents(engine: TestEngine, sections: [String]) -> String {
        "# Schema snapshot for \(engine.rawValue), read back from the engine's catalog by\n"
            + "# Tests/StorageTests/Schema. Do not edit: regenerate with\n"
            + "# \(updateVariable)=1 swift test --filter SchemaSnapshotTests"
            + (engine == .sqlite ? "" : " (under scripts/with-databases)") + "\n\n"
            + sections.joined(separator: "\n\n") + "\n"
    }

    static func read(_ engine: TestEngine) throws -> String {
        try String(contentsOf: url(for: engine), encoding: .utf8)
    }

    static func write(_ contents: String, for engine: TestEngine) throws {
        try contents.write(to: url(for: engine), atomically: true, encoding: .utf8)
    }
}

/// A line diff (longest common subsequence) of two snapshot texts: only the changed lines, each
/// group under the `table` or `#` section line it belongs to.
func schemaDiff(expected: String, actual: String) -> String {
    let old = expected.components(separatedBy: "\n")
    let new = actual.components(separatedBy: "\n")
    var common = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
    for i in stride(from: old.count - 1, through: 0, by: -1) {
        for j in stride(from: new.count - 1, through: 0, by: -1) {
            common[i][j] = old[i] == new[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
        }
    }
    var output: [String] = []
    var header = ""
    var printedHeader = ""
    func emit(_ marker: String, _ line: String) {
        // A changed section line is its own heading.
        if isHeader(line) { printedHeader = line }
        if header != printedHeader {
            output.append("@ \(header)")
            printedHeader = header
        }
        output.append("\(marker) \(line)")
    }
    func isHeader(_ line: String) -> Bool { line.hasPrefix("table ") || line.hasPrefix("# ") }
    func track(_ line: String) {
        if isHeader(line) { header = line }
    }
    var i = 0
    var j = 0
    while i < old.count || j < new.count {
        if i < old.count, j < new.count, old[i] == new[j] {
            track(old[i]); i += 1; j += 1
        } else if i < old.count, j == new.count || common[i + 1][j] >= common[i][j + 1] {
            track(old[i]); emit("-", old[i]); i += 1
        } else {
            track(new[j]); emit("+", new[j]); j += 1
        }
    }
    return output.joined(separator: "\n")
}
