@testable import SQL
import Testing
@testable import Storage
import TrackingCore

@Suite("Search compilers per dialect")
struct SearchCompilerDialectTests {
    private func runQuery(_ filter: String, orderBy: [String] = [], dialect: SQLDialect) throws -> CompiledQuery {
        try RunSearchCompiler.compile(experimentIds: ["1", "2"], filter: filter, orderBy: orderBy, viewType: .all,
                                      limit: 10, offset: 5, dialect: dialect)
    }

    private func placeholders(_ sql: String) -> Int { sql.filter { $0 == "?" }.count }

    @Test(arguments: [SQLDialect.sqlite, .postgres, .mysql])
    func placeholdersMatchBindings(dialect: SQLDialect) throws {
        let filter = "metrics.acc != 1 AND params.lr LIKE '0.%' AND tags.t ILIKE 'x' AND run_id IN ('a', 'b') "
            + "AND datasets.context = 'train' AND status = 'FINISHED' AND start_time > 3 AND tags.u IS NULL"
        let query = try runQuery(filter, orderBy: ["metrics.acc DESC", "tags.t"], dialect: dialect)
        #expect(placeholders(query.sql) == query.bindings.count)
        #expect(query.bindings.suffix(2) == [.integer(10), .integer(5)])
        let experiments = try ExperimentSearchCompiler.compile(
            filter: "name LIKE 'a%' AND tags.x = 'y' AND experiment_id IN ('1')", orderBy: ["name"],
            viewType: .activeOnly, limit: 3, offset: 0, dialect: dialect)
        #expect(placeholders(experiments.sql) == experiments.bindings.count)
    }

    @Test func sqliteUsesGlobForLike() throws {
        let query = try runQuery("params.lr LIKE 'a_%*'", dialect: .sqlite)
        #expect(query.sql.contains("GLOB ?"))
        #expect(query.bindings.contains(.text("a?*[*]")))
        #expect(try runQuery("params.lr ILIKE 'A%'", dialect: .sqlite).sql.contains("LOWER(f1.value) LIKE LOWER(?)"))
    }

    @Test func postgresUsesLikeAndIlike() throws {
        #expect(try runQuery("params.lr LIKE 'a%'", dialect: .postgres).sql.contains("f1.value LIKE ?"))
        #expect(try runQuery("params.lr ILIKE 'a%'", dialect: .postgres).sql.contains("f1.value ILIKE ?"))
    }

    @Test func mysqlComparesBinary() throws {
        let equal = try runQuery("tags.t = 'A'", dialect: .mysql)
        #expect(equal.sql.contains("(f1.value = ? AND BINARY f1.value = ?)"))
        #expect(try runQuery("params.lr LIKE 'a%'", dialect: .mysql).sql.contains("BINARY f1.value LIKE ?"))
        #expect(try runQuery("params.lr ILIKE 'a%'", dialect: .mysql).sql.contains("LOWER(f1.value) LIKE LOWER(?)"))
        #expect(try runQuery("run_id IN ('a')", dialect: .mysql).sql.contains("BINARY runs.run_uuid IN (?)"))
    }
}
