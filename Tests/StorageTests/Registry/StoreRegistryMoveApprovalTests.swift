import Dispatch
import Synchronization
import Testing
@testable import Storage
import TrackingCore

/// A stage or alias move is judged inside the write that makes it (`approve:`), on the version that
/// write found: what the policy sees is what moves, and a refusal changes nothing.
@Suite("Registry store: moves approved inside their write")
struct StoreRegistryMoveApprovalTests {
    private func fixture(_ engine: TestEngine) throws -> RegistryFixture {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m")
        _ = try fixture.registry.createModelVersion(CreateModelVersionRequest(name: "m", source: "s3://b/1", userId: "alice"))
        return fixture
    }

    @Test(arguments: TestEngine.all) func theApprovalSeesTheMoveAsItsWriteDoes(engine: TestEngine) throws {
        let fixture = try fixture(engine)
        let seen = Mutex<[RegistryMove]>([])
        let record: (RegistryMove) throws -> Void = { move in seen.withLock { $0.append(move) } }
        _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "1", stage: "production",
                                                             archiveExistingVersions: false, userId: "gil",
                                                             approve: record)
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "champion", version: "1", userId: "gil",
                                                     approve: record)
        let asked = try fixture.registry.createTransitionRequest(
            name: "m", version: "1", target: .stage(.staging), archiveExistingVersions: false, comment: nil, userId: "sam")
        _ = try fixture.registry.approveTransitionRequest(id: asked.id, archiveExistingVersions: nil, comment: nil,
                                                          userId: "gil", approve: record)
        #expect(seen.withLock { $0 } == [
            RegistryMove(name: "m", version: "1", target: .stage(.production), creator: "alice"),
            RegistryMove(name: "m", version: "1", target: .alias("champion"), creator: "alice"),
            RegistryMove(name: "m", version: "1", target: .stage(.staging), creator: "alice",
                         requestId: asked.id, requestedBy: "sam"),
        ])
    }

    @Test(arguments: TestEngine.all) func aRefusedMoveChangesNothing(engine: TestEngine) throws {
        let fixture = try fixture(engine)
        let refuse: (RegistryMove) throws -> Void = { _ in throw MLflowError(.permissionDenied, "no") }
        let before = try fixture.registry.history(name: "m")
        #expect(registryError {
            _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "1", stage: "Production",
                                                                 archiveExistingVersions: true, userId: "gil",
                                                                 approve: refuse)
        } == MLflowError(.permissionDenied, "no"))
        #expect(registryError {
            try fixture.registry.setRegisteredModelAlias(name: "m", alias: "champion", version: "1", userId: "gil",
                                                         approve: refuse)
        } == MLflowError(.permissionDenied, "no"))
        let asked = try fixture.registry.createTransitionRequest(
            name: "m", version: "1", target: .stage(.production), archiveExistingVersions: false, comment: nil,
            userId: "sam")
        #expect(registryError {
            _ = try fixture.registry.approveTransitionRequest(id: asked.id, archiveExistingVersions: nil, comment: nil,
                                                              userId: "gil", approve: refuse)
        } == MLflowError(.permissionDenied, "no"))
        let version = try fixture.registry.getModelVersion(name: "m", version: "1")
        #expect(version.currentStage == .none && version.aliases.isEmpty)
        #expect(try fixture.registry.history(name: "m") == before)
        #expect(try fixture.registry.transitionRequest(id: asked.id).status == .pending)
    }

    /// The hole this closes: two models swap names while moves of "a"'s version 1 are judged. The
    /// version each approval judged is the version its write moved, whichever model held the name.
    @Test(arguments: TestEngine.all) func aRenameRaceCannotSwapTheVersionJudged(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        for (name, creator) in [("a", "alice"), ("b", "bob")] {
            try fixture.model(name)
            _ = try fixture.registry.createModelVersion(CreateModelVersionRequest(name: name, source: "s3://b/\(name)",
                                                                                  userId: creator))
        }
        let mismatches = Mutex<[String]>([])
        let judged = Mutex<[String]>([])
        let finished = Atomic<Bool>(false)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            if worker == 0 {
                // Swap the two models' names until the other worker has made its moves.
                while !finished.load(ordering: .acquiring) {
                    do {
                        _ = try fixture.registry.renameRegisteredModel(name: "a", newName: "swap")
                        _ = try fixture.registry.renameRegisteredModel(name: "b", newName: "a")
                        _ = try fixture.registry.renameRegisteredModel(name: "swap", newName: "b")
                    } catch {
                        mismatches.withLock { $0.append("rename: \(error)") }
                        break
                    }
                }
                return
            }
            defer { finished.store(true, ordering: .releasing) }
            var attempts = 0
            while judged.withLock({ $0.count }) < 40, attempts < 10_000 {
                attempts += 1
                do {
                    let creator = Mutex<String?>(nil)
                    let moved = try fixture.registry.transitionModelVersionStage(
                        name: "a", version: "1", stage: attempts.isMultiple(of: 2) ? "Staging" : "None",
                        archiveExistingVersions: false, userId: "gil",
                        approve: { move in creator.withLock { $0 = move.creator } })
                    let seen = creator.withLock { $0 }
                    if seen != moved.userId { mismatches.withLock { $0.append("\(seen ?? "-") → \(moved.userId ?? "-")") } }
                    judged.withLock { $0.append(seen ?? "-") }
                } catch let error as MLflowError where error.code == .resourceDoesNotExist {
                    continue   // "a" was between names at that moment
                } catch {
                    mismatches.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(mismatches.withLock { $0 }.isEmpty)
        #expect(judged.withLock { $0.count } == 40)
    }
}
