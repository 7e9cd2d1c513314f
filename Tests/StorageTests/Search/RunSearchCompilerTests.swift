import Testing
@testable import Storage
import TrackingCore

@Suite("RunSearchCompiler on SQLite")
struct RunSearchCompilerTests {
    /// Experiment 1: r1..r4 active, r5 deleted; experiment 2: r6.
    private func sampleDatabase() throws -> SearchTestDatabase {
        let db = try SearchTestDatabase()
        try db.experiment(1, "one", created: 1)
        try db.experiment(2, "two", created: 2)
        try db.run("r1", name: "alpha", user: "alice", status: "FINISHED", start: 100, end: 200)
        try db.run("r2", name: "Beta", user: "bob", status: "RUNNING", start: 300)
        try db.run("r3", name: "gamma", user: "alice", status: "FAILED", start: 200, end: 250)
        try db.run("r4", name: "delta", user: "carol", status: "FINISHED", start: 300)
        try db.run("r5", name: "old", start: 400, stage: "deleted")
        try db.run("r6", experiment: 2, name: "other", start: 500)
        try db.metric("r1", "acc", 0.9)
        try db.metric("r2", "acc", .nan)
        try db.metric("r3", "acc", 0.5)
        try db.metric("r5", "acc", 0.1)
        try db.metric("r1", "loss", 1.0)
        try db.metric("r3", "loss", 2.0)
        try db.param("r1", "lr", "0.1")
        try db.param("r2", "lr", "0.01")
        try db.param("r3", "lr", "LR*x")
        try db.tag("r1", "team", "ML")
        try db.tag("r2", "team", "ml")
        try db.tag("r3", "team", "Data")
        try db.dataset("ds1", name: "train", digest: "d1", run: "r1", context: "training")
        try db.dataset("ds2", name: "eval", digest: "d2", run: "r3", context: "evaluation")
        try db.execute("""
            INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id)
            VALUES ('in-ds1-r2', 'DATASET', 'ds1', 'RUN', 'r2')
            """)
        return db
    }

    private func search(_ filter: String = "", orderBy: [String] = [], experiments: [String] = ["1"],
                        view: ViewType = .activeOnly, limit: Int = 100, offset: Int = 0) throws -> [String] {
        let query = try RunSearchCompiler.compile(experimentIds: experiments, filter: filter, orderBy: orderBy,
                                                  viewType: view, limit: limit, offset: offset, dialect: .sqlite)
        return try sampleDatabase().run(query)
    }

    @Test func defaultOrderIsStartTimeDescThenRunId() throws {
        #expect(try search() == ["r2", "r4", "r3", "r1"])
    }

    @Test func viewTypeAndExperimentIds() throws {
        #expect(try search(view: .all) == ["r5", "r2", "r4", "r3", "r1"])
        #expect(try search(view: .deletedOnly) == ["r5"])
        #expect(try search(experiments: ["1", "2"]) == ["r6", "r2", "r4", "r3", "r1"])
        #expect(try search(experiments: ["2"]) == ["r6"])
        #expect(try search(experiments: []) == [])
        #expect(throws: MLflowError.self) { try search(experiments: ["x"]) }
    }

    @Test func metricFiltersUseLatestValuesAndSkipNaN() throws {
        #expect(try search("metrics.acc > 0.4") == ["r3", "r1"])
        #expect(try search("metrics.acc >= 0.5 AND metrics.acc <= 0.5") == ["r3"])
        #expect(try search("metrics.acc = 0") == [])  // NaN is stored as 0 and must not match
        #expect(try search("metrics.acc < 1") == ["r3", "r1"])
        #expect(try search("metrics.acc != 0.5") == ["r2", "r1"])  // NaN satisfies !=; missing doesn't
        #expect(try search("metrics.acc > 0.4 and params.lr = '0.1'") == ["r1"])
    }

