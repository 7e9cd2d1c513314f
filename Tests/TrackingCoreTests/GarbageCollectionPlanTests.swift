import Testing
import TrackingCore

typealias Inventory = GarbageCollectionInventory

@Suite("gc plan")
struct GarbageCollectionPlanTests {
    static let now: Int64 = 10_000_000

    static func run(_ id: String, experiment: String = "1", deleted: Int64? = 1_000,
                    stage: LifecycleStage = .deleted) -> Inventory.Run {
        Inventory.Run(runId: id, experimentId: experiment, lifecycleStage: stage, deletedTime: deleted,
                      artifactURI: "mlflow-artifacts:/\(experiment)/\(id)/artifacts")
    }

    static func experiment(_ id: String, updated: Int64 = 1_000) -> Inventory.Experiment {
        Inventory.Experiment(experimentId: id, lifecycleStage: .deleted, lastUpdateTime: updated,
                             artifactLocation: "mlflow-artifacts:/\(id)")
    }

    @Test func aRecentRunGoesWithItsOldExperimentButStaysWithAKeptOne() throws {
        let olderThan = try OlderThan("1h")
        let recent = Self.run("recent", deleted: Self.now - 1)
        let alone = Inventory(runs: [recent], experiments: [Self.experiment("1")])
        let plan = try GarbageCollectionPlan.make(alone, GarbageCollectionRequest(olderThan: olderThan, now: Self.now))
        #expect(plan.runs.map(\.runId) == ["recent"])
        #expect(plan.experiments.map(\.experimentId) == ["1"])
        #expect(plan.kept.isEmpty)

        let active = Self.run("active", deleted: nil, stage: .active)
        let model = Inventory.LoggedModel(modelId: "m-1", experimentId: "1", lifecycleStage: .active, lastUpdatedTime: 5,
                                          artifactLocation: "mlflow-artifacts:/1/models/m-1/artifacts")
        let held = Inventory(runs: [recent, active], experiments: [Self.experiment("1")], loggedModels: [model])
        let kept = try GarbageCollectionPlan.make(held, GarbageCollectionRequest(olderThan: olderThan, now: Self.now))
        #expect(kept.isEmpty)
        #expect(kept.kept == [.init(kind: .run, id: "recent", reason: "deleted less than 1h ago"),
                              .init(kind: .experiment, id: "1", reason: "it holds run active, which is not deleted")])
    }

    @Test func everySpellingOfAPointerIntoTheRunProtectsIt() throws {
        let runId = "0123456789abcdef0123456789abcdef"
        let pointers = ["http://host:5000/api/2.0/mlflow-artifacts/artifacts/1/\(runId)/artifacts/model",
                        "mlflow-artifacts:/1/\(runId)/artifacts/model", "mlflow-artifacts:/1/\(runId)/artifacts",
                        "runs:/\(runId)/model", "s3://bucket/1/\(runId)/artifacts/model"]
        for pointer in pointers {
            let inventory = Inventory(runs: [Self.run(runId)], versions: [
                .init(name: "m", version: 4, runId: nil, modelId: nil, source: "s3://other/model", storageLocation: pointer)])
            let plan = try GarbageCollectionPlan.make(inventory, GarbageCollectionRequest(now: Self.now))
            #expect(plan.runs.isEmpty, "\(pointer)")
            #expect(plan.kept == [.init(kind: .run, id: runId, reason: "registered model 'm' version 4 points to it")])
        }
        // A sibling whose id merely starts the same is not protected.
        let inventory = Inventory(runs: [Self.run(runId)], versions: [
            .init(name: "m", version: 1, runId: nil, modelId: nil, source: "runs:/\(runId)0/model", storageLocation: nil)])
        #expect(try GarbageCollectionPlan.make(inventory, GarbageCollectionRequest(now: Self.now)).runs.count == 1)
    }

    @Test func namedIdsAreTakenOnceAndEachKindDefaultsToEverything() throws {
        let inventory = Inventory(runs: [Self.run("a"), Self.run("b")],
                                  loggedModels: [.init(modelId: "m-1", experimentId: "1", lifecycleStage: .deleted,
                                                       lastUpdatedTime: 1, artifactLocation: "x/m-1")])
        let plan = try GarbageCollectionPlan.make(inventory, GarbageCollectionRequest(runIds: ["a", "a"], now: Self.now))
        #expect(plan.runs.map(\.runId) == ["a"])
        #expect(plan.loggedModels.map(\.modelId) == ["m-1"])
        #expect(throws: MLflowError.notFound("Logged model with ID 'm-2' not found.")) {
            try GarbageCollectionPlan.make(inventory, GarbageCollectionRequest(loggedModelIds: ["m-2"], now: Self.now))
        }
    }
}
