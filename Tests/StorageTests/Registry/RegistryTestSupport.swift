import Testing
@testable import Storage
import TrackingCore

/// A tracking store and the registry on the same fresh database of `engine`; the run's artifacts are
/// under `/tmp/artifacts`.
struct RegistryFixture {
    let tracking: SQLTrackingStore
    let registry: SQLRegistryStore

    init(_ engine: TestEngine) throws {
        tracking = try engine.makeStore(artifactRoot: "/tmp/artifacts")
        registry = try SQLRegistryStore(database: tracking.database)
    }

    /// A run whose artifact directory is local (so local sources inside it are accepted).
    func run() throws -> Run { try makeRun(tracking, experimentName: "registry") }

    /// Creates a model and `count` versions with `s3://bucket/<n>` sources.
    @discardableResult
    func model(_ name: String, versions count: Int = 0) throws -> RegisteredModel {
        let model = try registry.createRegisteredModel(name: name, tags: [], description: nil)
        for index in 0..<count { _ = try version(name, source: "s3://bucket/\(name)/\(index + 1)") }
        return model
    }

    @discardableResult
    func version(_ name: String, source: String = "s3://bucket/model", runId: String? = nil,
                 tags: [TrackingCore.Tag] = []) throws -> ModelVersion {
        try registry.createModelVersion(CreateModelVersionRequest(name: name, source: source, runId: runId, tags: tags))
    }
}

/// Runs `body` and returns the MLflowError it throws (or fails the test).
func registryError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> MLflowError? {
    do {
        try body()
        Issue.record("expected an MLflowError", sourceLocation: sourceLocation)
        return nil
    } catch let error as MLflowError {
        return error
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension RegistryStore {
    /// Seals a version as a sealing job does: claims the version, then stores `seal` under the claim.
    func storeSeal(_ seal: ModelVersionSeal, token: String = "job-1") throws {
        let job = SealingJob(name: seal.name, version: seal.version, token: token, source: seal.source,
                             location: seal.location, approver: seal.approver, target: "stage 'Production'",
                             startedTime: seal.sealedTime)
        guard case .started = try claimSealing(job, staleBefore: 0) else { return }
        try completeSealing(token: token, seal: seal)
    }
}

extension RegistryStore {
    /// An unseal that any caller may make (the policy is the API's; its own tests judge it).
    func unsealModelVersion(name: String, version: String) throws -> ModelVersionSeal? {
        try unsealModelVersion(name: name, version: version, approve: { _ in })
    }
}
