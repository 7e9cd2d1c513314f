import Synchronization
import Testing
@testable import Storage
import TrackingCore

/// Seals are stored by a sealing job that owns the version, only for the source hashed; a move into a
/// protected target needs the seal in its write; a sealed version keeps its seal tags to itself and
/// cannot be deleted until unsealed.
@Suite("Registry store: sealed versions")
struct StoreRegistrySealTests {
    private let digest = String(repeating: "d", count: 64)

    private func seal(_ name: String = "m", _ version: String = "1", source: String = "s3://b/1") throws -> ModelVersionSeal {
        let manifest = try SealManifest(files: [.init(path: "model.pkl", size: 4, sha256: String(repeating: "a", count: 64)),
                                                .init(path: "MLmodel", size: 2, sha256: String(repeating: "b", count: 64))])
        return ModelVersionSeal(name: name, version: version, source: source, location: source, manifest: manifest,
                                digest: digest, sealedTime: 1_795_000_000_000, approver: "gil")
    }

    private func fixture(_ engine: TestEngine) throws -> RegistryFixture {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m")
        _ = try fixture.registry.createModelVersion(CreateModelVersionRequest(name: "m", source: "s3://b/1", userId: "alice"))
        _ = try fixture.registry.createModelVersion(CreateModelVersionRequest(name: "m", source: "s3://b/2", userId: "alice"))
        return fixture
    }

