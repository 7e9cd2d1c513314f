import Artifacts
import Auth
import Foundation
import Storage
import TrackingCore

/// Seals versions before they are moved (docs/REGISTRY.md, "Sealed versions"): when a move puts a
/// version into a stage or alias the promotion policy protects, the version must be sealed first.
/// A sealing job (`SealingWorker`) hashes its files off the request path; the move's request waits
/// for it up to `wait`, then answers 503 with `Retry-After` (the mlflow client repeats the request
/// and the repeat waits again), and the move is made by the request that finds the version sealed.
/// A seal that cannot be made stops the move: the failure is told to the next mover.
struct ModelVersionSealer: Sendable {
    let registry: any RegistryStore
    let tracking: any TrackingStore
    let worker: SealingWorker
    /// The protected stages and aliases; nil (access control off: no governance) seals nothing.
    let policy: PromotionPolicy?
    /// How long a move's request waits for its version's seal before answering "retry".
    let wait: Duration

    var hasher: SealHasher { worker.hasher }

    /// Jobs on a worker of this process reading `artifacts`, their seal tags to `publish` (the webhooks).
    init(registry: any RegistryStore, tracking: any TrackingStore, artifacts: ArtifactService, policy: PromotionPolicy?,
         wait: Duration = .seconds(20), publish: (@Sendable ([RegistryChange]) -> Void)? = nil, places: Int = 4) {
        self.registry = registry
        self.tracking = tracking
        self.worker = SealingWorker(registry: registry, hasher: SealHasher(artifacts: artifacts), publish: publish,
                                    limit: places)
        self.policy = policy
        self.wait = wait
    }

    func protects(_ target: TransitionRequest.Target) -> Bool {
        guard let policy else { return false }
        switch target {
        case .stage(let stage): return policy.protects(stage: stage.rawValue)
        case .alias(let alias): return policy.protects(alias: alias)
        }
    }

    /// What the move's write must do about the seal: nothing (not protected), or find the version
    /// sealed, which this waits for (starting or joining the version's sealing job). `precheck` is
    /// the promotion policy, asked here first so that nobody without the right to promote makes the
    /// server read a whole model; the write asks it again on the version it locks. The seal's digest
    /// goes to `events` (the request's audit record names what was promoted).
    func requirement(for move: RegistryMove, approver: String?, precheck: (RegistryMove) throws -> Void,
                     events: RouteEvents) throws -> SealRequirement {
        guard protects(move.target) else { return .none }
        try precheck(move)
        let deadline = ContinuousClock.now + wait
        var joined: SealingJob?
        while true {
            if let seal = try registry.modelVersionSeal(name: move.name, version: move.version) {
                events.emit(.sealRequired(name: seal.name, version: seal.version, digest: seal.digest))
                return .existing
            }
            if let job = joined {
                guard let current = try registry.sealingJob(name: move.name, version: move.version) else {
                    throw MLflowError(.invalidState, "Sealing version \(move.version) of registered model '\(move.name)' "
                                      + "was cancelled, so it was not moved to \(move.target.description).")
                }
                if current.failure != nil {
                    try registry.clearSealing(name: current.name, version: current.version, token: current.token)
                    throw failed(current, move)
                }
                if current.token != job.token || Self.isStale(current) { joined = try claim(move, approver: approver) }
            } else {
                joined = try claim(move, approver: approver)
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw stillSealing(move, joined) }
            Thread.sleep(forTimeInterval: min(Self.pollSeconds, Double(left.components.seconds)
                                                  + Double(left.components.attoseconds) / 1e18))
        }
    }

