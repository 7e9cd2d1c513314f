import Audit
import Auth
import Testing
@testable import SQL
@testable import Storage

/// A shipped migration is never edited: databases it already migrated keep its old shape while fresh
/// ones would take the new. The schema snapshots catch a change in the resulting schema; this pins
/// the SQL text itself, byte for byte, so a refactor of how the statements are spelled (the DDL
/// helpers on `SQLDialect`) cannot change what any engine runs, not even whitespace.
///
/// Each entry is a 64-bit FNV-1a of one migration's statements on one engine. A new migration adds
/// its entries here (the failure message prints them); an existing entry never changes.
@Suite("Shipped migrations")
struct ShippedMigrationsTests {
    static let pinned: [String: String] = [
        "audit 1 mysql": "522e8c41269fa938",
        "audit 1 postgres": "b3bbed99b8b0e41c",
        "audit 1 sqlite": "b3bbed99b8b0e41c",
        "audit 2 mysql": "b1bd1a599ff136ce",
        "audit 2 postgres": "b1bd1a599ff136ce",
        "audit 2 sqlite": "b1bd1a599ff136ce",
        "audit 3 mysql": "f013549bc44f78da",
        "audit 3 postgres": "f013549bc44f78da",
        "audit 3 sqlite": "f013549bc44f78da",
        "auth 1 mysql": "bee7146150720407",
        "auth 1 postgres": "f6ebf40e6be85517",
        "auth 1 sqlite": "9627217f8441a03f",
        "auth 2 mysql": "9cee77dff454431f",
        "auth 2 postgres": "2538e4390cecab2b",
        "auth 2 sqlite": "fb7017278a4037b1",
        "auth 3 mysql": "dc6fbb8b1074f8b4",
        "auth 3 postgres": "2443fc36f008e35a",
        "auth 3 sqlite": "b48fb54873f43108",
        "tracking 1 mysql": "009f270702954923",
        "tracking 1 postgres": "21d43d1d813af294",
        "tracking 1 sqlite": "9bace6e231235478",
        "tracking 2 mysql": "cbf29ce484222325",
        "tracking 2 postgres": "cbf29ce484222325",
        "tracking 2 sqlite": "4faaa92579e66729",
        "tracking 3 mysql": "cbf29ce484222325",
        "tracking 3 postgres": "cbf29ce484222325",
        "tracking 3 sqlite": "449ee83d2e3b09c3",
        "tracking 4 mysql": "cbf29ce484222325",
        "tracking 4 postgres": "cbf29ce484222325",
        "tracking 4 sqlite": "0e900823a6f18a3b",
        "tracking 5 mysql": "cbf29ce484222325",
        "tracking 5 postgres": "cbf29ce484222325",
        "tracking 5 sqlite": "ea21ec1dbcd47b67",
        "tracking 6 mysql": "c8de995bd4afd942",
        "tracking 6 postgres": "e24cc31c1b2e29dc",
        "tracking 6 sqlite": "7460fde2a007636a",
        "tracking 7 mysql": "a02fe438c1cb3eea",
        "tracking 7 postgres": "0f1daa655e4fd588",
        "tracking 7 sqlite": "0f1daa655e4fd588",
        "tracking 8 mysql": "cbf29ce484222325",
        "tracking 8 postgres": "cbf29ce484222325",
        "tracking 8 sqlite": "894f319829fa1684",
        "tracking 9 mysql": "d142ebe2018db4f6",
        "tracking 9 postgres": "bb84dd0da6e12ca0",
        "tracking 9 sqlite": "bb84dd0da6e12ca0",
        "tracking 10 mysql": "9b863f4ecd0224a3",
        "tracking 10 postgres": "9ff07cd07812a42d",
        "tracking 10 sqlite": "9ff07cd07812a42d",
        "tracking 11 mysql": "930da53a8a73a33f",
        "tracking 11 postgres": "b9e2624b23d6a4df",
        "tracking 11 sqlite": "b9e2624b23d6a4df",
        "tracking 12 mysql": "e722febbbef696c6",
        "tracking 12 postgres": "d3994183a9e3f390",
        "tracking 12 sqlite": "d3994183a9e3f390",
        "tracking 13 mysql": "53bf90354cbf30fb",
        "tracking 13 postgres": "a17edac64520323b",
        "tracking 13 sqlite": "a17edac64520323b",
        "tracking 14 mysql": "34cc2e8135ce6a43",
        "tracking 14 postgres": "a4bbe0e348b49a97",
        "tracking 14 sqlite": "a4bbe0e348b49a97",
        "tracking 15 mysql": "502bedef383233ad",
        "tracking 15 postgres": "6fa161b1dddfd4e1",
        "tracking 15 sqlite": "6fa161b1dddfd4e1",
        "tracking 16 mysql": "1ad32e257592cdc2",
        "tracking 16 postgres": "1ad32e257592cdc2",
        "tracking 16 sqlite": "1ad32e257592cdc2",
        "tracking 17 mysql": "c562922e5a0f27a6",
        "tracking 17 postgres": "6c6c8af741580a00",
        "tracking 17 sqlite": "6c6c8af741580a00",
        "tracking 18 mysql": "a6f4938b1b8949a2",
        "tracking 18 postgres": "d6c39088b974b15f",
        "tracking 18 sqlite": "be5a47c7950c4577",
    ]

    @Test func everyShippedMigrationKeepsItsSQL() {
        var actual: [String: String] = [:]
        for schema in SnapshotSchema.all {
            for migration in schema.migrations {
                for (engine, dialect) in [("sqlite", SQLDialect.sqlite), ("postgres", .postgres), ("mysql", .mysql)] {
                    actual["\(schema.name) \(migration.version) \(engine)"] =
                        Self.fingerprint(migration.statements(for: dialect))
                }
            }
        }
        let changed = Set(actual.keys).union(Self.pinned.keys).sorted().filter { Self.pinned[$0] != actual[$0] }
        let lines = changed.map { "\"\($0)\": \"\(actual[$0] ?? "")\"," }.joined(separator: "\n")
        #expect(changed.isEmpty, "migration SQL differs from the pinned text (a shipped migration was edited, or a new one needs pinning):\n\(lines)")
    }

    /// FNV-1a over the UTF-8 bytes of the statements, each followed by a separator no statement holds.
    static func fingerprint(_ statements: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for statement in statements {
            for byte in statement.utf8 + [0] {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