    @Test(arguments: TestEngine.all) func aJobStoresItsSealWithTheTagsAndAMoveNeedsIt(engine: TestEngine) throws {
        let fixture = try fixture(engine)
        let registry = fixture.registry
        let sealed = try seal()
        let job = SealingJob(name: "m", version: "1", token: "t1", source: "s3://b/1", location: "s3://b/1",
                             approver: "gil", target: "stage 'Production'", startedTime: 1_000)
        #expect(try registry.claimSealing(job, staleBefore: 0) == .started(job))
        // While it runs: the version says so in a tag, writes are refused there, reads are not checked yet.
        #expect(try registry.getModelVersion(name: "m", version: "1").tags == [Tag(key: "swiftrack.seal.state", value: "sealing")])
        #expect(try registry.sealedLocations() == [SealedLocation(name: "m", version: "1", location: "s3://b/1",
                                                                  beingSealed: true)])
        // A second mover joins it; a move before the seal is stored is refused.
        var other = job
        other.token = "t2"
        #expect(try registry.claimSealing(other, staleBefore: 0) == .running(job))
        #expect(registryError {
            _ = try registry.transitionModelVersionStage(name: "m", version: "1", stage: "Production",
                                                         archiveExistingVersions: false, userId: "gil",
                                                         approve: { _ in }, sealing: .existing)
        }?.code == .invalidState)
        #expect(try registry.recordSealingProgress(name: "m", version: "1", token: "t1", bytesRead: 4, now: 2_000))
        #expect(try registry.sealingJob(name: "m", version: "1")?.bytesRead == 4)
        #expect(try !registry.recordSealingProgress(name: "m", version: "1", token: "t2", bytesRead: 9, now: 2_000))
        // Only the job's own token stores the seal.
        #expect(registryError { try registry.completeSealing(token: "t2", seal: sealed) }?.code == .invalidState)
        try registry.completeSealing(token: "t1", seal: sealed)
        #expect(try registry.sealingJob(name: "m", version: "1") == nil)
        #expect(try registry.modelVersionSeal(name: "m", version: "1") == sealed)
        _ = try registry.transitionModelVersionStage(name: "m", version: "1", stage: "Production", archiveExistingVersions: false,
                                                     userId: "gil", approve: { _ in }, sealing: .existing)
        let version = try registry.getModelVersion(name: "m", version: "1")
        #expect(version.currentStage == .production)
        #expect(version.tags.sorted { $0.key < $1.key } == [
            Tag(key: "swiftrack.seal.approver", value: "gil"), Tag(key: "swiftrack.seal.digest", value: digest),
            Tag(key: "swiftrack.seal.time", value: "1795000000000"),
        ])
        // Sealed: a claim says so and records nothing.
        #expect(try registry.claimSealing(other, staleBefore: 0) == .sealed)
        #expect(try registry.sealedLocations() == [SealedLocation(name: "m", version: "1", location: "s3://b/1")])
        #expect(try registry.modelVersionSeals(name: "m").map(\.version) == ["1"])
    }

    @Test(arguments: TestEngine.all) func aStaleJobIsTakenOverAndAFailureIsToldOnce(engine: TestEngine) throws {
        let fixture = try fixture(engine)
        let registry = fixture.registry
        let job = SealingJob(name: "m", version: "1", token: "old", source: "s3://b/1", location: "s3://b/1",
                             approver: "gil", target: "alias 'champion'", startedTime: 1_000)
        _ = try registry.claimSealing(job, staleBefore: 0)
        var fresh = job
        fresh.token = "new"
        fresh.startedTime = 50_000
        fresh.updatedTime = 50_000
        // Silent since before 1,001: replaced; the old job's progress and seal are no longer taken.
        #expect(try registry.claimSealing(fresh, staleBefore: 1_001) == .started(fresh))
        #expect(try !registry.recordSealingProgress(name: "m", version: "1", token: "old", bytesRead: 1, now: 51_000))
        #expect(registryError { try registry.completeSealing(token: "old", seal: try seal()) }?.code == .invalidState)
        try registry.failSealing(name: "m", version: "1", token: "old", error: .internalError("late"), now: 51_000)
        #expect(try registry.sealingJob(name: "m", version: "1")?.failure == nil)
        // The owner fails: the version says so; the next claim is told the failure, once.
        let failure = MLflowError(.resourceDoesNotExist, "Run 'r' not found")
        try registry.failSealing(name: "m", version: "1", token: "new", error: failure, now: 52_000)
        #expect(try registry.getModelVersion(name: "m", version: "1").tags == [Tag(key: "swiftrack.seal.state", value: "failed")])
        #expect(try registry.sealedLocations().isEmpty)
        var third = fresh
        third.token = "third"
        var told = fresh
        told.updatedTime = 52_000
        told.failure = failure
        #expect(try registry.claimSealing(third, staleBefore: 0) == .failed(told))
        #expect(try registry.getModelVersion(name: "m", version: "1").tags.isEmpty)
        #expect(try registry.claimSealing(third, staleBefore: 0) == .started(third))
        // A seal of a source the version no longer has is refused and leaves the job to fail.
        #expect(registryError { try registry.completeSealing(token: "third", seal: try seal("m", "1", source: "s3://b/2")) }
                == MLflowError(.invalidState, "Version 1 of registered model 'm' changed while it was being sealed; "
                               + "nothing was changed: try again."))
        #expect(try registry.modelVersionSeal(name: "m", version: "1") == nil)
        // Unsealing cancels a running job: a failure the next mover is told (so a repeat of the move
        // does not simply start again); the job then records nothing; a second unseal clears it.
        #expect(try registry.unsealModelVersion(name: "m", version: "1") == nil)
        #expect(try registry.sealingJob(name: "m", version: "1")?.failure
                == MLflowError(.invalidState, "its sealing was cancelled by a holder of the governance role"))
        #expect(try !registry.recordSealingProgress(name: "m", version: "1", token: "third", bytesRead: 1, now: 53_000))
        #expect(registryError { try registry.completeSealing(token: "third", seal: try seal()) }?.code == .invalidState)
        try registry.failSealing(name: "m", version: "1", token: "third", error: .internalError("late"), now: 54_000)
        #expect(try registry.sealingJob(name: "m", version: "1")?.failure?.message
                == "its sealing was cancelled by a holder of the governance role")
        #expect(try registry.unsealModelVersion(name: "m", version: "1") == nil)
        #expect(try registry.sealingJob(name: "m", version: "1") == nil)
        #expect(try registry.getModelVersion(name: "m", version: "1").tags.isEmpty)
    }

    /// `runs:/<run>/<name>` is loaded by the client with a logged model named `<name>` from that run
    /// merged in: no seal while one exists, no such logged model while the seal (or its job) stands,
    /// and only the plain spelling (the checks compare sources as text).
    @Test(arguments: TestEngine.all) func aRunsSourceIsSealedOnlyWithoutALoggedModelMergedIntoIt(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        let registry = fixture.registry
        try fixture.model("m")
        let experiment = try fixture.tracking.createExperiment(name: "e", artifactLocation: nil, tags: [])
        let run = try fixture.tracking.createRun(CreateRunRequest(experimentId: experiment, userId: "alice", runName: "r",
                                                                   startTime: 1, tags: [])).info.runId
        for source in ["runs:/\(run)/model", "runs:/\(run)/other/deeper", "RUNS:/\(run)/model", "runs:///\(run)/model",
                       "runs:/\(run)/m' AND name != 'z"] {
            _ = try registry.createModelVersion(CreateModelVersionRequest(name: "m", source: source, runId: run, userId: "alice"))
        }
        func job(_ version: String, _ source: String, _ token: String) -> SealingJob {
            SealingJob(name: "m", version: version, token: token, source: source, location: "/tmp/x",
                       approver: "gil", target: "stage 'Production'", startedTime: 1)
        }
        // Spelled otherwise: refused.
        for (version, source) in [("3", "RUNS:/\(run)/model"), ("4", "runs:///\(run)/model")] {
            #expect(registryError { _ = try registry.claimSealing(job(version, source, "t\(version)"), staleBefore: 0) }?
                .message.contains("cannot be sealed: write it as runs:/<run_id>/<path>") == true)
        }
        // A quote in the name would change the client's search for the logged model: refused.
        #expect(registryError { _ = try registry.claimSealing(job("5", "runs:/\(run)/m' AND name != 'z", "t5"), staleBefore: 0) }
                == MLflowError(.invalidState, "A version whose source is 'runs:/\(run)/m' AND name != 'z' cannot be sealed: "
                               + "the mlflow client searches logged models for the name 'm' AND name != 'z', and its "
                               + "''' would change what that search finds."))
        // Being sealed: no logged model named `model` from that run; another name, or another run's, is fine.
        _ = try registry.claimSealing(job("1", "runs:/\(run)/model", "t1"), staleBefore: 0)
        #expect(registryError {
            _ = try fixture.tracking.createLoggedModel(CreateLoggedModelRequest(experimentId: experiment, name: "model",
                                                                                sourceRunId: run))
        } == MLflowError(.invalidState, "Version 1 of registered model 'm' is sealed with the source runs:/\(run)/model: a "
                         + "logged model named 'model' from run \(run) would be loaded with it (the mlflow client merges "
                         + "the two); give the logged model another name."))
        _ = try fixture.tracking.createLoggedModel(CreateLoggedModelRequest(experimentId: experiment, name: "model2",
                                                                            sourceRunId: run))
        _ = try fixture.tracking.createLoggedModel(CreateLoggedModelRequest(experimentId: experiment, name: "model"))
        // `other` exists as a logged model of the run before version 2 is sealed: version 2 is not sealed.
        let other = try fixture.tracking.createLoggedModel(CreateLoggedModelRequest(experimentId: experiment, name: "other",
                                                                                    sourceRunId: run))
        #expect(registryError { _ = try registry.claimSealing(job("2", "runs:/\(run)/other/deeper", "t2"), staleBefore: 0) }
                == MLflowError(.invalidState, "Version 2 of registered model 'm' cannot be sealed: the mlflow client loads "
                               + "runs:/\(run)/other/deeper together with the files of logged model \(other.modelId) (named "
                               + "'other', from run \(run)), which a seal of the run's folder does not cover. Register "
                               + "models:/\(other.modelId) instead."))
        #expect(try registry.sealingJob(name: "m", version: "2") == nil)
    }

    /// While a version is being sealed, the mlflow client of the governance holder who asked may be
    /// repeating the move: the version keeps its name and number (no rename, no delete of it or its
    /// model), so the repeat cannot promote another "version 2" made under the name meanwhile.
    @Test(arguments: TestEngine.all) func aVersionBeingSealedKeepsItsNameAndNumber(engine: TestEngine) throws {
        let fixture = try fixture(engine)
        let registry = fixture.registry
        let job = SealingJob(name: "m", version: "2", token: "t", source: "s3://b/2", location: "s3://b/2",
                             approver: nil, target: "stage 'Production'", startedTime: 1)
        _ = try registry.claimSealing(job, staleBefore: 0)
        #expect(registryError { _ = try registry.renameRegisteredModel(name: "m", newName: "n") }
                == MLflowError(.invalidState, "Version 2 of registered model 'm' is being sealed, so the model cannot be "
                               + "renamed until the seal is made or a holder of the governance role cancels it."))
        let beingSealed = MLflowError(.invalidState, "Version 2 of registered model 'm' is being sealed and cannot be "
                                      + "deleted until the seal is made or a holder of the governance role cancels it.")
        #expect(registryError { try registry.deleteModelVersion(name: "m", version: "2", userId: "sam") } == beingSealed)
        #expect(registryError { try registry.deleteRegisteredModel(name: "m") } == beingSealed)
        // Version 1 is not being sealed: it may go.
        try registry.deleteModelVersion(name: "m", version: "1", userId: "sam")
        #expect(try registry.recordSealingProgress(name: "m", version: "2", token: "t", bytesRead: 1, now: 2))
        // A failed job holds the version too, until a mover is told (or the job is cancelled).
        try registry.failSealing(name: "m", version: "2", token: "t", error: .internalError("gone"), now: 3)
        #expect(registryError { _ = try registry.renameRegisteredModel(name: "m", newName: "n") }?.code == .invalidState)
        #expect(try registry.unsealModelVersion(name: "m", version: "2") == nil)
        _ = try registry.renameRegisteredModel(name: "m", newName: "n")
        try registry.deleteModelVersion(name: "n", version: "2", userId: "sam")
        #expect(try registry.sealedLocations().isEmpty)
    }

    @Test(arguments: TestEngine.all) func aMoveThatNeedsASealChecksItInItsWrite(engine: TestEngine) throws {
        let fixture = try fixture(engine)
        let registry = fixture.registry
        // `.existing` for a version with no seal: it was unsealed between the check and the write.
        #expect(registryError {
            try registry.setRegisteredModelAlias(name: "m", alias: "champion", version: "2", userId: "gil",
                                                 approve: { _ in }, sealing: .existing)
        } == MLflowError(.invalidState, "Version 2 of registered model 'm' was unsealed while it was being moved; "
                         + "nothing was changed: try again."))
        let version = try registry.getModelVersion(name: "m", version: "2")
        #expect(version.currentStage == .none && version.aliases.isEmpty && version.tags.isEmpty)
        // An approved request checks it too.
        try registry.storeSeal(try seal())
        let asked = try registry.createTransitionRequest(name: "m", version: "1", target: .alias("champion"),
                                                         archiveExistingVersions: false, comment: nil, userId: "sam")
        _ = try registry.approveTransitionRequest(id: asked.id, archiveExistingVersions: nil, comment: nil, userId: "gil",
                                                  approve: { _ in }, sealing: .existing)
        #expect(try registry.modelVersionSeal(name: "m", version: "1")?.approver == "gil")
        #expect(try registry.getModelVersionByAlias(name: "m", alias: "champion").version == "1")
        // A refused approval moves nothing.
        #expect(registryError {
            _ = try registry.transitionModelVersionStage(name: "m", version: "1", stage: "Production",
                                                         archiveExistingVersions: false, userId: "gil",
                                                         approve: { _ in throw MLflowError(.permissionDenied, "no") },
                                                         sealing: .existing)
        }?.code == .permissionDenied)
        #expect(try registry.getModelVersion(name: "m", version: "1").currentStage == .none)
    }

    @Test(arguments: TestEngine.all) func aSealedVersionIsKeptUntilUnsealed(engine: TestEngine) throws {
        let fixture = try fixture(engine)
        let registry = fixture.registry
        try registry.storeSeal(try seal())
        let sealedError = MLflowError(.invalidState, "Version 1 of registered model 'm' is sealed and cannot be deleted; "
                                      + "a holder of the governance role must unseal it first.")
        #expect(registryError { try registry.deleteModelVersion(name: "m", version: "1", userId: "sam") } == sealedError)
        #expect(registryError { try registry.deleteRegisteredModel(name: "m") } == sealedError)
        // The server's tags are not the clients'.
        #expect(registryError {
            try registry.setModelVersionTag(name: "m", version: "1", tag: Tag(key: "swiftrack.seal.digest", value: "x"))
        }?.code == .invalidParameterValue)
        #expect(registryError {
            try registry.deleteModelVersionTag(name: "m", version: "1", key: "Swiftrack.Seal.Digest")
        }?.code == .invalidParameterValue)
        #expect(registryError {
            _ = try registry.createModelVersion(CreateModelVersionRequest(
                name: "m", source: "s3://b/3", tags: [Tag(key: "swiftrack.seal.digest", value: "forged")]))
        }?.code == .invalidParameterValue)
        // Nor is its model renamed (a new model under the old name would have another "version 1").
        #expect(registryError { _ = try registry.renameRegisteredModel(name: "m", newName: "n") }
                == MLflowError(.invalidState, "Version 1 of registered model 'm' is sealed, so the model cannot be "
                               + "renamed; a holder of the governance role must unseal it first."))
        // The unseal's approval sees the version as its write found it, and may refuse.
        let seen = Mutex<ModelVersion?>(nil)
        #expect(registryError {
            _ = try registry.unsealModelVersion(name: "m", version: "1") { version in
                seen.withLock { $0 = version }
                throw MLflowError(.permissionDenied, "no")
            }
        }?.code == .permissionDenied)
        #expect(seen.withLock { $0.map { [$0.name, $0.version, $0.userId ?? ""] } } == ["m", "1", "alice"])
        #expect(try registry.modelVersionSeal(name: "m", version: "1")?.digest == digest)
        let removed = try registry.unsealModelVersion(name: "m", version: "1")
        #expect(removed?.digest == digest)
        _ = try registry.renameRegisteredModel(name: "m", newName: "n")
        #expect(try registry.getModelVersion(name: "n", version: "1").tags.isEmpty)
        #expect(registryError { _ = try registry.unsealModelVersion(name: "n", version: "1") }
                == MLflowError(.invalidState, "Version 1 of registered model 'n' is not sealed."))
        try registry.deleteModelVersion(name: "n", version: "1", userId: "sam")
        try registry.deleteRegisteredModel(name: "n")
    }
}
