import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Registry store: search")
struct StoreRegistrySearchTests {
    private func fixtureWithModels(_ engine: TestEngine) throws -> RegistryFixture {
        let fixture = try RegistryFixture(engine)
        for name in ["beta", "alpha", "Gamma", "prompt"] { try fixture.model(name, versions: 2) }
        try fixture.registry.setRegisteredModelTag(name: "alpha", tag: Tag(key: "team", value: "red"))
        try fixture.registry.setRegisteredModelTag(name: "beta", tag: Tag(key: "team", value: "blue"))
        try fixture.registry.setRegisteredModelTag(name: "prompt", tag: Tag(key: "mlflow.prompt.is_prompt", value: "true"))
        try fixture.registry.setModelVersionTag(name: "prompt", version: "1",
                                                tag: Tag(key: "mlflow.prompt.is_prompt", value: "true"))
        return fixture
    }

    private func names(_ fixture: RegistryFixture, _ filter: String = "", orderBy: [String] = []) throws -> [String] {
        try fixture.registry.searchRegisteredModels(RegistrySearchQuery(filter: filter, orderBy: orderBy)).items.map(\.name)
    }

    @Test(arguments: TestEngine.all) func registeredModelsFiltersAndOrder(engine: TestEngine) throws {
        let fixture = try fixtureWithModels(engine)
        #expect(try names(fixture) == ["Gamma", "alpha", "beta"])
        #expect(try names(fixture, "name LIKE '%a'") == ["Gamma", "alpha", "beta"])
        #expect(try names(fixture, "name LIKE 'g%'") == [])
        #expect(try names(fixture, "name ILIKE 'g%'") == ["Gamma"])
        #expect(try names(fixture, "name IN ('alpha', 'beta')") == ["alpha", "beta"])
        #expect(try names(fixture, "tags.team = 'red'") == ["alpha"])
        #expect(try names(fixture, "tags.team != 'red'") == ["beta"])
        #expect(try names(fixture, "tags.`mlflow.prompt.is_prompt` = 'true'") == ["prompt"])
        #expect(try names(fixture, orderBy: ["name DESC"]) == ["beta", "alpha", "Gamma"])
        _ = try fixture.registry.updateRegisteredModel(name: "alpha", description: "touch")
        #expect(try names(fixture, orderBy: ["timestamp DESC"]).first == "alpha")
        #expect(try names(fixture, orderBy: ["last_updated_timestamp"]).last == "alpha")
    }

    /// The loaders read a page by its keys (on PostgreSQL as one array parameter): names with
    /// the array syntax's own characters come back whole, with their tags and versions.
    @Test(arguments: TestEngine.all) func namesWithArraySyntaxLoadWhole(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        let odd = ["a,b", "{braces}", "quote\"d", "back\\slash", "NULL", " spaced ", "\"", "é,ü"]
        for name in odd {
            try fixture.model(name, versions: 1)
            try fixture.registry.setRegisteredModelTag(name: name, tag: Tag(key: "of", value: name))
        }
        let page = try fixture.registry.searchRegisteredModels(RegistrySearchQuery(maxResults: 100)).items
        #expect(Set(page.map(\.name)) == Set(odd))
        for model in page {
            #expect(model.tags == [Tag(key: "of", value: model.name)])
            #expect(model.latestVersions.map(\.name) == [model.name])
        }
    }

    @Test(arguments: TestEngine.all) func registeredModelsPaging(engine: TestEngine) throws {
        let fixture = try fixtureWithModels(engine)
        let first = try fixture.registry.searchRegisteredModels(RegistrySearchQuery(maxResults: 2))
        #expect(first.items.map(\.name) == ["Gamma", "alpha"])
        let token = try #require(first.nextPageToken)
        let second = try fixture.registry.searchRegisteredModels(RegistrySearchQuery(maxResults: 2, pageToken: token))
        #expect(second.items.map(\.name) == ["beta"])
        #expect(second.nextPageToken == nil)
        #expect(second.items.first?.latestVersions.map(\.version) == ["2"])
    }

