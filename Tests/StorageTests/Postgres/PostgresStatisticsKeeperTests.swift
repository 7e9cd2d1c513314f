import Foundation
@testable import PostgreSQLEngine
import SQL
import Testing
@testable import Storage
import TrackingCore

/// `PostgresStatisticsKeeper`: autovacuum's analyze rule, and on a real server that a freshly
/// filled experiment's search no longer joins every metric row to every run of the experiment
/// (a nested loop with the run id as a mere join filter: 302 ms for 2,000 runs) once the keeper ran.
@Suite("PostgreSQL statistics keeper")
struct PostgresStatisticsKeeperTests {
    @Test func staleByAutovacuumsRule() {
        let tables = [
            PostgresStatisticsKeeper.TableActivity(name: "never", changesSinceAnalyze: 0, liveRows: 0),
            PostgresStatisticsKeeper.TableActivity(name: "fresh-burst", changesSinceAnalyze: 51, liveRows: 0),
            PostgresStatisticsKeeper.TableActivity(name: "few", changesSinceAnalyze: 50, liveRows: 0),
            PostgresStatisticsKeeper.TableActivity(name: "big-small-change", changesSinceAnalyze: 10_000, liveRows: 1_000_000),
            PostgresStatisticsKeeper.TableActivity(name: "big-big-change", changesSinceAnalyze: 100_051, liveRows: 1_000_000),
            // Its counters not yet published, but its file has pages and it was never analyzed.
            PostgresStatisticsKeeper.TableActivity(name: "filled-unpublished", changesSinceAnalyze: 0, liveRows: 0,
                                                   neverAnalyzedButFilled: true),
        ]
        #expect(PostgresStatisticsKeeper.stale(tables) == ["fresh-burst", "big-big-change", "filled-unpublished"])
        #expect(PostgresStatisticsKeeper.quoted(#"odd"name"#) == #""odd""name""#)
    }

    @Test(.enabled(if: PostgresTestServer.adminURI != nil))
    func aFreshlyFilledExperimentIsNotSearchedRunByRun() throws {
        let database = try PostgresDatabase.open(uri: try PostgresTestServer.freshDatabase(), poolSize: 2,
                                                 poolTimeout: .seconds(5))
        let store = try SQLTrackingStore(database: database, defaultArtifactRoot: "/tmp/keeper-artifacts")
        let experiment = try store.createExperiment(name: "burst", artifactLocation: nil, tags: [])
        for index in 0..<1_000 {
            let run = try store.createRun(CreateRunRequest(experimentId: experiment, userId: "u", runName: nil,
                                                           startTime: Int64(index), tags: []))
            try store.logBatch(runId: run.info.runId,
                               metrics: [Metric(key: "acc", value: Double(index % 100) / 100, timestamp: 1, step: 0)],
                               params: [Param(key: "model", value: ["rf", "gbm", "lr"][index % 3])],
                               tags: [])
        }
        let query = try RunSearchCompiler.compile(
            experimentIds: [experiment], filter: "metrics.acc > 0.5 and params.model = 'rf'",
            orderBy: ["metrics.acc DESC"], viewType: .activeOnly, limit: 101, offset: 0, dialect: .postgres)
        func plan() throws -> String {
            try database.read { connection in
                try connection.query("EXPLAIN " + query.sql, query.bindings) { $0.string(0) }.joined(separator: "\n")
            }
        }
        // Never analyzed (autovacuum looks once a minute): the planner takes runs for a row or two and
        // scans the experiment's runs once per metric row, matching the run id as a filter.
        let runByRun = "Join Filter: ((runs.run_uuid)::text = (o1.run_uuid)::text)"
        #expect(try plan().contains(runByRun))
        // Backends publish their counters a second or more later; a never-analyzed table whose file
        // has pages is analyzed at the keeper's first look, right after the burst.
        let analyzed = try PostgresStatisticsKeeper.refresh(database)
        #expect(Set(analyzed).isSuperset(of: ["runs", "params", "latest_metrics"]), "\(analyzed)")
        let after = try plan()
        #expect(!after.contains(runByRun), "\(after)")
        #expect(try PostgresStatisticsKeeper.refresh(database).isEmpty)
    }
}
