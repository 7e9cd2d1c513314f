@testable import SQL
import Testing
@testable import Storage
import TrackingCore

/// The compilers narrow a search to what an `IdentifierFilter` allows (access control): experiment
/// ids bound as integers, model names bound as text, on every dialect.
@Suite("Search compilers: visibility filter")
struct VisibilityCompilerTests {
    private func experiments() throws -> SearchTestDatabase {
        let db = try SearchTestDatabase()
        try db.experiment(1, "one", created: 100)
        try db.experiment(2, "two", created: 300)
        try db.experiment(3, "three", created: 200)
        try db.experiment(4, "four", created: 400)
        return db
    }

    private func searchExperiments(_ visible: IdentifierFilter, filter: String = "", limit: Int = 100,
                                   offset: Int = 0) throws -> [String] {
        try experiments().run(try ExperimentSearchCompiler.compile(
            filter: filter, orderBy: [], viewType: .activeOnly, limit: limit, offset: offset, dialect: .sqlite,
            visible: visible))
    }

    @Test func experimentsOutsideTheFilterNeverMatch() throws {
        #expect(try searchExperiments(.all) == ["4", "2", "3", "1"])
        #expect(try searchExperiments(.only(["1", "3"])) == ["3", "1"])
        #expect(try searchExperiments(.only([])) == [])
        #expect(try searchExperiments(.allExcept(["2", "4"])) == ["3", "1"])
        #expect(try searchExperiments(.allExcept([])) == ["4", "2", "3", "1"])
        // Combined with the request's own filter and paging.
        #expect(try searchExperiments(.only(["1", "2", "3"]), filter: "name != 'two'") == ["3", "1"])
        #expect(try searchExperiments(.allExcept(["4"]), limit: 1, offset: 1) == ["3"])
    }

    /// Identifiers that are no experiment id in canonical spelling name nothing: `.only` with only
    /// those matches nothing, `.allExcept` refuses nothing because of them.
    @Test func nonIntegerIdentifiersAreSkipped() throws {
        #expect(try searchExperiments(.only(["x", "01", " 1", "1) OR (1 = 1"])) == [])
        #expect(try searchExperiments(.only(["x", "2"])) == ["2"])
        #expect(try searchExperiments(.allExcept(["x", "04"])) == ["4", "2", "3", "1"])
    }

