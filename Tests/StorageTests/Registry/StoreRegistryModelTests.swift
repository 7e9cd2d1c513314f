import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Registry store: registered models")
struct StoreRegistryModelTests {
    @Test(arguments: TestEngine.all) func createAndGet(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        let created = try fixture.registry.createRegisteredModel(
            name: "m", tags: [Tag(key: "a", value: "1"), Tag(key: "a", value: "2")], description: "d")
        #expect(created.name == "m")
        #expect(created.description == "d")
        #expect(created.tags == [Tag(key: "a", value: "2")])
        #expect(created.creationTimestamp == created.lastUpdatedTimestamp)
        #expect(try fixture.registry.getRegisteredModel(name: "m") == created)
    }

    @Test(arguments: TestEngine.all) func duplicateName(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m")
        let error = registryError { try fixture.model("m") }
        #expect(error == MLflowError(.resourceAlreadyExists, "Registered Model (name=m) already exists."))
    }

    @Test(arguments: [
        ("", "Missing value for required parameter 'name'."),
        ("  ", "Missing value for required parameter 'name'."),
        ("a/b", "Invalid model name 'a/b'. Names cannot contain '/' or ':'."),
        ("a:b", "Invalid model name 'a:b'. Names cannot contain '/' or ':'."),
        ("..", "Invalid value \"..\" for parameter 'name' supplied: Names may be treated as files in certain cases, "
            + "and must not resolve to other names when treated as such. This name would resolve to '..'"),
    ])
    func invalidNames(name: String, message: String) throws {
        let fixture = try RegistryFixture(.sqlite)
        let error = registryError { try fixture.model(name) }
        #expect(error == MLflowError(.invalidParameterValue, message))
    }

    @Test(arguments: TestEngine.all) func missingModel(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        let notFound = MLflowError(.resourceDoesNotExist, "Registered Model with name=nope not found")
        #expect(registryError { _ = try fixture.registry.getRegisteredModel(name: "nope") } == notFound)
        #expect(registryError { try fixture.registry.deleteRegisteredModel(name: "nope") } == notFound)
        #expect(registryError { _ = try fixture.registry.updateRegisteredModel(name: "nope", description: "") } == notFound)
        #expect(registryError { try fixture.registry.setRegisteredModelTag(name: "nope", tag: Tag(key: "k", value: "v")) }
                == notFound)
        #expect(registryError { _ = try fixture.version("nope") } == notFound)
    }

    @Test(arguments: TestEngine.all) func renameMovesVersionsTagsAliasesAndHistory(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("old", versions: 2)
        try fixture.registry.setRegisteredModelTag(name: "old", tag: Tag(key: "t", value: "v"))
        try fixture.registry.setModelVersionTag(name: "old", version: "1", tag: Tag(key: "vt", value: "1"))
        try fixture.registry.setRegisteredModelAlias(name: "old", alias: "champion", version: "2", userId: nil)
        let renamed = try fixture.registry.renameRegisteredModel(name: "old", newName: "new")
        #expect(renamed.name == "new")
        #expect(renamed.tags == [Tag(key: "t", value: "v")])
        #expect(renamed.aliases == [RegisteredModelAlias(alias: "champion", version: "2")])
        #expect(renamed.latestVersions.map(\.name) == ["new"])
        let version = try fixture.registry.getModelVersion(name: "new", version: "1")
        #expect(version.tags == [Tag(key: "vt", value: "1")])
        #expect(try fixture.registry.getModelVersionByAlias(name: "new", alias: "champion").version == "2")
        #expect(try fixture.registry.history(name: "new").count == 1)
        #expect(registryError { _ = try fixture.registry.getRegisteredModel(name: "old") }?.code == .resourceDoesNotExist)
        // The next version continues the model's counter.
        #expect(try fixture.version("new").version == "3")
    }

    @Test(arguments: TestEngine.all) func renameToTakenName(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("a")
        try fixture.model("b")
        let error = registryError { _ = try fixture.registry.renameRegisteredModel(name: "a", newName: "b") }
        #expect(error == MLflowError(.resourceAlreadyExists, "Registered Model (name=b) already exists."))
        let missing = registryError { _ = try fixture.registry.renameRegisteredModel(name: "a", newName: "") }
        #expect(missing == MLflowError(.invalidParameterValue, "Missing value for required parameter 'new_name'."))
    }

    @Test(arguments: TestEngine.all) func deleteCascadesAndFreesTheName(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 3)
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "a", version: "1", userId: nil)
        try fixture.registry.deleteRegisteredModel(name: "m")
        let leftovers = try fixture.tracking.database.read { connection in
            try connection.queryFirst(
                """
                SELECT (SELECT COUNT(*) FROM model_versions) + (SELECT COUNT(*) FROM registered_model_aliases)
                     + (SELECT COUNT(*) FROM registry_history) + (SELECT COUNT(*) FROM registered_model_tags)
                """) { $0.int64(0) }
        }
        #expect(leftovers == 0)
        try fixture.model("m")
        #expect(try fixture.version("m").version == "1")
    }

    @Test(arguments: TestEngine.all) func updateDescriptionAndTags(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m")
        let updated = try fixture.registry.updateRegisteredModel(name: "m", description: "new words")
        #expect(updated.description == "new words")
        try fixture.registry.setRegisteredModelTag(name: "m", tag: Tag(key: "k", value: "1"))
        try fixture.registry.setRegisteredModelTag(name: "m", tag: Tag(key: "k", value: "2"))
        #expect(try fixture.registry.getRegisteredModel(name: "m").tags == [Tag(key: "k", value: "2")])
        try fixture.registry.deleteRegisteredModelTag(name: "m", key: "k")
        try fixture.registry.deleteRegisteredModelTag(name: "m", key: "absent")
        #expect(try fixture.registry.getRegisteredModel(name: "m").tags.isEmpty)
        let badKey = registryError { try fixture.registry.setRegisteredModelTag(name: "m", tag: Tag(key: "a!", value: "")) }
        #expect(badKey?.message == "Invalid value \"a!\" for parameter 'key' supplied: Names may only contain "
            + "alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).")
        let long = String(repeating: "x", count: 100_001)
        let tooLong = registryError { try fixture.registry.setRegisteredModelTag(name: "m", tag: Tag(key: "k", value: long)) }
        #expect(tooLong?.message == "'value' exceeds the maximum length of 100000 characters")
    }

    @Test(arguments: TestEngine.all) func latestVersionsPerStage(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 5)
        _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "1", stage: "archived",
                                                             archiveExistingVersions: false, userId: nil)
        _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "2", stage: "Production",
                                                             archiveExistingVersions: false, userId: nil)
        let model = try fixture.registry.getRegisteredModel(name: "m")
        #expect(model.latestVersions.map(\.version) == ["1", "2", "5"])
        #expect(model.latestVersions.map(\.currentStage) == [.archived, .production, .none])
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "prod", version: "2", userId: nil)
        let latest = try fixture.registry.getLatestVersions(name: "m", stages: ["production", "STAGING"])
        #expect(latest.map(\.version) == ["2"])
        #expect(latest.first?.aliases == ["prod"])
        #expect(try fixture.registry.getLatestVersions(name: "m", stages: []).count == 3)
        let bad = registryError { _ = try fixture.registry.getLatestVersions(name: "m", stages: ["bogus"]) }
        #expect(bad == MLflowError(.invalidParameterValue,
                                   "Invalid Model Version stage: bogus. Value must be one of None, Staging, Production, Archived."))
    }
}
