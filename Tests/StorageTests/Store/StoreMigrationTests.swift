@testable import SQL
import Testing
@testable import Storage
import TrackingCore

@Suite("Store: schema on every engine")
struct StoreMigrationTests {
    @Test(arguments: TestEngine.all)
    func newDatabaseGetsTheWholeSchemaOnce(engine: TestEngine) throws {
        let database = try engine.makeDatabase()
        #expect(try database.schemaStatus() == .empty)
        let store = try SQLTrackingStore(database: database, defaultArtifactRoot: "/a")
        #expect(try database.schemaVersions() == TrackingMigrations.all.map(\.version))
        #expect(try database.schemaStatus() == .current)
        #expect(try database.migrate() == [])
        // A second store on the same database keeps the one Default experiment.
        _ = try SQLTrackingStore(database: database, defaultArtifactRoot: "/b")
        #expect(try store.getExperiment(id: "0").artifactLocation == "/a/0")
        #expect(try store.createExperiment(name: "first", artifactLocation: nil, tags: []) == "1")
    }

    @Test(arguments: TestEngine.all)
    func anOlderSchemaIsRefusedUntilUpgraded(engine: TestEngine) throws {
        let database = try engine.makeDatabase()
        try database.migrate(Array(TrackingMigrations.all.prefix(1)))
        // The registered versions after 1 (not a range: a number may be left for a change landing apart).
        let later = Array(TrackingMigrations.all.map(\.version).dropFirst())
        #expect(try database.schemaStatus() == .behind(at: 1, pending: later))
        #expect(throws: SchemaOutOfDate.self) { _ = try SQLTrackingStore(database: database, defaultArtifactRoot: "/a") }
        #expect(try database.migrate() == later)
        _ = try SQLTrackingStore(database: database, defaultArtifactRoot: "/a")
    }

    @Test(arguments: TestEngine.all.filter { $0 != .mysql })
    func aFailingMigrationLeavesNothingBehind(engine: TestEngine) throws {
        let database = try engine.makeDatabase()
        let latest = TrackingMigrations.latest
        let broken = TrackingMigrations.all
            + [Migration(version: latest + 1, statements: ["CREATE TABLE more (id INTEGER)", "NOT SQL"])]
        #expect(throws: (any Error).self) { try database.migrate(broken) }
        #expect(try database.schemaVersions() == TrackingMigrations.all.map(\.version))
        // DDL is transactional in SQLite and PostgreSQL: the first statement was rolled back too.
        #expect(throws: (any Error).self) {
            try database.read { try $0.query("SELECT COUNT(*) FROM more", []) { $0.int64(0) } }
        }
    }
}
