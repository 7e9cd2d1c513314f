import Foundation
import SQL
import Testing
@testable import Storage
import TrackingCore

/// The common trace search (one experiment, `tags.env = 'prod'`, newest first, 100 a page) is
/// answered from the tag index on every engine: the plan names it and sorts nothing. The traces are
/// written straight into the tables, one in ten with the tag, as bench/run.py's search-traces
/// scenario has them. With `SWIFTRACK_TRACE_PLAN_TRACES=100000` it fills that many and prints each
/// engine's plan of the page query with the general query's beside it, and their times (SQLite:
/// EXPLAIN QUERY PLAN and the median of 20 runs; PostgreSQL: EXPLAIN (ANALYZE, BUFFERS); MariaDB:
/// ANALYZE): what the lead reads, never asserted. It also times migration 18 over as many traces.
@Suite("Trace search: the tag index plan")
struct TraceTagIndexPlanTests {
    static let traces = ProcessInfo.processInfo.environment["SWIFTRACK_TRACE_PLAN_TRACES"].flatMap { Int($0) } ?? 3_000
    static let printing = ProcessInfo.processInfo.environment["SWIFTRACK_TRACE_PLAN_TRACES"] != nil

    @Test(arguments: TestEngine.all) func theCommonSearchReadsTheTagIndex(engine: TestEngine) throws {
        let store = try engine.makeStore()
        let experiment = try store.createExperiment(name: "plan", artifactLocation: nil, tags: [])
        let other = try store.createExperiment(name: "other", artifactLocation: nil, tags: [])
        let started = Date()
        try Self.fill(store.database, experiment: Int64(experiment) ?? 0, other: Int64(other) ?? 0, count: Self.traces)
        let filled = Date().timeIntervalSince(started)
        try store.database.withConnection { connection in
            try connection.execute(engine == .mysql ? "ANALYZE TABLE trace_info, trace_tags" : "ANALYZE", [])
        }

        let indexed = try Self.page(experiment, tagIndex: true, dialect: store.database.dialect)
        let general = try Self.page(experiment, tagIndex: false, dialect: store.database.dialect)
        #expect(indexed.sql.hasPrefix("SELECT d.request_id FROM trace_tags AS d WHERE"))
        let plan = try Self.plan(indexed, engine: engine, store.database)
        #expect(plan.contains("index_trace_tags_experiment_key_value"), "\(engine): \(plan)")
        switch engine {
        case .sqlite: #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        case .postgres: #expect(!plan.contains("Sort"), "\(plan)")
        case .mysql: #expect(!plan.contains("filesort"), "\(plan)")
        }
        // Same page either way: the newest tenth of the traces, newest first.
        let expected = (0..<Self.traces).reversed().filter { $0 % 10 == 0 }.prefix(101).map(Self.traceId)
        #expect(try Self.ids(indexed, store.database) == expected)
        #expect(try Self.ids(general, store.database) == expected)

        guard Self.printing else { return }
        var report = "\n=== \(engine): \(Self.traces) traces (filled in \(String(format: "%.1f", filled)) s) ===\n"
        // With another condition, the index's rows are joined to trace_info (printed, not asserted:
        // the engine may choose otherwise when the other condition is the more selective).
        let joined = try TraceSearchCompiler.compile(
            experimentIds: [experiment], filter: "tags.env = 'prod' AND trace.status = 'OK'", orderBy: [], limit: 101,
            offset: 0, dialect: store.database.dialect)
        let joinedGeneral = try TraceSearchCompiler.compile(
            experimentIds: [experiment], filter: "tags.env = 'prod' AND trace.status = 'OK'", orderBy: [], limit: 101,
            offset: 0, dialect: store.database.dialect, tagIndex: false)
        #expect(try Self.ids(joined, store.database) == expected)
        for (name, query) in [("tag index", indexed), ("general", general), ("tag index, joined", joined),
                              ("general, with the status", joinedGeneral)] {
            report += "--- \(name): \(query.sql)\n\(try Self.plan(query, engine: engine, store.database, analyze: true))\n"
            report += "median of 20 runs: \(String(format: "%.3f", try Self.medianMillis(query, store.database))) ms\n"
        }
        print(report)
    }