    @Test func paramAndTagFilters() throws {
        #expect(try search("params.lr = '0.1'") == ["r1"])
        #expect(try search("params.lr != '0.1'") == ["r2", "r3"])
        #expect(try search("params.lr LIKE '0.%'") == ["r2", "r1"])
        #expect(try search("params.lr LIKE '0._'") == ["r1"])
        #expect(try search("params.lr LIKE 'lr%'") == [])  // LIKE is case-sensitive
        #expect(try search("params.lr ILIKE 'lr%'") == ["r3"])
        #expect(try search("params.lr LIKE 'LR*%'") == ["r3"])  // GLOB metacharacters are literal
        #expect(try search("params.lr LIKE '%?%'") == [])
        #expect(try search("params.lr LIKE 'LR_x'") == ["r3"])
        #expect(try search("tags.team = 'ml'") == ["r2"])
        #expect(try search("tags.team ILIKE 'ML'") == ["r2", "r1"])
        #expect(try search("tags.team IS NULL") == ["r4"])
        #expect(try search("params.lr IS NOT NULL") == ["r2", "r3", "r1"])
        #expect(try search("tags.missing IS NULL") == ["r2", "r4", "r3", "r1"])
    }

    @Test func attributeFilters() throws {
        #expect(try search("status = 'FINISHED'") == ["r4", "r1"])
        #expect(try search("attributes.status != 'FINISHED'") == ["r2", "r3"])
        #expect(try search("attributes.run_name = 'Beta'") == ["r2"])
        #expect(try search("run_name LIKE 'beta'") == [])
        #expect(try search("`Run Name` ILIKE 'beta'") == ["r2"])
        #expect(try search("start_time >= 200") == ["r2", "r4", "r3"])
        #expect(try search("created < 200") == ["r1"])
        #expect(try search("attr.start_time > 199.5") == ["r2", "r4", "r3"])
        #expect(try search("end_time > 200") == ["r3"])
        #expect(try search("run_id IN ('r1', 'r3', 'r5')") == ["r3", "r1"])
        #expect(try search("run_id NOT IN ('r1', 'r3')") == ["r2", "r4"])
        #expect(try search("run_id = 'r4'") == ["r4"])
        #expect(try search("user_id = 'alice'") == ["r3", "r1"])
        #expect(try search("artifact_uri LIKE 'file:%'") == ["r2", "r4", "r3", "r1"])
    }

    @Test func datasetFilters() throws {
        #expect(try search("datasets.name = 'train'") == ["r2", "r1"])
        #expect(try search("datasets.name != 'train'") == ["r3"])
        #expect(try search("datasets.digest IN ('d2')") == ["r3"])
        #expect(try search("datasets.context = 'training'") == ["r1"])
        #expect(try search("datasets.context LIKE '%tion'") == ["r3"])
    }

    @Test func orderByMetricPutsNaNThenMissingLastInBothDirections() throws {
        #expect(try search(orderBy: ["metrics.acc DESC"]) == ["r1", "r3", "r2", "r4"])
        #expect(try search(orderBy: ["metrics.acc ASC"]) == ["r3", "r1", "r2", "r4"])
        #expect(try search(orderBy: ["metrics.acc"]) == ["r3", "r1", "r2", "r4"])
    }

