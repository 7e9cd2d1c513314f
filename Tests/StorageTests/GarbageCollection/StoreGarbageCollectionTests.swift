import Testing
@testable import Storage
import TrackingCore

private typealias Tag = TrackingCore.Tag

@Suite("Store: garbage collection")
struct StoreGarbageCollectionTests {
    @Test(arguments: TestEngine.all) func deletedRunGoesWithEveryRowAndOthersStay(engine: TestEngine) throws {
        let fixture = try GarbageCollectionFixture(engine)
        let experimentId = try fixture.tracking.createExperiment(name: "gc", artifactLocation: nil, tags: [])
        let gone = try fixture.populatedRun(experimentId: experimentId, name: "gone")
        let stays = try fixture.populatedRun(experimentId: experimentId, name: "stays")
        let alsoDeleted = try fixture.populatedRun(experimentId: experimentId, name: "named-away")
        #expect(try fixture.rows(ofRun: gone.info.runId) == ["runs": 1, "params": 1, "tags": 3, "metrics": 4,
                                                              "latest_metrics": 2, "inputs": 2, "logged_model_metrics": 1])
        let staysBefore = try fixture.rows(ofRun: stays.info.runId)
        try fixture.tracking.deleteRun(id: gone.info.runId)
        try fixture.tracking.deleteRun(id: alsoDeleted.info.runId)
        let before = try fixture.counts()

        // Only the named run, though another is deleted too.
        let plan = try fixture.plan(GarbageCollectionRequest(runIds: [gone.info.runId], now: nowMillis()))
        #expect(plan.runs.map(\.runId) == [gone.info.runId])
        #expect(plan.kept.isEmpty)
        try fixture.execute(plan)

        #expect(try fixture.rows(ofRun: gone.info.runId) == ["runs": 0, "params": 0, "tags": 0, "metrics": 0,
                                                              "latest_metrics": 0, "inputs": 0, "logged_model_metrics": 0])
        #expect(try fixture.rows(ofRun: stays.info.runId) == staysBefore)
        let after = try fixture.counts()
        #expect(after["runs"] == before["runs"].map { $0 - 1 })
        #expect(after["metrics"] == before["metrics"].map { $0 - 4 })
        #expect(after["input_tags"] == before["input_tags"].map { $0 - 1 })
        // Its logged model and dataset belong to the experiment, which is still there.
        #expect(after["logged_models"] == before["logged_models"])
        #expect(after["datasets"] == before["datasets"])
        #expect(throws: MLflowError.notFound("Run with id=\(gone.info.runId) not found")) {
            try fixture.tracking.getRun(id: gone.info.runId)
        }
        #expect(try fixture.tracking.getRun(id: stays.info.runId) == stays)
        #expect(try fixture.tracking.getRun(id: alsoDeleted.info.runId).info.lifecycleStage == .deleted)
    }

    @Test(arguments: TestEngine.all) func registeredVersionsKeepTheirRunsAndModels(engine: TestEngine) throws {
        let fixture = try GarbageCollectionFixture(engine)
        let experimentId = try fixture.tracking.createExperiment(name: "gc-registry", artifactLocation: nil, tags: [])
        let byRunId = try fixture.populatedRun(experimentId: experimentId, name: "by-run-id")
        let bySource = try fixture.populatedRun(experimentId: experimentId, name: "by-source")
        let free = try fixture.populatedRun(experimentId: experimentId, name: "free")
        let model = try fixture.tracking.createLoggedModel(CreateLoggedModelRequest(experimentId: experimentId, name: "kept"))
        _ = try fixture.registry.createRegisteredModel(name: "prod", tags: [], description: nil)
        _ = try fixture.registry.createModelVersion(CreateModelVersionRequest(
            name: "prod", source: "runs:/\(byRunId.info.runId)/model", runId: byRunId.info.runId))
        _ = try fixture.registry.createModelVersion(CreateModelVersionRequest(
            name: "prod", source: "models:/\(model.modelId)", modelId: model.modelId))
        // An imported version may name only a location inside the run's artifacts.
        try fixture.database.write { connection in
            _ = try connection.execute(
                "INSERT INTO model_versions (name, version, current_stage, source, storage_location, status) VALUES (?, 3, 'None', ?, ?, 'READY')",
                [.text("prod"), .text("s3://elsewhere/model"), .text(bySource.info.artifactUri + "/model")])
        }
        for run in [byRunId, bySource, free] { try fixture.tracking.deleteRun(id: run.info.runId) }
        try fixture.tracking.deleteLoggedModel(id: model.modelId)
        let before = try fixture.counts()

        let plan = try fixture.plan(GarbageCollectionRequest(now: nowMillis()))
        #expect(plan.runs.map(\.runId) == [free.info.runId])
        #expect(plan.loggedModels.isEmpty)
        #expect(Set(plan.kept.map(\.id)) == [byRunId.info.runId, bySource.info.runId, model.modelId])
        #expect(plan.kept.first { $0.id == byRunId.info.runId }?.reason == "registered model 'prod' version 1 points to it")
        #expect(plan.kept.first { $0.id == bySource.info.runId }?.reason == "registered model 'prod' version 3 points to it")
        #expect(plan.kept.first { $0.id == model.modelId }
            == .init(kind: .loggedModel, id: model.modelId, reason: "registered model 'prod' version 2 points to it"))
        try fixture.execute(plan)
        let after = try fixture.counts()
        #expect(after["runs"] == before["runs"].map { $0 - 1 })
        #expect(after["model_versions"] == 3)
        #expect(try fixture.tracking.getRun(id: byRunId.info.runId).params == [Param(key: "lr", value: "0.1")])

        // A plan made before the registration does not get past the store's own check.
        #expect(throws: MLflowError(.invalidState,
                                    "Run \(byRunId.info.runId) is kept: registered model 'prod' version 1 points to it.")) {
            try fixture.gc.hardDeleteRun(id: byRunId.info.runId)
        }
        #expect(throws: MLflowError(.invalidState,
                                    "Logged model \(model.modelId) is kept: registered model 'prod' version 2 points to it.")) {
            try fixture.gc.hardDeleteLoggedModel(id: model.modelId)
        }
        #expect(try fixture.counts() == after)
    }

    /// The one way gc could reach a version's run (delete the version, then collect the run) is closed
    /// while the version is sealed: the run stays until a governance holder unseals the version.
    @Test(arguments: TestEngine.all) func aSealedVersionKeepsItsRunThroughGc(engine: TestEngine) throws {
        let fixture = try GarbageCollectionFixture(engine)
        let experimentId = try fixture.tracking.createExperiment(name: "gc-sealed", artifactLocation: nil, tags: [])
        let run = try fixture.populatedRun(experimentId: experimentId, name: "sealed")
        _ = try fixture.registry.createRegisteredModel(name: "prod", tags: [], description: nil)
        let source = "runs:/\(run.info.runId)/model"
        _ = try fixture.registry.createModelVersion(CreateModelVersionRequest(name: "prod", source: source,
                                                                              runId: run.info.runId))
        let seal = ModelVersionSeal(name: "prod", version: "1", source: source, location: run.info.artifactUri + "/model",
                                    manifest: try SealManifest(files: []), digest: String(repeating: "0", count: 64),
                                    sealedTime: 1, approver: "gil")
        try fixture.registry.storeSeal(seal)
        _ = try fixture.registry.transitionModelVersionStage(name: "prod", version: "1", stage: "Production",
                                                             archiveExistingVersions: false, userId: "gil",
                                                             approve: { _ in }, sealing: .existing)
        try fixture.tracking.deleteRun(id: run.info.runId)
        #expect(throws: MLflowError.self) { try fixture.registry.deleteModelVersion(name: "prod", version: "1", userId: "sam") }
        #expect(throws: MLflowError.self) { try fixture.registry.deleteRegisteredModel(name: "prod") }
        let plan = try fixture.plan(GarbageCollectionRequest(now: nowMillis()))
        #expect(plan.runs.isEmpty)
        #expect(plan.kept.map(\.id) == [run.info.runId])
        try fixture.execute(plan)
        #expect(try fixture.tracking.getRun(id: run.info.runId).params == [Param(key: "lr", value: "0.1")])
        // Unsealed, the version may go, and then its run.
        _ = try fixture.registry.unsealModelVersion(name: "prod", version: "1")
        try fixture.registry.deleteModelVersion(name: "prod", version: "1", userId: "sam")
        #expect(try fixture.plan(GarbageCollectionRequest(now: nowMillis())).runs.map(\.runId) == [run.info.runId])
    }

    @Test(arguments: TestEngine.all) func olderThanCutoffBoundary(engine: TestEngine) throws {
        let fixture = try GarbageCollectionFixture(engine)
        let tracking = fixture.tracking
        let now: Int64 = 1_800_000_000_000
        let olderThan = try OlderThan("1d2h3m4s")
        #expect(olderThan.milliseconds == 93_784_000)
        let cutoff = now - olderThan.milliseconds
        let experimentId = try tracking.createExperiment(name: "boundary", artifactLocation: nil, tags: [])
        let atCutoff = try fixture.populatedRun(experimentId: experimentId, name: "at")
        let justAfter = try fixture.populatedRun(experimentId: experimentId, name: "after")
        let untimed = try fixture.populatedRun(experimentId: experimentId, name: "untimed")
        for run in [atCutoff, justAfter, untimed] { try tracking.deleteRun(id: run.info.runId) }
        try fixture.setDeletedTime(run: atCutoff.info.runId, cutoff)
        try fixture.setDeletedTime(run: justAfter.info.runId, cutoff + 1)
        try fixture.database.write { connection in
            _ = try connection.execute("UPDATE runs SET deleted_time = NULL WHERE run_uuid = ?", [.text(untimed.info.runId)])
        }
        let modelAt = try tracking.createLoggedModel(CreateLoggedModelRequest(experimentId: experimentId, name: "at"))
        let modelAfter = try tracking.createLoggedModel(CreateLoggedModelRequest(experimentId: experimentId, name: "after"))
        for (model, time) in [(modelAt, cutoff), (modelAfter, cutoff + 1)] {
            try tracking.deleteLoggedModel(id: model.modelId)
            try fixture.setLastUpdate(loggedModel: model.modelId, time)
        }
        // Experiments are old enough strictly before the cutoff (mlflow gc's `last_update_time < cutoff`).
        let before = try tracking.createExperiment(name: "before", artifactLocation: nil, tags: [])
        let atCutoffExperiment = try tracking.createExperiment(name: "at-cutoff", artifactLocation: nil, tags: [])
        for (id, time) in [(before, cutoff - 1), (atCutoffExperiment, cutoff)] {
            try tracking.deleteExperiment(id: id)
            try fixture.setLastUpdate(experiment: id, time)
        }

        let request = GarbageCollectionRequest(olderThan: olderThan, now: now)
        let plan = try fixture.plan(request)
        #expect(plan.runs.map(\.runId) == [atCutoff.info.runId])
        #expect(plan.loggedModels.map(\.modelId).contains(modelAt.modelId))
        #expect(!plan.loggedModels.map(\.modelId).contains(modelAfter.modelId))
        #expect(plan.experiments.map(\.experimentId) == [before])
        #expect(plan.kept.contains(.init(kind: .run, id: justAfter.info.runId, reason: "deleted less than 1d2h3m4s ago")))
        #expect(plan.kept.contains(.init(kind: .run, id: untimed.info.runId,
                                         reason: "no deletion time is recorded; name it with --run-ids to delete it")))
        #expect(plan.kept.contains(.init(kind: .loggedModel, id: modelAfter.modelId, reason: "deleted less than 1d2h3m4s ago")))
        #expect(plan.kept.contains(.init(kind: .experiment, id: atCutoffExperiment, reason: "deleted less than 1d2h3m4s ago")))
        try fixture.execute(plan)
        #expect(throws: MLflowError.notFound("Run with id=\(atCutoff.info.runId) not found")) {
            try tracking.getRun(id: atCutoff.info.runId)
        }
        #expect(throws: MLflowError.notFound("No Experiment with id=\(before) exists")) { try tracking.getExperiment(id: before) }
        #expect(try tracking.getRun(id: justAfter.info.runId).info.lifecycleStage == .deleted)
        #expect(try tracking.getExperiment(id: atCutoffExperiment).lifecycleStage == .deleted)
        #expect(try tracking.getLoggedModel(id: modelAfter.modelId, allowDeleted: true).lifecycleStage == .deleted)

        // Named with the cutoff, the too-recent run is an error; without it, the untimed run goes.
        #expect(throws: MLflowError.invalidParameter("Run \(justAfter.info.runId) is not older than the required age. "
                                                     + "Only runs older than 1d2h3m4s can be deleted.")) {
            try fixture.plan(GarbageCollectionRequest(runIds: [justAfter.info.runId], olderThan: olderThan, now: now))
        }
        let untimedPlan = try fixture.plan(GarbageCollectionRequest(runIds: [untimed.info.runId], now: now))
        #expect(untimedPlan.runs.map(\.runId) == [untimed.info.runId])
    }

    @Test(arguments: TestEngine.all) func planningChangesNothing(engine: TestEngine) throws {
        let fixture = try GarbageCollectionFixture(engine)
        let experimentId = try fixture.tracking.createExperiment(name: "dry", artifactLocation: nil, tags: [])
        let run = try fixture.populatedRun(experimentId: experimentId, name: "dry")
        try fixture.tracking.deleteExperiment(id: experimentId)
        let before = try fixture.counts()
        let plan = try fixture.plan(GarbageCollectionRequest(now: nowMillis()))
        #expect(plan.runs.map(\.runId) == [run.info.runId])
        #expect(plan.experiments.map(\.experimentId) == [experimentId])
        #expect(plan.loggedModels.count == 1)
        #expect(try fixture.counts() == before)
        #expect(try fixture.tracking.getRun(id: run.info.runId).info.lifecycleStage == .deleted)
    }

    @Test(arguments: TestEngine.all) func deletedExperimentGoesWithEverythingInIt(engine: TestEngine) throws {
        let fixture = try GarbageCollectionFixture(engine)
        let tracking = fixture.tracking
        let gone = try tracking.createExperiment(name: "gone", artifactLocation: nil, tags: [Tag(key: "team", value: "a")])
        let stays = try tracking.createExperiment(name: "stays", artifactLocation: nil, tags: [Tag(key: "team", value: "b")])
        let restored = try tracking.createExperiment(name: "restored-run", artifactLocation: nil, tags: [])
        for index in 0..<2 { _ = try fixture.populatedRun(experimentId: gone, name: "g\(index)") }
        let staying = try fixture.populatedRun(experimentId: stays, name: "s")
        let active = try fixture.populatedRun(experimentId: restored, name: "r")
        try tracking.deleteExperiment(id: gone)
        try tracking.deleteExperiment(id: restored)
        try tracking.restoreRun(id: active.info.runId)
        let before = try fixture.counts()

        let plan = try fixture.plan(GarbageCollectionRequest(now: nowMillis()))
        #expect(plan.experiments.map(\.experimentId) == [gone])
        #expect(plan.runs.count == 2)
        #expect(plan.loggedModels.count == 2)
        #expect(plan.kept == [.init(kind: .experiment, id: restored,
                                    reason: "it holds run \(active.info.runId), which is not deleted")])
        try fixture.execute(plan)
        let after = try fixture.counts()
        #expect(after["experiments"] == before["experiments"].map { $0 - 1 })
        #expect(after["experiment_tags"] == before["experiment_tags"].map { $0 - 1 })
        #expect(after["runs"] == before["runs"].map { $0 - 2 })
        #expect(after["datasets"] == before["datasets"].map { $0 - 2 })
        #expect(after["logged_models"] == before["logged_models"].map { $0 - 2 })
        #expect(after["logged_model_metrics"] == before["logged_model_metrics"].map { $0 - 2 })
        #expect(after["inputs"] == before["inputs"].map { $0 - 4 })
        #expect(throws: MLflowError.notFound("No Experiment with id=\(gone) exists")) { try tracking.getExperiment(id: gone) }
        #expect(try tracking.getExperimentByName("gone") == nil)
        #expect(try tracking.getRun(id: staying.info.runId) == staying)
        #expect(try tracking.getExperiment(id: stays).tags == [Tag(key: "team", value: "b")])
        // The kept experiment cannot be removed behind the plan's back either.
        #expect(throws: MLflowError(.invalidState, "Experiment \(restored) still holds 2 runs or logged models.")) {
            try fixture.gc.hardDeleteExperiment(id: restored)
        }
    }

    @Test(arguments: TestEngine.all) func namedIdsMustExistAndBeDeleted(engine: TestEngine) throws {
        let fixture = try GarbageCollectionFixture(engine)
        let experimentId = try fixture.tracking.createExperiment(name: "named", artifactLocation: nil, tags: [])
        let run = try fixture.populatedRun(experimentId: experimentId, name: "active")
        let model = try fixture.tracking.createLoggedModel(CreateLoggedModelRequest(experimentId: experimentId, name: "active"))
        let now = nowMillis()
        #expect(throws: MLflowError.invalidParameter("Run \(run.info.runId) is not in `deleted` lifecycle stage. "
                                                     + "Only runs in `deleted` lifecycle stage can be deleted.")) {
            try fixture.plan(GarbageCollectionRequest(runIds: [run.info.runId], now: now))
        }
        #expect(throws: MLflowError.notFound("Run with id=nope not found")) {
            try fixture.plan(GarbageCollectionRequest(runIds: ["nope"], now: now))
        }
        #expect(throws: MLflowError.invalidParameter("Experiments ['\(experimentId)'] are not in the deleted lifecycle "
                                                     + "stage. Only experiments in the deleted lifecycle stage can be hard-deleted.")) {
            try fixture.plan(GarbageCollectionRequest(experimentIds: [experimentId], now: now))
        }
        #expect(throws: MLflowError.notFound("No Experiment with id=999 exists")) {
            try fixture.plan(GarbageCollectionRequest(experimentIds: ["999"], now: now))
        }
        #expect(throws: MLflowError.invalidParameter("Logged model \(model.modelId) is not in `deleted` lifecycle stage. "
                                                     + "Only logged models in `deleted` lifecycle stage can be deleted.")) {
            try fixture.plan(GarbageCollectionRequest(loggedModelIds: [model.modelId], now: now))
        }
        #expect(throws: MLflowError(.invalidState, "Run \(run.info.runId) is no longer in `deleted` lifecycle stage.")) {
            try fixture.gc.hardDeleteRun(id: run.info.runId)
        }
    }
}