    @Test(arguments: [
        ("foo = 'x'", "Invalid attribute key 'foo' specified. Valid keys are '{'name'}'"),
        ("name > 'x'", "Invalid comparator for attribute: >"),
        ("tags.t > 'x'", "Invalid comparator for tag: >"),
        ("tags.t IN ('x')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('x')"),
        ("params.x = 'a'", "Invalid entity type 'params'. Valid entity types are ('attribute', 'tag', 'tags')"),
        ("name = 5", "Expected a quoted string value or a list of quoted string values for attributes. Got value 5"),
    ])
    func registeredModelFilterErrors(filter: String, message: String) throws {
        let fixture = try RegistryFixture(.sqlite)
        #expect(registryError { _ = try fixture.registry.searchRegisteredModels(RegistrySearchQuery(filter: filter)) }
                == MLflowError(.invalidParameterValue, message))
    }

    @Test(arguments: TestEngine.all) func registeredModelOrderErrorsAndLimits(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        #expect(registryError {
            _ = try fixture.registry.searchRegisteredModels(RegistrySearchQuery(orderBy: ["creation_timestamp"]))
        } == MLflowError(.invalidParameterValue,
                         "Invalid order by key 'creation_timestamp' specified. Valid keys are '{'name', 'timestamp'}'"))
        #expect(registryError {
            _ = try fixture.registry.searchRegisteredModels(RegistrySearchQuery(maxResults: 1001))
        } == MLflowError(.invalidParameterValue,
                         "Invalid value for request parameter max_results. It must be at most 1000, but got value 1001"))
    }

    private func versions(_ fixture: RegistryFixture, _ filter: String = "", orderBy: [String] = []) throws -> [String] {
        try fixture.registry.searchModelVersions(RegistrySearchQuery(filter: filter, orderBy: orderBy, maxResults: 1000))
            .items.map { "\($0.name)/\($0.version)" }
    }

    @Test(arguments: TestEngine.all) func modelVersionFiltersAndOrder(engine: TestEngine) throws {
        let fixture = try fixtureWithModels(engine)
        let run = try fixture.run()
        try fixture.version("beta", source: "runs:/\(run.info.runId)/model", runId: run.info.runId)
        #expect(try versions(fixture).first == "beta/3")
        #expect(try versions(fixture).count == 7)
        #expect(try versions(fixture, "name = 'alpha'", orderBy: ["version_number ASC"]) == ["alpha/1", "alpha/2"])
        #expect(try versions(fixture, "name = 'alpha' AND version_number > 1") == ["alpha/2"])
        #expect(try versions(fixture, "name = 'alpha' AND version_number = '2'") == ["alpha/2"])
        #expect(try versions(fixture, "run_id = '\(run.info.runId)'") == ["beta/3"])
        #expect(try versions(fixture, "run_id IN ('\(run.info.runId)', 'x')") == ["beta/3"])
        #expect(try versions(fixture, "source_path LIKE 's3://bucket/alpha/%'", orderBy: ["name", "version_number"])
                == ["alpha/1", "alpha/2"])
        #expect(try versions(fixture, "name = 'prompt'") == [])
        #expect(try versions(fixture, "name = 'prompt' AND tags.`mlflow.prompt.is_prompt` = 'true'") == ["prompt/1"])
        try fixture.registry.setModelVersionTag(name: "alpha", version: "1", tag: Tag(key: "k", value: "v"))
        #expect(try versions(fixture, "tags.k = 'v'") == ["alpha/1"])
        #expect(try versions(fixture, orderBy: ["name ASC", "version_number ASC"]).prefix(2) == ["Gamma/1", "Gamma/2"])
    }

    @Test(arguments: TestEngine.all) func modelVersionSearchHasNoAliasesAndPages(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 3)
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "a", version: "3", userId: nil)
        let page = try fixture.registry.searchModelVersions(RegistrySearchQuery(
            orderBy: ["version_number DESC"], maxResults: 2))
        #expect(page.items.map(\.version) == ["3", "2"])
        #expect(page.items.allSatisfy { $0.aliases.isEmpty })
        let next = try fixture.registry.searchModelVersions(RegistrySearchQuery(
            orderBy: ["version_number DESC"], maxResults: 2, pageToken: page.nextPageToken))
        #expect(next.items.map(\.version) == ["1"])
    }

    @Test(arguments: [
        ("version_number LIKE '1'", "Invalid comparator for attribute version_number: LIKE"),
        ("run_id = 5", "Only the '{'version_number', 'creation_timestamp', 'last_updated_timestamp'}' attributes "
            + "support comparison with numeric values."),
        ("source_path IN ('a')", "Only ['name', 'run_id'] attributes support comparison with a list of quoted string values."),
        ("bogus = 'a'", "Invalid attribute key 'bogus' specified. Valid keys are "
            + "'{'run_id', 'source_path', 'name', 'version_number'}'"),
        ("version_number = 1.5", "Invalid value for numeric attribute 'version_number': 1.5"),
        ("version_number = 'x'", "Invalid value for numeric attribute 'version_number': 'x'"),
        ("source_path > 'a'", "Invalid comparator for attribute: >"),
    ])
    func modelVersionFilterErrors(filter: String, message: String) throws {
        let fixture = try RegistryFixture(.sqlite)
        #expect(registryError { _ = try fixture.registry.searchModelVersions(RegistrySearchQuery(filter: filter)) }
                == MLflowError(.invalidParameterValue, message))
    }

    @Test(arguments: TestEngine.all) func modelVersionLimitsAndOrderErrors(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        #expect(registryError { _ = try fixture.registry.searchModelVersions(RegistrySearchQuery(maxResults: 0)) }
                == MLflowError(.invalidParameterValue,
                               "Invalid value for max_results. It must be a positive integer, but got 0"))
        #expect(registryError {
            _ = try fixture.registry.searchModelVersions(RegistrySearchQuery(orderBy: ["bogus"], maxResults: 5))
        } == MLflowError(.invalidParameterValue, "Invalid attribute key 'bogus' specified. Valid keys are "
            + "'{'name', 'creation_timestamp', 'last_updated_timestamp', 'version_number'}'"))
    }
}
