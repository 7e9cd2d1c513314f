import Testing
@testable import Storage
import TrackingCore

/// Seals are stored inside the move's write, only for the version hashed; a sealed version keeps
/// its seal tags to itself and cannot be deleted until unsealed.
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

    @Test(arguments: TestEngine.all) func aMoveStoresItsSealWithTheTagsAndKeepsAnOlderOne(engine: TestEngine) throws {
        let fixture = try fixture(engine)
        let registry = fixture.registry
        let sealed = try seal()
        _ = try registry.transitionModelVersionStage(name: "m", version: "1", stage: "Production", archiveExistingVersions: false,
                                                     userId: "gil", approve: { _ in }, sealing: .new(sealed))
        #expect(try registry.modelVersionSeal(name: "m", version: "1") == sealed)
        let version = try registry.getModelVersion(name: "m", version: "1")
        #expect(version.currentStage == .production)
        #expect(version.tags.filter { $0.key.hasPrefix("swiftrack.seal.") }.sorted { $0.key < $1.key } == [
            Tag(key: "swiftrack.seal.approver", value: "gil"), Tag(key: "swiftrack.seal.digest", value: digest),
            Tag(key: "swiftrack.seal.time", value: "1795000000000"),
        ])
        // A second seal of the same version (a concurrent promotion hashed it too) leaves the first.
        var later = sealed
        later.digest = String(repeating: "e", count: 64)
        try registry.setRegisteredModelAlias(name: "m", alias: "champion", version: "1", userId: "gov",
                                             approve: { _ in }, sealing: .new(later))
        #expect(try registry.modelVersionSeal(name: "m", version: "1")?.digest == digest)
        try registry.setRegisteredModelAlias(name: "m", alias: "production", version: "1", userId: "gov",
                                             approve: { _ in }, sealing: .existing)
        #expect(try registry.sealedLocations() == [SealedLocation(name: "m", version: "1", location: "s3://b/1")])
        #expect(try registry.modelVersionSeals(name: "m").map(\.version) == ["1"])
    }

    @Test(arguments: TestEngine.all) func aSealOfAnotherVersionOrSourceRefusesTheMove(engine: TestEngine) throws {
        let fixture = try fixture(engine)
        let registry = fixture.registry
        let changed = MLflowError(.invalidState, "Version 2 of registered model 'm' changed while it was being sealed; "
                                  + "nothing was changed: try again.")
        // Hashed version 1, but the write found version 2 under the name (a rename swapped them).
        #expect(registryError {
            _ = try registry.transitionModelVersionStage(name: "m", version: "2", stage: "Production",
                                                         archiveExistingVersions: false, userId: "gil",
                                                         approve: { _ in }, sealing: .new(try seal()))
        } == changed)
        #expect(registryError {
            try registry.setRegisteredModelAlias(name: "m", alias: "champion", version: "2", userId: "gil",
                                                 approve: { _ in }, sealing: .new(try seal("m", "2", source: "s3://b/1")))
        } == changed)
        // `.existing` for a version with no seal: it was unsealed between the check and the write.
        #expect(registryError {
            try registry.setRegisteredModelAlias(name: "m", alias: "champion", version: "2", userId: "gil",
                                                 approve: { _ in }, sealing: .existing)
        } == MLflowError(.invalidState, "Version 2 of registered model 'm' was unsealed while it was being moved; "
                         + "nothing was changed: try again."))
        let version = try registry.getModelVersion(name: "m", version: "2")
        #expect(version.currentStage == .none && version.aliases.isEmpty && version.tags.isEmpty)
        #expect(try registry.modelVersionSeal(name: "m", version: "2") == nil)
        // A refused approval stores no seal either.
        #expect(registryError {
            _ = try registry.transitionModelVersionStage(name: "m", version: "1", stage: "Production",
                                                         archiveExistingVersions: false, userId: "gil",
                                                         approve: { _ in throw MLflowError(.permissionDenied, "no") },
                                                         sealing: .new(try seal()))
        }?.code == .permissionDenied)
        #expect(try registry.sealedLocations().isEmpty)
    }

    @Test(arguments: TestEngine.all) func anApprovedRequestSealsInItsWrite(engine: TestEngine) throws {
        let fixture = try fixture(engine)
        let registry = fixture.registry
        let asked = try registry.createTransitionRequest(name: "m", version: "1", target: .alias("champion"),
                                                         archiveExistingVersions: false, comment: nil, userId: "sam")
        _ = try registry.approveTransitionRequest(id: asked.id, archiveExistingVersions: nil, comment: nil, userId: "gil",
                                                  approve: { _ in }, sealing: .new(try seal()))
        #expect(try registry.modelVersionSeal(name: "m", version: "1")?.approver == "gil")
        #expect(try registry.getModelVersionByAlias(name: "m", alias: "champion").version == "1")
    }

    @Test(arguments: TestEngine.all) func aSealedVersionIsKeptUntilUnsealed(engine: TestEngine) throws {
        let fixture = try fixture(engine)
        let registry = fixture.registry
        _ = try registry.transitionModelVersionStage(name: "m", version: "1", stage: "Production", archiveExistingVersions: false,
                                                     userId: "gil", approve: { _ in }, sealing: .new(try seal()))
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
        // The seal follows a rename.
        _ = try registry.renameRegisteredModel(name: "m", newName: "n")
        #expect(try registry.modelVersionSeal(name: "n", version: "1")?.digest == digest)
        let removed = try registry.unsealModelVersion(name: "n", version: "1")
        #expect(removed.digest == digest)
        #expect(try registry.getModelVersion(name: "n", version: "1").tags.isEmpty)
        #expect(registryError { _ = try registry.unsealModelVersion(name: "n", version: "1") }
                == MLflowError(.invalidState, "Version 1 of registered model 'n' is not sealed."))
        try registry.deleteModelVersion(name: "n", version: "1", userId: "sam")
        try registry.deleteRegisteredModel(name: "n")
    }
}
