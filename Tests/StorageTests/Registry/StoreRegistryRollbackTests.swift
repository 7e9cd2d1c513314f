import Dispatch
import Synchronization
import Testing
@testable import Storage
import TrackingCore

@Suite("Registry store: rollback")
struct StoreRegistryRollbackTests {
    @Test(arguments: TestEngine.all) func aliasRollbackWalksBackAndIsRecorded(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 3)
        for version in ["1", "2", "3"] {
            try fixture.registry.setRegisteredModelAlias(name: "m", alias: "prod", version: version, userId: "ann")
        }
        let first = try fixture.registry.rollback(name: "m", target: .alias("prod"), userId: "bob")
        #expect(first.version.version == "2")
        #expect(first.entries.map { [$0.from, $0.to] } == [["3", "2"]])
        #expect(first.entries.first?.isRollback == true && first.entries.first?.userId == "bob")
        #expect(try fixture.registry.getModelVersionByAlias(name: "m", alias: "prod").version == "2")
        // a second rollback undoes the move before (rollbacks themselves are never undone)
        #expect(try fixture.registry.rollback(name: "m", target: .alias("prod"), userId: nil).version.version == "1")
        #expect(registryError { _ = try fixture.registry.rollback(name: "m", target: .alias("prod"), userId: nil) }?
            .message.hasPrefix("There is nothing to roll back to: alias 'prod' of registered model 'm' did not exist")
            == true)
        #expect(try fixture.registry.getModelVersionByAlias(name: "m", alias: "prod").version == "1")
        let history = try fixture.registry.history(name: "m")
        #expect(history.map(\.isRollback) == [false, false, false, true, true])
        #expect(history.map(\.to) == ["1", "2", "3", "2", "1"])
        // a new move is undone first
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "prod", version: "3", userId: nil)
        #expect(try fixture.registry.rollback(name: "m", target: .alias("prod"), userId: nil).version.version == "1")
    }

    @Test(arguments: TestEngine.all) func stageRollbackRestoresThePreviousHolder(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 3)
        _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "1", stage: "Production",
                                                             archiveExistingVersions: false, userId: nil)
        _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "2", stage: "Staging",
                                                             archiveExistingVersions: false, userId: nil)
        _ = try fixture.registry.transitionModelVersionStage(name: "m", version: "2", stage: "Production",
                                                             archiveExistingVersions: true, userId: nil)
        let result = try fixture.registry.rollback(name: "m", target: .stage(.production), userId: "ops")
        #expect(result.version.version == "1" && result.version.currentStage == .production)
        #expect(result.entries.map { [$0.version, $0.from, $0.to] } == [
            ["2", "Production", "Staging"], ["1", "Archived", "Production"],
        ])
        #expect(try fixture.registry.getModelVersion(name: "m", version: "2").currentStage == .staging)
        #expect(try fixture.registry.getModelVersion(name: "m", version: "3").currentStage == .none)
        // the first move into Production had no previous holder: refused, nothing changed
        let error = registryError { _ = try fixture.registry.rollback(name: "m", target: .stage(.production), userId: nil) }
        #expect(error?.code == .invalidParameterValue)
        #expect(error?.message.contains("nothing to roll back to") == true)
        #expect(try fixture.registry.getModelVersion(name: "m", version: "1").currentStage == .production)
        #expect(try fixture.registry.history(name: "m").count == 6)
        // Staging: version 2 entered it from None, then left it; the stage has changed since
        #expect(registryError { _ = try fixture.registry.rollback(name: "m", target: .stage(.staging), userId: nil) }?
            .code == .invalidParameterValue)
    }

    @Test(arguments: TestEngine.all) func nothingToRollBackAndUnknownModel(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 1)
        #expect(registryError { _ = try fixture.registry.rollback(name: "m", target: .alias("prod"), userId: nil) }
            == MLflowError(.invalidParameterValue, "There is nothing to roll back: alias 'prod' of registered model "
                + "'m' has no recorded move left to undo."))
        #expect(registryError { _ = try fixture.registry.rollback(name: "m", target: .stage(.production), userId: nil) }
            == MLflowError(.invalidParameterValue, "There is nothing to roll back: no recorded move into stage "
                + "'Production' of registered model 'm' is left to undo."))
        #expect(registryError { _ = try fixture.registry.rollback(name: "zz", target: .alias("prod"), userId: nil) }
            == MLflowError(.resourceDoesNotExist, "Registered Model with name=zz not found"))
    }

    @Test(arguments: TestEngine.all) func aliasOfADeletedVersionCannotComeBack(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 2)
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "prod", version: "1", userId: nil)
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "prod", version: "2", userId: nil)
        try fixture.registry.deleteModelVersion(name: "m", version: "1", userId: nil)
        let error = registryError { _ = try fixture.registry.rollback(name: "m", target: .alias("prod"), userId: nil) }
        #expect(error?.message.contains("version 1 of registered model 'm'") == true)
        #expect(try fixture.registry.getModelVersionByAlias(name: "m", alias: "prod").version == "2")
        // deleting the alias is a move too: rolling it back restores the alias
        try fixture.registry.deleteRegisteredModelAlias(name: "m", alias: "prod", userId: nil)
        #expect(try fixture.registry.rollback(name: "m", target: .alias("prod"), userId: nil).version.version == "2")
    }

    @Test(arguments: TestEngine.all) func historyFollowsARename(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 2)
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "prod", version: "1", userId: nil)
        try fixture.registry.setRegisteredModelAlias(name: "m", alias: "prod", version: "2", userId: nil)
        _ = try fixture.registry.renameRegisteredModel(name: "m", newName: "n")
        #expect(try fixture.registry.rollback(name: "n", target: .alias("prod"), userId: nil).version.version == "1")
    }

    /// Eight rollbacks race over eight recorded moves: each undoes a different one, and the alias
    /// ends where the history says it is.
    @Test(arguments: TestEngine.all) func concurrentRollbacksStayConsistent(engine: TestEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.model("m", versions: 9)
        for version in 1...9 {
            try fixture.registry.setRegisteredModelAlias(name: "m", alias: "prod", version: String(version), userId: nil)
        }
        let reached = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                let result = try fixture.registry.rollback(name: "m", target: .alias("prod"), userId: nil)
                reached.withLock { $0.append(result.version.version) }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(reached.withLock { $0 }.sorted() == ["1", "2", "3", "4", "5", "6", "7", "8"])
        #expect(try fixture.registry.getModelVersionByAlias(name: "m", alias: "prod").version == "1")
        let history = try fixture.registry.history(name: "m")
        #expect(history.count == 17)
        #expect(Set(history.compactMap(\.rollbackOf)).count == 8)
        #expect(history.last?.to == "1")
        #expect(registryError { _ = try fixture.registry.rollback(name: "m", target: .alias("prod"), userId: nil) }?
            .code == .invalidParameterValue)
    }
}