    /// Migration 18 over a store of these traces (filled at version 16, the tags without copies):
    /// every copy equals its trace's values afterwards; with SWIFTRACK_TRACE_PLAN_TRACES, how long it took.
    @Test(arguments: TestEngine.all) func theMigrationFillsTheCopiesOfAFullStore(engine: TestEngine) throws {
        let database = try engine.makeDatabase()
        try database.migrate(TrackingMigrations.all.filter { $0.version < 18 })
        try database.write { connection in
            for name in ["plan", "other"] {
                try connection.execute(
                    "INSERT INTO experiments (name, artifact_location, lifecycle_stage) VALUES (?, '/e', 'active')", [.text(name)])
            }
        }
        let keys = try database.read { connection in
            try connection.query("SELECT experiment_id FROM experiments ORDER BY experiment_id", []) { $0.int64(0) }
        }
        try Self.fill(database, experiment: keys[0], other: keys[1], count: Self.traces, copies: false)
        let started = Date()
        #expect(try database.migrate() == TrackingMigrations.all.map(\.version).filter { $0 >= 18 })
        let took = Date().timeIntervalSince(started)
        let store = try SQLTrackingStore(database: database, defaultArtifactRoot: "/a")
        #expect(try StoreTraceTagCopyTests.staleCopies(store) == [])
        let tags = try database.read { try $0.queryFirst("SELECT COUNT(*) FROM trace_tags", []) { $0.int64(0) } }
        #expect(tags == Int64(Self.traces * 3 + Self.traces / 10))
        if Self.printing { print("\n=== \(engine): migration 18 over \(tags ?? 0) trace tags took \(String(format: "%.2f", took)) s ===") }
    }

    static func traceId(_ index: Int) -> String {
        // Random-looking, as OpenTelemetry's ids are: consecutive traces land far apart in an id index.
        var hash = UInt64(index) &+ 0x9E37_79B9_7F4A_7C15
        hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
        return "tr-" + String(hash ^ (hash >> 31), radix: 16)
    }

    static func page(_ experiment: String, tagIndex: Bool, dialect: SQLDialect) throws -> CompiledQuery {
        try TraceSearchCompiler.compile(experimentIds: [experiment], filter: "tags.env = 'prod'", orderBy: [],
                                        limit: 101, offset: 0, dialect: dialect, tagIndex: tagIndex)
    }

    /// The traces (one in ten tagged `env = prod`, a few in another experiment), with the tags an
    /// OTLP export leaves: artifact location, spans location, service name. Copies as the store keeps them.
    static func fill(_ database: any SQLDatabase, experiment: Int64, other: Int64, count: Int, copies: Bool = true) throws {
        let perStatement = 400
        for start in stride(from: 0, to: count, by: perStatement) {
            let range = start..<min(start + perStatement, count)
            try database.write { connection in
                var infos: [SQLValue] = []
                var tags: [SQLValue] = []
                var tagRows = 0
                for index in range {
                    let id = traceId(index)
                    let owner = index % 50 == 7 ? other : experiment
                    let time = Int64(1_700_000_000_000 + index)
                    infos += [.text(id), .integer(owner), .integer(time), .integer(5), .text("OK"), .integer(time)]
                    var pairs = [(TraceKeys.artifactLocation, "mlflow-artifacts:/\(owner)/traces/\(id)/artifacts"),
                                 (TraceKeys.spansLocation, TraceKeys.spansInTrackingStore), ("service.name", "shop")]
                    if index % 10 == 0 { pairs.append(("env", "prod")) }
                    for (key, value) in pairs {
                        tags += [.text(id), .text(key), .text(value)] + (copies ? [.integer(owner), .integer(time)] : [])
                        tagRows += 1
                    }
                }
                try connection.execute(
                    SQLDialect.insert(into: "trace_info", columns: ["request_id", "experiment_id", "timestamp_ms",
                                                                    "execution_time_ms", "status", "received_ms"],
                                      rows: range.count), infos)
                try connection.execute(
                    SQLDialect.insert(into: "trace_tags",
                                      columns: ["request_id", "key", "value"] + (copies ? ["experiment_id", "timestamp_ms"] : []),
                                      rows: tagRows), tags)
            }
        }
    }

    static func ids(_ query: CompiledQuery, _ database: any SQLDatabase) throws -> [String] {
        try database.read { connection in try connection.query(query.sql, query.bindings) { $0.string(0) } }
    }

    static func plan(_ query: CompiledQuery, engine: TestEngine, _ database: any SQLDatabase,
                     analyze: Bool = false) throws -> String {
        try database.read { connection in
            switch engine {
            case .sqlite:
                return try connection.query("EXPLAIN QUERY PLAN " + query.sql, query.bindings) { $0.string(3) }
                    .joined(separator: "\n")
            case .postgres:
                return try connection.query((analyze ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN ") + query.sql,
                                            query.bindings) { $0.string(0) }.joined(separator: "\n")
            case .mysql:
                // id, select_type, table, type, possible_keys, key, key_len, ref, rows, [r_rows, filtered, r_filtered], Extra
                let columns: Int32 = analyze ? 13 : 10
                return try connection.query((analyze ? "ANALYZE " : "EXPLAIN ") + query.sql, query.bindings) { row in
                    (0..<columns).map { row.optionalString($0) ?? "NULL" }.joined(separator: " | ")
                }.joined(separator: "\n")
            }
        }
    }

    static func medianMillis(_ query: CompiledQuery, _ database: any SQLDatabase) throws -> Double {
        var times: [Double] = []
        for _ in 0..<20 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try ids(query, database)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return times.sorted()[times.count / 2]
    }
}
