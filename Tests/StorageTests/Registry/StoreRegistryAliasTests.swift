import Testing
@testable import Storage
import TrackingCore

@Suite("Registry store: aliases")
struct StoreRegistryAliasTests {
    @Test(arguments: TestEngine.all) func setMoveGetAndDelete(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 2)
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "champion", version: "1", userId: "ann")
        #expect(try fixture.registry.getModelVersionByAlias(name: "m", alias: "champion").aliases == ["champion"])
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "champion", version: "2", userId: "bob")
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "champion", version: "2", userId: "bob")
        #expect(try fixture.registry.getModelVersionByAlias(name: "m", alias: "champion").version == "2")
        #expect(try fixture.registry.getModelVersion(name: "m", version: "1").aliases.isEmpty)
        try fixture.registry.deleteRegisteredModelAlias(name: "m", alias: "champion", userId: "cy")
        try fixture.registry.deleteRegisteredModelAlias(name: "m", alias: "champion", userId: "cy")
        let history = try fixture.registry.history(name: "m")
        #expect(history == [
            RegistryHistoryEntry(name: "m", version: "1", kind: .alias, alias: "champion", from: nil, to: "1",
                                 userId: "ann", timestamp: history[0].timestamp,
                                 moveId: history[0].moveId),
            RegistryHistoryEntry(name: "m", version: "2", kind: .alias, alias: "champion", from: "1", to: "2",
                                 userId: "bob", timestamp: history[1].timestamp,
                                 moveId: history[1].moveId),
            RegistryHistoryEntry(name: "m", version: "2", kind: .alias, alias: "champion", from: "2", to: nil,
                                 userId: "cy", timestamp: history[2].timestamp,
                                 moveId: history[2].moveId),
        ])
    }

    @Test(arguments: TestEngine.all) func unknownAliasAndModel(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 1)
        #expect(registryError { _ = try fixture.registry.getModelVersionByAlias(name: "m", alias: "nope") }
                == MLflowError(.invalidParameterValue, "Registered model alias nope not found."))
        #expect(registryError { _ = try fixture.registry.getModelVersionByAlias(name: "zz", alias: "nope") }
                == MLflowError(.resourceDoesNotExist, "Registered Model with name=zz not found"))
        #expect(registryError { try fixture.registry.setRegisteredModelAlias(name: "m", alias: "x", version: "9", userId: nil) }
                == MLflowError(.resourceDoesNotExist, "Model Version (name=m, version=9) not found"))
        #expect(registryError { try fixture.registry.deleteRegisteredModelAlias(name: "zz", alias: "x", userId: nil) }
                == MLflowError(.resourceDoesNotExist, "Registered Model with name=zz not found"))
    }

    @Test(arguments: [
        ("latest", "'latest' alias name (case insensitive) is reserved."),
        ("LATEST", "'latest' alias name (case insensitive) is reserved."),
        ("v1", "Version alias name 'v1' is reserved."),
        ("V20", "Version alias name 'V20' is reserved."),
        ("a.b", "Invalid alias name: 'a.b'. Names may only contain alphanumerics, underscores (_), and dashes (-)."),
        ("", "Registered model alias name cannot be empty."),
    ])
    func reservedAndInvalidNames(alias: String, message: String) throws {
        let fixture = try RegistryFixture(.sqlite)
        try fixture.model("m", versions: 1)
        #expect(registryError { try fixture.registry.setRegisteredModelAlias(name: "m", alias: alias, version: "1", userId: nil) }
                == MLflowError(.invalidParameterValue, message))
    }

    @Test(arguments: TestEngine.all) func latestIsTheHighestVersion(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 3)
        _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "3", stage: "Staging",
                                                             archiveExistingVersions: false, userId: nil)
        #expect(try fixture.registry.getModelVersionByAlias(name: "m", alias: "Latest").version == "3")
        try fixture.model("empty")
        #expect(registryError { _ = try fixture.registry.getModelVersionByAlias(name: "empty", alias: "latest") }
                == MLflowError(.resourceDoesNotExist, "Latest version not found for model empty."))
    }

    @Test(arguments: TestEngine.all) func deletingAVersionDropsItsAliases(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 2)
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "a", version: "2", userId: nil)
        try fixture.registry.deleteModelVersion(name: "m", version: "2", userId: "ann")
        #expect(try fixture.registry.getRegisteredModel(name: "m").aliases.isEmpty)
        #expect(try fixture.registry.history(name: "m").last?.to == nil)
        #expect(try fixture.registry.history(name: "m").last?.userId == "ann")
    }
}