    @Test func experimentIdsAreBoundAsIntegers() throws {
        let only = try ExperimentSearchCompiler.compile(filter: "", orderBy: [], viewType: .activeOnly, limit: 5,
                                                        offset: 0, dialect: .sqlite, visible: .only(["3", "1", "z"]))
        #expect(only.sql.contains("experiments.experiment_id IN (?, ?)"))
        #expect(only.bindings.contains(.integer(1)) && only.bindings.contains(.integer(3)))
        #expect(!only.sql.contains("3") && !only.sql.contains("'1'"))
        let none = try ExperimentSearchCompiler.compile(filter: "", orderBy: [], viewType: .activeOnly, limit: 5,
                                                        offset: 0, dialect: .sqlite, visible: .only(["z"]))
        #expect(none.sql.contains("1 = 0"))
        let except = try ExperimentSearchCompiler.compile(filter: "", orderBy: [], viewType: .activeOnly, limit: 5,
                                                          offset: 0, dialect: .sqlite, visible: .allExcept(["2"]))
        #expect(except.sql.contains("experiments.experiment_id NOT IN (?)"))
        #expect(except.bindings.contains(.integer(2)))
        let everything = try ExperimentSearchCompiler.compile(filter: "", orderBy: [], viewType: .activeOnly, limit: 5,
                                                              offset: 0, dialect: .sqlite, visible: .allExcept([]))
        #expect(everything == (try ExperimentSearchCompiler.compile(
            filter: "", orderBy: [], viewType: .activeOnly, limit: 5, offset: 0, dialect: .sqlite)))
    }

    // MARK: registry

    /// Models `alpha`, `Gamma`, `beta` (two versions each) and a prompt, on a registry schema.
    private func registry() throws -> SearchTestDatabase {
        let db = try SearchTestDatabase()
        for statement in Schema003.statements { try db.execute(statement) }
        for (index, name) in ["alpha", "Gamma", "beta", "prompt"].enumerated() {
            try db.execute("INSERT INTO registered_models (name, creation_time, last_updated_time) VALUES (?, ?, ?)",
                           [.text(name), .integer(Int64(index)), .integer(Int64(index))])
            for version in 1...2 {
                try db.execute("""
                    INSERT INTO model_versions (name, version, creation_time, last_updated_time) VALUES (?, ?, ?, ?)
                    """, [.text(name), .integer(Int64(version)), .integer(Int64(index * 10 + version)),
                          .integer(Int64(index * 10 + version))])
            }
        }
        try db.execute("INSERT INTO registered_model_tags (name, key, value) VALUES ('prompt', 'mlflow.prompt.is_prompt', 'true')")
        return db
    }

    private func models(_ visible: IdentifierFilter, filter: String = "", limit: Int = 100) throws -> [String] {
        try registry().run(try RegistrySearchCompiler.compileRegisteredModels(
            filter: filter, orderBy: [], limit: limit, offset: 0, dialect: .sqlite, visible: visible))
    }

    /// The model name of each version found, in result order.
    private func versions(_ visible: IdentifierFilter) throws -> [String] {
        try registry().run(try RegistrySearchCompiler.compileModelVersions(
            filter: "", orderBy: ["name ASC", "version_number ASC"], limit: 100, offset: 0, dialect: .sqlite,
            visible: visible))
    }

    @Test func registeredModelsOutsideTheFilterNeverMatch() throws {
        #expect(try models(.all) == ["Gamma", "alpha", "beta"])
        #expect(try models(.only(["alpha", "beta"])) == ["alpha", "beta"])
        #expect(try models(.only(["gamma"])) == [])  // names are compared case-sensitively
        #expect(try models(.only([])) == [])
        #expect(try models(.allExcept(["Gamma"])) == ["alpha", "beta"])
        #expect(try models(.allExcept([])) == ["Gamma", "alpha", "beta"])
        #expect(try models(.only(["alpha", "beta"]), filter: "name LIKE '%a'", limit: 1) == ["alpha"])
        #expect(try models(.only(["alpha' OR '1' = '1"])) == [])
        // The prompt stays out unless asked for, and then only when visible.
        #expect(try models(.only(["prompt"])) == [])
        #expect(try models(.only(["prompt"]), filter: "tags.`mlflow.prompt.is_prompt` = 'true'") == ["prompt"])
        #expect(try models(.allExcept(["prompt"]), filter: "tags.`mlflow.prompt.is_prompt` = 'true'") == [])
    }

    @Test func modelVersionsOfModelsOutsideTheFilterNeverMatch() throws {
        #expect(try versions(.all) == ["Gamma", "Gamma", "alpha", "alpha", "beta", "beta", "prompt", "prompt"])
        #expect(try versions(.only(["beta"])) == ["beta", "beta"])
        #expect(try versions(.only([])) == [])
        #expect(try versions(.allExcept(["alpha", "prompt"])) == ["Gamma", "Gamma", "beta", "beta"])
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres, .mysql])
    func namesAreBoundOnEveryDialect(dialect: SQLDialect) throws {
        let column = dialect == .mysql ? "BINARY registered_models.name" : "registered_models.name"
        let only = try RegistrySearchCompiler.compileRegisteredModels(
            filter: "tags.t = 'x'", orderBy: [], limit: 3, offset: 0, dialect: dialect, visible: .only(["b", "a"]))
        #expect(only.sql.contains("\(column) IN (?, ?)"))
        #expect(only.bindings.prefix(2) == [.text("a"), .text("b")])
        #expect(only.sql.filter { $0 == "?" }.count == only.bindings.count)
        let except = try RegistrySearchCompiler.compileModelVersions(
            filter: "name = 'a'", orderBy: [], limit: 3, offset: 0, dialect: dialect, visible: .allExcept(["c"]))
        let versionColumn = dialect == .mysql ? "BINARY model_versions.name" : "model_versions.name"
        #expect(except.sql.contains("\(versionColumn) NOT IN (?)"))
        #expect(except.bindings.first == .text("c"))
        #expect(except.sql.filter { $0 == "?" }.count == except.bindings.count)
        let none = try RegistrySearchCompiler.compileModelVersions(
            filter: "", orderBy: [], limit: 3, offset: 0, dialect: dialect, visible: .only([]))
        #expect(none.sql.contains("WHERE 1 = 0 AND "))
        let experiments = try ExperimentSearchCompiler.compile(
            filter: "name LIKE 'a%' AND experiment_id IN ('1')", orderBy: [], viewType: .activeOnly, limit: 3,
            offset: 0, dialect: dialect, visible: .allExcept(["5", "6"]))
        #expect(experiments.sql.contains("experiments.experiment_id NOT IN (?, ?)"))
        #expect(experiments.sql.filter { $0 == "?" }.count == experiments.bindings.count)
    }
}
