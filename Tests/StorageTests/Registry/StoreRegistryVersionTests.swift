import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Registry store: model versions")
struct StoreRegistryVersionTests {
    @Test(arguments: TestEngine.all) func numbersAreNeverReusedAfterDelete(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 3)
        try fixture.registry.deleteModelVersion(name: "m", version: "3", userId: nil)
        try fixture.registry.deleteModelVersion(name: "m", version: "2", userId: nil)
        #expect(try fixture.version("m").version == "4")
        let gone = registryError { _ = try fixture.registry.getModelVersion(name: "m", version: "3") }
        #expect(gone == MLflowError(.resourceDoesNotExist, "Model Version (name=m, version=3) not found"))
        let twice = registryError { try fixture.registry.deleteModelVersion(name: "m", version: "3", userId: nil) }
        #expect(twice == MLflowError(.resourceDoesNotExist, "Model Version (name=m, version=3) not found"))
    }

    @Test(arguments: TestEngine.all) func createdVersionShape(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        let run = try fixture.run()
        try fixture.model("m")
        let source = run.info.artifactUri + "/model"
        let version = try fixture.registry.createModelVersion(CreateModelVersionRequest(
            name: "m", source: source, runId: run.info.runId, tags: [Tag(key: "t", value: "v")]))
        #expect(version.version == "1")
        #expect(version.currentStage == .none)
        #expect(version.status == .ready)
        #expect(version.description == "")
        #expect(version.runLink == "")
        #expect(version.runId == run.info.runId)
        #expect(version.source == source)
        #expect(version.tags == [Tag(key: "t", value: "v")])
        #expect(version.userId == nil)
        #expect(try fixture.registry.getModelVersionDownloadURI(name: "m", version: "1") == source)
        let model = try fixture.registry.getRegisteredModel(name: "m")
        #expect(model.lastUpdatedTimestamp == version.creationTimestamp)
    }

    @Test(arguments: TestEngine.all) func badVersionNumber(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 1)
        let error = registryError { _ = try fixture.registry.getModelVersion(name: "m", version: "abc") }
        #expect(error == MLflowError(.invalidParameterValue, "Parameter 'version' must be an integer, got 'abc'."))
        #expect(try fixture.registry.getModelVersion(name: "m", version: " 1 ").version == "1")
    }

    @Test(arguments: TestEngine.all) func localSourceMustBeInsideTheRunArtifacts(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        let run = try fixture.run()
        try fixture.model("m")
        let message = "Invalid model version source: '/tmp/elsewhere'. To use a local path as a model version source, "
            + "the run_id request parameter has to be specified and the local path has to be contained within the "
            + "artifact directory of the run specified by the run_id."
        #expect(registryError { _ = try fixture.version("m", source: "/tmp/elsewhere") }
                == MLflowError(.invalidParameterValue, message))
        #expect(registryError { _ = try fixture.version("m", source: "/tmp/elsewhere", runId: run.info.runId) }
                == MLflowError(.invalidParameterValue, message))
        let escaping = run.info.artifactUri + "/../../other"
        #expect(registryError { _ = try fixture.version("m", source: escaping, runId: run.info.runId) }?.code
                == .invalidParameterValue)
        #expect(try fixture.version("m", source: "file://" + run.info.artifactUri + "/model", runId: run.info.runId)
                    .version == "1")
    }

    @Test(arguments: TestEngine.all) func runsSourceNeedsItsRunId(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        let run = try fixture.run()
        try fixture.model("m")
        let source = "runs:/\(run.info.runId)/model"
        #expect(registryError { _ = try fixture.version("m", source: source) } == MLflowError(
            .invalidParameterValue, "Invalid model version source: '\(source)'. The run_id request parameter must "
                + "identify the resource that contains the source."))
        #expect(try fixture.version("m", source: source, runId: run.info.runId).runId == run.info.runId)
    }

    @Test(arguments: TestEngine.all) func remoteAndRelativeSources(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m")
        #expect(try fixture.version("m", source: "s3://bucket/x").runId == "")
        #expect(registryError { _ = try fixture.version("m", source: "s3://bucket/../x") }?.message
                == "Invalid model version source: 's3://bucket/../x'. If supplying a source as an http, https, local "
                + "file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without "
                + "relative path references present. Please provide an absolute path.")
        #expect(registryError { _ = try fixture.version("m", source: "http://evil/x") }?.message
                == "'source' cannot use the 'http' scheme: the 'http' scheme addresses a host other than the tracking "
                + "server's configured artifact storage, so the server would connect to the host named in the URI. "
                + "Set the MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES environment variable on the server to allow it.")
    }

    @Test(arguments: TestEngine.all) func modelsSourcesNeedModelIdOrResolveLineage(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        let run = try fixture.run()
        try fixture.model("m")
        let first = try fixture.version("m", source: "runs:/\(run.info.runId)/model", runId: run.info.runId)
        #expect(registryError { _ = try fixture.version("m", source: "models:/m-abc") } == MLflowError(
            .invalidParameterValue, "Invalid model version source: 'models:/m-abc'. The model_id request parameter "
                + "must identify the resource that contains the source."))
        let copy = try fixture.version("m", source: "models:/m/\(first.version)")
        #expect(copy.source == "models:/m/1")
        #expect(copy.runId == run.info.runId)
        #expect(try fixture.registry.getModelVersionDownloadURI(name: "m", version: copy.version)
                == "runs:/\(run.info.runId)/model")
        #expect(registryError { _ = try fixture.version("m", source: "models:/nope/1") }
                == MLflowError(.resourceDoesNotExist, "Registered Model with name=nope not found"))
    }

    @Test(arguments: TestEngine.all) func updateDescriptionAndTags(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 1)
        #expect(try fixture.registry.updateModelVersion(name: "m", version: "1", description: "hello").description
                == "hello")
        #expect(try fixture.registry.updateModelVersion(name: "m", version: "1", description: nil).description == nil)
        try fixture.registry.setModelVersionTag(name: "m", version: "1", tag: Tag(key: "k", value: "v"))
        #expect(try fixture.registry.getModelVersion(name: "m", version: "1").tags == [Tag(key: "k", value: "v")])
        try fixture.registry.deleteModelVersionTag(name: "m", version: "1", key: "k")
        try fixture.registry.deleteModelVersionTag(name: "m", version: "1", key: "never")
        #expect(try fixture.registry.getModelVersion(name: "m", version: "1").tags.isEmpty)
        #expect(registryError { try fixture.registry.setModelVersionTag(name: "m", version: "9", tag: Tag(key: "k", value: "v")) }
                == MLflowError(.resourceDoesNotExist, "Model Version (name=m, version=9) not found"))
    }

    @Test(arguments: TestEngine.all) func transitionArchivesOthersAndIsRecorded(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 3)
        _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "1", stage: "production",
                                                             archiveExistingVersions: false, userId: "ann")
        _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "2", stage: "Production",
                                                             archiveExistingVersions: false, userId: "ann")
        let moved = try fixture.registry.transitionModelVersionStage(name: "m", version: "3", stage: "PRODUCTION",
                                                                     archiveExistingVersions: true, userId: "bob")
        #expect(moved.currentStage == .production)
        #expect(try fixture.registry.getModelVersion(name: "m", version: "1").currentStage == .archived)
        #expect(try fixture.registry.getModelVersion(name: "m", version: "2").currentStage == .archived)
        let history = try fixture.registry.history(name: "m")
        #expect(history.map(\.kind) == [.stage, .stage, .stage, .stage, .stage])
        #expect(history.map(\.version) == ["1", "2", "1", "2", "3"])
        #expect(history.map(\.from) == ["None", "None", "Production", "Production", "None"])
        #expect(history.map(\.to) == ["Production", "Production", "Archived", "Archived", "Production"])
        #expect(history.map(\.userId) == ["ann", "ann", "bob", "bob", "bob"])
    }

    @Test(arguments: TestEngine.all) func transitionErrors(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 1)
        #expect(registryError {
            _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "1", stage: "none",
                                                                 archiveExistingVersions: true, userId: nil)
        } == MLflowError(.invalidParameterValue, "Model version transition cannot archive existing model versions "
            + "because 'none' is not an Active stage. Valid stages are ['Staging', 'Production']"))
        #expect(registryError {
            _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "7", stage: "Staging",
                                                                 archiveExistingVersions: true, userId: nil)
        } == MLflowError(.resourceDoesNotExist, "Model Version (name=m, version=7) not found"))
        #expect(try fixture.registry.history(name: "m").isEmpty)
    }
}
