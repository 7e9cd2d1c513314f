import Dispatch
import Synchronization
import Testing
@testable import Storage
import TrackingCore

@Suite("Registry store: transition requests")
struct StoreTransitionRequestTests {
    @Test(arguments: TestEngine.all) func anApprovedRequestMakesItsMoveAndIsRecorded(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 2)
        _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "1", stage: "Production",
                                                             archiveExistingVersions: false, userId: "ann")
        let asked = try fixture.registry.createTransitionRequest(
            name: "m", version: "2", target: .stage(.production), archiveExistingVersions: true,
            comment: "beats v1 on recall", userId: "sam")
        #expect(asked.status == .pending && asked.requestedBy == "sam" && asked.comment == "beats v1 on recall")
        #expect(try fixture.registry.getModelVersion(name: "m", version: "2").currentStage == .none)

        let (approved, version) = try fixture.registry.approveTransitionRequest(
            id: asked.id, archiveExistingVersions: nil, comment: "ok", userId: "gil")
        #expect(approved.status == .approved && approved.resolvedBy == "gil" && approved.resolutionComment == "ok")
        #expect(version.version == "2" && version.currentStage == .production)
        #expect(try fixture.registry.getModelVersion(name: "m", version: "1").currentStage == .archived)
        // The move is in the history under the approver's name, as one move with the archiving.
        let moves = try fixture.registry.history(name: "m").suffix(2)
        #expect(moves.map(\.to) == ["Archived", "Production"])
        #expect(moves.map(\.userId) == ["gil", "gil"])
        #expect(Set(moves.map(\.moveId)).count == 1)
        #expect(try fixture.registry.transitionRequest(id: asked.id) == approved)
        // Decided once.
        let again = registryError {
            _ = try fixture.registry.approveTransitionRequest(id: asked.id, archiveExistingVersions: nil, comment: nil,
                                                              userId: "gil")
        }
        #expect(again == MLflowError(.invalidState,
            "Transition request \(asked.id) was already approved by gil; only a pending request can be decided."))
    }

    @Test(arguments: TestEngine.all) func aliasRequestsRejectionsAndCancellations(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 2)
        let champion = try fixture.registry.createTransitionRequest(
            name: "m", version: "1", target: .alias("champion"), archiveExistingVersions: false, comment: nil,
            userId: "sam")
        #expect(registryError {
            _ = try fixture.registry.createTransitionRequest(name: "m", version: "1", target: .alias("champion"),
                                                             archiveExistingVersions: false, comment: nil, userId: "ann")
        } == MLflowError.alreadyExists("Transition request \(champion.id) already asks for version 1 of registered "
                                       + "model 'm' to move to alias 'champion'."))
        let (_, moved) = try fixture.registry.approveTransitionRequest(id: champion.id, archiveExistingVersions: nil,
                                                                       comment: nil, userId: "gil")
        #expect(moved.aliases == ["champion"])
        #expect(try fixture.registry.getModelVersionByAlias(name: "m", alias: "champion").version == "1")

        let staging = try fixture.registry.createTransitionRequest(
            name: "m", version: "2", target: .stage(.staging), archiveExistingVersions: false, comment: "try it",
            userId: "sam")
        let rejected = try fixture.registry.closeTransitionRequest(id: staging.id, as: .rejected, comment: "not yet",
                                                                   userId: "gil")
        #expect(rejected.status == .rejected && rejected.resolutionComment == "not yet")
        #expect(try fixture.registry.getModelVersion(name: "m", version: "2").currentStage == .none)
        // After a decision the same move may be asked for again; its author may cancel it.
        let retry = try fixture.registry.createTransitionRequest(
            name: "m", version: "2", target: .stage(.staging), archiveExistingVersions: false, comment: nil,
            userId: "sam")
        #expect(try fixture.registry.closeTransitionRequest(id: retry.id, as: .cancelled, comment: nil,
                                                            userId: "sam").status == .cancelled)

        let all = try fixture.registry.transitionRequests(TransitionRequestQuery(name: "m"))
        #expect(all.map(\.status) == [.approved, .rejected, .cancelled])
        #expect(try fixture.registry.transitionRequests(TransitionRequestQuery(name: "m", version: "2")).count == 2)
        #expect(try fixture.registry.transitionRequests(TransitionRequestQuery(name: "m", status: .rejected))
            .map(\.id) == [staging.id])
    }

    @Test(arguments: TestEngine.all) func badRequestsAreRefusedWithMLflowsChecks(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 1)
        func create(_ version: String, _ target: TransitionRequest.Target, archive: Bool = false,
                    comment: String? = nil) -> MLflowError? {
            registryError {
                _ = try fixture.registry.createTransitionRequest(name: "m", version: version, target: target,
                                                                 archiveExistingVersions: archive, comment: comment,
                                                                 userId: nil)
            }
        }
        #expect(create("9", .stage(.staging)) == MLflowError.notFound("Model Version (name=m, version=9) not found"))
        #expect(create("x", .stage(.staging))?.code == .invalidParameterValue)
        #expect(create("1", .stage(.archived), archive: true)?.message.hasPrefix(
            "Model version transition cannot archive existing model versions because 'Archived'") == true)
        #expect(create("1", .alias("latest"))?.code == .invalidParameterValue)
        #expect(create("1", .alias("v1"))?.code == .invalidParameterValue)
        #expect(create("1", .stage(.staging), comment: String(repeating: "x", count: 5001))?.message
            == "A transition request comment may be at most 5000 characters; got 5001.")
        #expect(registryError { _ = try fixture.registry.transitionRequest(id: 42) }
            == MLflowError.notFound("Transition request with id=42 not found"))
        #expect(registryError { _ = try fixture.registry.transitionRequests(TransitionRequestQuery(name: "nope")) }
            == MLflowError.notFound("Registered Model with name=nope not found"))
    }

    @Test(arguments: TestEngine.all) func requestsFollowRenamesAndGoWithDeletes(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 2)
        let first = try fixture.registry.createTransitionRequest(
            name: "m", version: "1", target: .stage(.staging), archiveExistingVersions: false, comment: nil, userId: "a")
        let second = try fixture.registry.createTransitionRequest(
            name: "m", version: "2", target: .stage(.staging), archiveExistingVersions: false, comment: nil, userId: "a")
        _ = try fixture.registry.renameRegisteredModel(name: "m", newName: "n")
        #expect(try fixture.registry.transitionRequest(id: first.id).name == "n")
        // A deleted version's pending request is cancelled, not lost.
        try fixture.registry.deleteModelVersion(name: "n", version: "2", userId: "b")
        let cancelled = try fixture.registry.transitionRequest(id: second.id)
        #expect(cancelled.status == .cancelled && cancelled.resolvedBy == "b")
        #expect(cancelled.resolutionComment == "The model version was deleted.")
        try fixture.registry.deleteRegisteredModel(name: "n")
        _ = try fixture.registry.createRegisteredModel(name: "n", tags: [], description: nil)
        #expect(try fixture.registry.transitionRequests(TransitionRequestQuery(name: "n")).isEmpty)
    }

    @Test(arguments: TestEngine.all) func twoReviewersDecidingAtOnceDecideOnce(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 1)
        let asked = try fixture.registry.createTransitionRequest(
            name: "m", version: "1", target: .stage(.production), archiveExistingVersions: false, comment: nil,
            userId: "sam")
        let outcomes = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { index in
            let outcome: String
            do {
                if index % 2 == 0 {
                    _ = try fixture.registry.approveTransitionRequest(id: asked.id, archiveExistingVersions: nil,
                                                                      comment: nil, userId: "r\(index)")
                    outcome = "approved"
                } else {
                    _ = try fixture.registry.closeTransitionRequest(id: asked.id, as: .rejected, comment: nil,
                                                                    userId: "r\(index)")
                    outcome = "rejected"
                }
            } catch let error as MLflowError where error.code == .invalidState {
                outcome = "refused"
            } catch {
                outcome = "error: \(error)"
            }
            outcomes.withLock { $0.append(outcome) }
        }
        let seen = outcomes.withLock { $0 }
        #expect(seen.filter { $0 == "refused" }.count == 5)
        #expect(seen.filter { $0 == "approved" || $0 == "rejected" }.count == 1)
        let decided = try fixture.registry.transitionRequest(id: asked.id)
        let stage = try fixture.registry.getModelVersion(name: "m", version: "1").currentStage
        #expect(decided.status == .approved ? stage == .production : stage == .none)
        let moves = try fixture.registry.history(name: "m").filter { $0.kind == .stage }
        #expect(moves.count == (decided.status == .approved ? 1 : 0))
    }
}
