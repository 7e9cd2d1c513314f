import Testing
@testable import Storage
import TrackingCore

@Suite("ExperimentSearchCompiler on SQLite")
struct ExperimentSearchCompilerTests {
    private func sampleDatabase() throws -> SearchTestDatabase {
        let db = try SearchTestDatabase()
        try db.experiment(1, "exp-one", created: 100, updated: 150)
        try db.experiment(2, "exp-two", created: 300, updated: 300)
        try db.experiment(3, "Other", created: 200, updated: 400)
        try db.experiment(4, "another", created: 300, updated: 310)
        try db.experiment(5, "gone", stage: "deleted", created: 50)
        try db.experimentTag(1, "env", "prod")
        try db.experimentTag(2, "env", "dev")
        return db
    }

    private func search(_ filter: String = "", orderBy: [String] = [], view: ViewType = .activeOnly,
                        limit: Int = 100, offset: Int = 0) throws -> [String] {
        let query = try ExperimentSearchCompiler.compile(filter: filter, orderBy: orderBy, viewType: view,
                                                         limit: limit, offset: offset, dialect: .sqlite)
        return try sampleDatabase().run(query)
    }

    @Test func defaultOrderIsCreationTimeDescThenIdAsc() throws {
        #expect(try search() == ["2", "4", "3", "1"])
        #expect(try search(view: .all) == ["2", "4", "3", "1", "5"])
        #expect(try search(view: .deletedOnly) == ["5"])
    }

    @Test func attributeFilters() throws {
        #expect(try search("name LIKE 'exp%'") == ["2", "1"])
        #expect(try search("name LIKE 'other'") == [])
        #expect(try search("name ILIKE 'OTHER'") == ["3"])
        #expect(try search("attribute.name = 'Other'") == ["3"])
        #expect(try search("name != 'Other'") == ["2", "4", "1"])
        #expect(try search("experiment_id IN ('1', '3')") == ["3", "1"])
        #expect(try search("experiment_id NOT IN ('1', '3')") == ["2", "4"])
        #expect(try search("experiment_id != '2'") == ["4", "3", "1"])
        #expect(try search("experiment_id = '4'") == ["4"])
        #expect(try search("creation_time > 150") == ["2", "4", "3"])
        #expect(try search("last_update_time <= 310 AND creation_time >= 300") == ["2", "4"])
    }

    @Test func tagFilters() throws {
        #expect(try search("tags.env = 'prod'") == ["1"])
        #expect(try search("tag.env LIKE '%e%'") == ["2"])
        #expect(try search("tags.env ILIKE 'PROD'") == ["1"])
        #expect(try search("tags.env != 'prod'") == ["2"])
        #expect(try search("tags.env IS NULL") == ["4", "3"])
        #expect(try search("tags.env IS NOT NULL") == ["2", "1"])
    }

    @Test func orderBy() throws {
        #expect(try search(orderBy: ["name"]) == ["3", "4", "1", "2"])
        #expect(try search(orderBy: ["name DESC"]) == ["2", "1", "4", "3"])
        #expect(try search(orderBy: ["creation_time ASC"]) == ["1", "3", "4", "2"])  // ties: experiment_id DESC
        #expect(try search(orderBy: ["creation_time", "experiment_id ASC"]) == ["1", "3", "2", "4"])
        #expect(try search(orderBy: ["last_update_time DESC"]) == ["3", "4", "2", "1"])
    }

    @Test func limitAndOffset() throws {
        #expect(try search(limit: 2, offset: 1) == ["4", "3"])
    }

    @Test func invalidRequestsThrow() {
        #expect(throws: MLflowError.invalidParameter("Invalid order_by entity: tag")) { try search(orderBy: ["tags.env"]) }
        #expect(throws: MLflowError.self) { try search("metrics.a > 1") }
        #expect(throws: MLflowError.self) { try search("experiment_id = 'one'") }
    }
}
