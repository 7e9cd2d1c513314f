import Dispatch
import Foundation
import MySQLEngine
import PostgreSQLEngine
import SQL
import Storage
import Synchronization
import Testing
import TrackingCore

/// Replicas started together on one new database each open a store: migrations run once (advisory
/// lock) and the Default experiment is made once, whoever wins; no replica fails to start.
@Suite("Store: replicas opening one new database at once")
struct ReplicaStartupTests {
    @Test(arguments: TestEngine.all.filter { $0 != .sqlite })
    func storesOpenedTogetherOnANewDatabaseAllStart(engine: TestEngine) throws {
        let uri: DatabaseURI
        switch engine {
        case .postgres: uri = try PostgresTestServer.freshDatabase()
        case .mysql: uri = try MySQLTestServer.freshDatabase()
        case .sqlite: return
        }
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                let database: any SQLDatabase = engine == .postgres
                    ? try PostgresDatabase.open(uri: uri, poolSize: 2, poolTimeout: .seconds(20))
                    : try MySQLDatabase.open(uri: uri, poolSize: 2, poolTimeout: .seconds(20))
                let store = try SQLTrackingStore(database: database, defaultArtifactRoot: "/tmp/artifacts")
                _ = try store.getExperiment(id: "0")
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
    }
}

/// The Default experiment's insert can lose on its name rather than on experiment 0 (a replica that
/// inserted it a moment earlier, checked by PostgreSQL on the name's index first; or a store whose
/// experiment 0 is gone while another experiment is called Default): the store still opens.
@Suite("Store: the Default experiment's name taken")
struct DefaultExperimentNameTakenTests {
    @Test(arguments: TestEngine.all)
    func aStoreOpensWhenTheDefaultNameIsTakenByAnotherExperiment(engine: TestEngine) throws {
        let database = try engine.makeDatabase()
        let first = try SQLTrackingStore(database: database, defaultArtifactRoot: "/tmp/artifacts")
        try first.renameExperiment(id: "0", newName: "Renamed")
        let other = try first.createExperiment(name: Experiment.defaultName, artifactLocation: nil, tags: [])
        _ = try database.write { try $0.execute("DELETE FROM experiments WHERE experiment_id = 0", []) }
        let reopened = try SQLTrackingStore(database: database, defaultArtifactRoot: "/tmp/artifacts")
        #expect(try reopened.getExperimentByName(Experiment.defaultName)?.experimentId == other)
    }
}
