import Foundation
import Testing
@testable import Storage

/// One schema truth, checked (issue 21). The schema is written three times: SQLite's numbered
/// migrations, the squashed `ServerSchema` PostgreSQL and MySQL start from, and the auth and audit
/// schemas. On every engine these tests build each schema twice — from empty, and from every
/// earlier version then upgraded — read it back from the engine's catalog (`SchemaDescription`)
/// and compare the text with `Snapshots/<engine>.txt`, so a migration that leaves a fresh and an
/// upgraded database different, or changes the schema without the snapshot, fails with a diff.
///
/// After an intended schema change, regenerate the files and review their diff in the commit:
///
///     SWIFTRACK_UPDATE_SCHEMA_SNAPSHOTS=1 swift test --filter SchemaSnapshotTests
///     SWIFTRACK_UPDATE_SCHEMA_SNAPSHOTS=1 scripts/with-databases swift test --filter SchemaSnapshotTests
///
/// (the first writes sqlite.txt; the second all three). Updating writes the fresh schema, and the
/// upgrade test then compares upgrades with that fresh schema rather than with the file. A diff in a
/// snapshot should come from a new migration only: a shipped one is never edited, since databases
/// already migrated by it would keep its old shape while fresh ones took the new.
///
/// mysql.txt is read from the MariaDB that `scripts/db/mariadb` runs. MySQL 8 would differ where
/// MariaDB is stricter: it ignores column-level REFERENCES, which the auth schema's version 1 uses
/// (`role_permissions.role_id`, `user_role_assignments.user_id`/`role_id`), so those foreign keys
/// exist on MariaDB and PostgreSQL only (AuthStore deletes the dependent rows itself).
@Suite("Schema snapshots")
struct SchemaSnapshotTests {
    @Test(arguments: TestEngine.all)
    func freshDatabasesMatchTheSnapshot(engine: TestEngine) throws {
        let actual = SchemaSnapshotFile.contents(
            engine: engine, sections: try SnapshotSchema.all.map { try $0.fresh(on: engine) })
        if SchemaSnapshotFile.updating {
            try SchemaSnapshotFile.write(actual, for: engine)
            return
        }
        let expected = try SchemaSnapshotFile.read(engine)
        if actual != expected {
            Issue.record("""
                The \(engine.rawValue) schema built from empty differs from \
                \(SchemaSnapshotFile.url(for: engine).path) (- snapshot, + database). If the change \
                is intended, regenerate with \(SchemaSnapshotFile.updateVariable)=1.
                \(schemaDiff(expected: expected, actual: actual))
                """)
        }
    }

    @Test(arguments: TestEngine.all)
    func upgradedDatabasesMatchTheSnapshot(engine: TestEngine) throws {
        let sections: [String]
        if SchemaSnapshotFile.updating {
            sections = try SnapshotSchema.all.map { try $0.fresh(on: engine) }
        } else {
            sections = try SchemaSnapshotFile.read(engine).components(separatedBy: "\n\n").dropFirst().map {
                $0.hasSuffix("\n") ? String($0.dropLast()) : $0
            }
        }
        try #require(sections.count == SnapshotSchema.all.count, "one section per schema in the snapshot")
        for (schema, expected) in zip(SnapshotSchema.all, sections) {
            for version in schema.earlierVersions(on: engine) {
                let actual = try schema.upgraded(from: version, on: engine)
                if actual != expected {
                    Issue.record("""
                        The \(engine.rawValue) \(schema.name) schema upgraded from version \(version) differs \
                        from the \(SchemaSnapshotFile.updating ? "one built from empty" : "snapshot") \
                        (- expected, + upgraded):
                        \(schemaDiff(expected: expected, actual: actual))
                        """)
                }
            }
        }
    }
}