    @Test func aFilterOnTheOrderMetricLetsItsRowDriveTheQuery() throws {
        let driven = try RunSearchCompiler.compile(experimentIds: ["1"], filter: "metrics.acc > 0.4",
                                                   orderBy: ["metrics.acc DESC"], viewType: .activeOnly,
                                                   limit: 10, offset: 0, dialect: .sqlite)
        #expect(driven.sql.contains("JOIN latest_metrics AS o1 ON o1.run_uuid = runs.run_uuid"))
        #expect(!driven.sql.contains("LEFT OUTER JOIN"))
        #expect(!driven.sql.contains("EXISTS"))
        #expect(try sampleDatabase().run(driven) == ["r1", "r3"])
        #expect(try search("metrics.acc > 0.4", orderBy: ["metrics.acc ASC"]) == ["r3", "r1"])
        #expect(try search("metrics.acc > 0.4 and metrics.loss > 1", orderBy: ["metrics.acc DESC"]) == ["r3"])
        #expect(try search("metrics.acc < 1", orderBy: ["metrics.acc DESC", "run_id ASC"], limit: 1, offset: 1) == ["r3"])
        // Not on the first order key, or `!=` (which keeps NaN): the general form.
        for (filter, orderBy) in [("metrics.acc > 0.4", ["metrics.loss DESC", "metrics.acc DESC"]),
                                  ("metrics.acc != 0.4", ["metrics.acc DESC"])] {
            let general = try RunSearchCompiler.compile(experimentIds: ["1"], filter: filter, orderBy: orderBy,
                                                        viewType: .activeOnly, limit: 10, offset: 0, dialect: .sqlite)
            #expect(general.sql.contains("LEFT OUTER JOIN"))
        }
        #expect(try search("metrics.acc != 0.4", orderBy: ["metrics.acc DESC"]) == ["r1", "r3", "r2"])
    }

    @Test func orderByParamTagAndAttributesPutsMissingLast() throws {
        #expect(try search(orderBy: ["params.lr DESC"]) == ["r3", "r1", "r2", "r4"])
        #expect(try search(orderBy: ["params.lr"]) == ["r2", "r1", "r3", "r4"])
        #expect(try search(orderBy: ["tags.team ASC"]) == ["r3", "r1", "r2", "r4"])
        #expect(try search(orderBy: ["tags.team DESC"]) == ["r2", "r1", "r3", "r4"])
        #expect(try search(orderBy: ["end_time"]) == ["r1", "r3", "r2", "r4"])
        #expect(try search(orderBy: ["attributes.end_time DESC"]) == ["r3", "r1", "r2", "r4"])
        #expect(try search(orderBy: ["start_time ASC"]) == ["r1", "r3", "r2", "r4"])
        #expect(try search(orderBy: ["created DESC"]) == ["r2", "r4", "r3", "r1"])
        #expect(try search(orderBy: ["run_name"]) == ["r2", "r1", "r4", "r3"])
        #expect(try search(orderBy: ["metrics.loss ASC", "run_id DESC"]) == ["r1", "r3", "r4", "r2"])
        #expect(try search("metrics.acc > 0", orderBy: ["metrics.`acc` DESC"]) == ["r1", "r3"])
    }

    @Test func limitAndOffset() throws {
        #expect(try search(limit: 2) == ["r2", "r4"])
        #expect(try search(limit: 2, offset: try PageToken.decode(PageToken.encode(offset: 2))) == ["r3", "r1"])
        #expect(try search(limit: 0) == [])
        #expect(throws: MLflowError.self) { try search(limit: -1) }
        #expect(throws: MLflowError.self) { try search(offset: -1) }
    }

    @Test func invalidRequestsThrowInvalidParameterValue() {
        for (filter, orderBy) in [("metrics.a > 1 OR metrics.b > 1", [String]()), ("", ["datasets.name"]),
                                  ("", ["metrics.a", "metrics.a"]), ("lifecycle_stage = 'deleted'", [])] {
            #expect(throws: MLflowError.self) { try search(filter, orderBy: orderBy) }
        }
    }

    @Test func userTextIsAlwaysBoundNeverInterpolated() throws {
        let hostile = "x' OR '1'='1"
        let filter = "params.`\(hostile)` = \"\(hostile)\" AND tags.\"\(hostile)\" LIKE '%' AND run_id IN (\"\(hostile)\")"
        let query = try RunSearchCompiler.compile(experimentIds: ["1"], filter: filter,
                                                  orderBy: ["metrics.`\(hostile)` DESC", "params.`a;b` ASC"],
                                                  viewType: .all, limit: 10, offset: 0, dialect: .sqlite)
        #expect(!query.sql.contains("'"))
        #expect(!query.sql.contains(";"))
        #expect(query.bindings.contains(.text(hostile)))
        #expect(try sampleDatabase().run(query) == [])
    }
}
