import Testing
@testable import Storage
import TrackingCore

/// Searches narrowed by what the caller may read (access control), on every engine: what the
/// filter leaves out never appears, on any page.
@Suite("Store: search visibility")
struct StoreSearchVisibilityTests {
    /// Every page of a search with `maxResults` 1, and the number of pages it took.
    private func walk<T>(_ search: (String?) throws -> Page<T>) throws -> (items: [T], pages: Int) {
        var items: [T] = []
        var pages = 0
        var token: String?
        repeat {
            let page = try search(token)
            #expect(page.items.count <= 1)
            items += page.items
            pages += 1
            token = page.nextPageToken
        } while token != nil && pages < 50
        return (items, pages)
    }

    @Test(arguments: TestEngine.all) func experiments(engine: TestEngine) throws {
        let store = try engine.makeStore()
        var ids: [String] = []
        for name in ["e1", "e2", "e3", "e4"] {
            ids.append(try store.createExperiment(name: name, artifactLocation: nil, tags: []))
        }
        func search(_ visible: IdentifierFilter, maxResults: Int = 1000, token: String? = nil) throws -> Page<Experiment> {
            try store.searchExperiments(ExperimentSearchQuery(maxResults: maxResults, pageToken: token,
                                                              visibleExperiments: visible))
        }
        #expect(Set(try search(.all).items.map(\.experimentId)) == Set(["0"] + ids))

        let only = IdentifierFilter.only([ids[0], ids[2], "not-an-id"])
        let visible = try search(only).items.map(\.experimentId)
        #expect(Set(visible) == [ids[0], ids[2]])
        #expect(visible.count == 2)
        let walked = try walk { try search(only, maxResults: 1, token: $0) }
        #expect(walked.items.map(\.experimentId) == visible)
        #expect(walked.pages == 2)

        let except = IdentifierFilter.allExcept(["0", ids[1]])
        let rest = try search(except).items.map(\.experimentId)
        #expect(Set(rest) == [ids[0], ids[2], ids[3]])
        let walkedRest = try walk { try search(except, maxResults: 1, token: $0) }
        #expect(walkedRest.items.map(\.experimentId) == rest)
        #expect(walkedRest.pages == 3)

        let none = try search(.only([]))
        #expect(none.items.isEmpty)
        #expect(none.nextPageToken == nil)
        // With a filter of the request's own.
        let named = try store.searchExperiments(ExperimentSearchQuery(filter: "name LIKE 'e%'", visibleExperiments: only))
        #expect(Set(named.items.map(\.name)) == ["e1", "e3"])
    }

    private func registryFixture(_ engine: TestEngine) throws -> RegistryFixture {
        let fixture = try RegistryFixture(engine)
        for name in ["alpha", "beta", "Gamma", "delta"] { try fixture.model(name, versions: 2) }
        return fixture
    }

    @Test(arguments: TestEngine.all) func registeredModels(engine: TestEngine) throws {
        let fixture = try registryFixture(engine)
        func search(_ visible: IdentifierFilter, maxResults: Int = 100, token: String? = nil) throws -> Page<RegisteredModel> {
            try fixture.registry.searchRegisteredModels(RegistrySearchQuery(maxResults: maxResults, pageToken: token,
                                                                            visibleModels: visible))
        }
        #expect(try search(.all).items.map(\.name) == ["Gamma", "alpha", "beta", "delta"])
        #expect(try search(.only(["alpha", "Gamma", "gamma"])).items.map(\.name) == ["Gamma", "alpha"])
        #expect(try search(.allExcept(["beta"])).items.map(\.name) == ["Gamma", "alpha", "delta"])

        let walked = try walk { try search(.only(["delta", "alpha"]), maxResults: 1, token: $0) }
        #expect(walked.items.map(\.name) == ["alpha", "delta"])
        #expect(walked.pages == 2)
        let walkedRest = try walk { try search(.allExcept(["alpha", "delta"]), maxResults: 1, token: $0) }
        #expect(walkedRest.items.map(\.name) == ["Gamma", "beta"])

        let none = try search(.only([]))
        #expect(none.items.isEmpty)
        #expect(none.nextPageToken == nil)
        let filtered = try fixture.registry.searchRegisteredModels(RegistrySearchQuery(
            filter: "name LIKE '%a'", visibleModels: .allExcept(["alpha"])))
        #expect(filtered.items.map(\.name) == ["Gamma", "beta", "delta"])
    }

    @Test(arguments: TestEngine.all) func modelVersions(engine: TestEngine) throws {
        let fixture = try registryFixture(engine)
        func search(_ visible: IdentifierFilter, maxResults: Int = 1000, token: String? = nil) throws -> Page<ModelVersion> {
            try fixture.registry.searchModelVersions(RegistrySearchQuery(
                orderBy: ["name ASC", "version_number ASC"], maxResults: maxResults, pageToken: token, visibleModels: visible))
        }
        func keys(_ versions: [ModelVersion]) -> [String] { versions.map { "\($0.name)/\($0.version)" } }
        #expect(try search(.all).items.count == 8)
        #expect(keys(try search(.only(["beta", "Gamma"])).items) == ["Gamma/1", "Gamma/2", "beta/1", "beta/2"])
        #expect(keys(try search(.allExcept(["alpha", "beta", "Gamma"])).items) == ["delta/1", "delta/2"])

        let walked = try walk { try search(.only(["alpha", "delta"]), maxResults: 1, token: $0) }
        #expect(keys(walked.items) == ["alpha/1", "alpha/2", "delta/1", "delta/2"])
        #expect(walked.pages == 4)

        let none = try search(.only([]))
        #expect(none.items.isEmpty)
        #expect(none.nextPageToken == nil)
        let filtered = try fixture.registry.searchModelVersions(RegistrySearchQuery(
            filter: "name = 'alpha'", visibleModels: .only(["beta"])))
        #expect(filtered.items.isEmpty)
    }
}