    /// Starts the version's sealing job, or joins the one running; nil when the version turned out sealed.
    private func claim(_ move: RegistryMove, approver: String?) throws -> SealingJob? {
        let (source, root) = try ModelVersionArtifactRoot.sealable(name: move.name, version: move.version, registry: registry,
                                                             tracking: tracking)
        let now = SealingWorker.now()
        // Without a free place the job is still recorded (so the version keeps its name and number
        // while the client repeats the move), as waiting: silent since 0, so the next mover that
        // finds a place takes it over at once.
        let placed = worker.reserve()
        let job = SealingJob(name: move.name, version: move.version, token: UUID().uuidString, source: source,
                             location: root, approver: approver, target: move.target.description, startedTime: now,
                             updatedTime: placed ? now : 0)
        let claim: SealingClaim
        do {
            claim = try registry.claimSealing(job, staleBefore: now - SealingJob.staleAfterMillis)
        } catch {
            if placed { worker.release() }
            throw error
        }
        if !placed, case .started = claim {
            throw RetryLater(error: MLflowError(.temporarilyUnavailable, "The server is sealing \(worker.limit) model "
                                                + "versions already; version \(move.version) of registered model "
                                                + "'\(move.name)' waits for a place: repeat the request."), seconds: 5)
        }
        switch claim {
        case .started(let job):
            worker.start(job)
            return job
        case .sealed:
            if placed { worker.release() }
            return nil
        case .running(let job):
            if placed { worker.release() }
            return job
        case .failed(let job):
            if placed { worker.release() }
            throw failed(job, move)
        }
    }

    /// A failed seal, told to the mover with its cause's code, except that a server-side cause (an
    /// unreachable store) becomes INVALID_STATE: the mlflow client repeats a 5xx by itself, and the
    /// repeat must not seal whatever carries the version's name and number by then without the
    /// approver looking again.
    private func failed(_ job: SealingJob, _ move: RegistryMove) -> MLflowError {
        let cause = job.failure ?? MLflowError.internalError("unknown")
        return MLflowError(cause.code.httpStatus >= 500 ? .invalidState : cause.code,
                           "Version \(move.version) of registered model '\(move.name)' could not be sealed, "
                           + "so it was not moved to \(move.target.description): \(cause.message)")
    }

    private func stillSealing(_ move: RegistryMove, _ job: SealingJob?) -> RetryLater {
        let read = job.map { " (\(Self.mebibytes($0.bytesRead)) MiB read so far)" } ?? ""
        return RetryLater(error: MLflowError(
            .temporarilyUnavailable,
            "Version \(move.version) of registered model '\(move.name)' is being sealed\(read) before it is moved to "
                + "\(move.target.description); repeat the request to make the move once the seal is complete."),
                          seconds: 1)
    }

    static func isStale(_ job: SealingJob) -> Bool {
        job.updatedTime < SealingWorker.now() - SealingJob.staleAfterMillis
    }

    private static func mebibytes(_ bytes: Int64) -> Int64 { bytes / (1 << 20) }

    /// How often a waiting move looks whether its version is sealed.
    static let pollSeconds = 0.1

    /// A rollback cannot seal (its plan is made inside its write, where a model is not read): each
    /// version it would put into a protected stage or alias must be sealed already (it was, when it
    /// was promoted there before, unless it was unsealed since or promoted before seals existed).
    /// The digests go to `events` (the audit record names the last).
    func requireSealed(name: String, plan: RegistryRollbackPlan, events: RouteEvents) throws {
        for change in plan.changes {
            let version: String
            let target: TransitionRequest.Target
            switch change.kind {
            case .alias:
                guard let alias = change.alias else { continue }
                (version, target) = (change.restored, .alias(alias))
            case .stage:
                (version, target) = (change.version, .stage(try ModelStage.canonical(change.restored)))
            }
            guard protects(target) else { continue }
            guard let seal = try registry.modelVersionSeal(name: name, version: version) else {
                throw MLflowError(.invalidState, "Rolling back would put version \(version) of registered model "
                                  + "'\(name)' into \(target.description), but it is not sealed: promote it directly or through a "
                                  + "transition request, which seals it.")
            }
            events.emit(.sealRequired(name: seal.name, version: seal.version, digest: seal.digest))
        }
    }

    /// A direct move, as its write will see it: the version's creator read now (the write reads it again).
    func directMove(name: String, version: String, target: TransitionRequest.Target) throws -> RegistryMove {
        let found = try registry.getModelVersion(name: name, version: version)
        return RegistryMove(name: found.name, version: found.version, target: target, creator: found.userId)
    }
}
