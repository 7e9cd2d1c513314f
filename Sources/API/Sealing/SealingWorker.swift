import Artifacts
import Dispatch
import Foundation
import Storage
import Synchronization
import TrackingCore

/// Runs sealing jobs off the request path (`SealingJob`), each on its own thread, at most `limit`
/// at a time in this process: hashes the version's files, stores the seal (the store checks the job
/// still owns the version and the source is the one hashed) and announces the seal's tags to the
/// webhooks; or records why it failed. A timer beats the job's heartbeat every
/// `SealingJob.heartbeatMillis` (also while a remote file downloads); when the store says the job
/// no longer owns the version (cancelled by an unseal, taken over, the version deleted), the
/// hashing stops at its next chunk.
final class SealingWorker: Sendable {
    let registry: any RegistryStore
    let hasher: SealHasher
    /// Where the seal's tag events go (the registry webhooks); nil without webhooks.
    let publish: (@Sendable ([RegistryChange]) -> Void)?
    /// The places jobs run in (`reserve` before claiming, `release` when not started).
    let places: Slots
    /// The places `verify` reads sealed versions in.
    let verifications = Slots(limit: 2)

    init(registry: any RegistryStore, hasher: SealHasher, publish: (@Sendable ([RegistryChange]) -> Void)?,
         limit: Int = 4) {
        self.registry = registry
        self.hasher = hasher
        self.publish = publish
        self.places = Slots(limit: limit)
    }

    var limit: Int { places.limit }

    /// Takes one of the `limit` places; false when all are taken.
    func reserve() -> Bool { places.take() }

    func release() { places.give() }

    /// Runs `job` on a new thread in a place taken by `reserve`, which it gives back when done.
    func start(_ job: SealingJob) {
        let thread = Thread { [self] in
            run(job)
            release()
        }
        thread.name = "swiftrack-seal"
        thread.start()
    }

    private func run(_ job: SealingJob) {
        let progress = JobProgress()
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        let beat = Int(SealingJob.heartbeatMillis)
        timer.schedule(deadline: .now() + .milliseconds(beat), repeating: .milliseconds(beat))
        timer.setEventHandler { [registry] in
            let owned = (try? registry.recordSealingProgress(name: job.name, version: job.version, token: job.token,
                                                              bytesRead: progress.bytes, now: Self.now())) ?? true
            if !owned { progress.stop() }
        }
        timer.resume()
        defer { timer.cancel() }
        do {
            let files = try hasher.files(root: job.location) { count in progress.add(count) }
            let manifest = try SealManifest(files: files)
            let seal = ModelVersionSeal(name: job.name, version: job.version, source: job.source, location: job.location,
                                        manifest: manifest, digest: ArtifactDigest.sha256(ofText: manifest.canonicalText),
                                        sealedTime: Self.now(), approver: job.approver)
            try registry.completeSealing(token: job.token, seal: seal)
            publish?(seal.tags.map {
                .modelVersionTagSet(name: seal.name, version: seal.version, key: $0.key, value: $0.value)
            })
        } catch {
            let failure = error as? MLflowError ?? MLflowError.internalError("\(error)")
            try? registry.failSealing(name: job.name, version: job.version, token: job.token, error: failure, now: Self.now())
        }
    }

    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// Bytes hashed so far by one job, and whether it must stop; shared by the hashing thread and the
/// heartbeat timer.
private final class JobProgress: Sendable {
    private let state = Mutex((bytes: Int64(0), stopped: false))

    var bytes: Int64 { state.withLock { $0.bytes } }

    /// Counts `count` more bytes; false once the job must stop.
    func add(_ count: Int) -> Bool {
        state.withLock { state in
            state.bytes += Int64(count)
            return !state.stopped
        }
    }

    func stop() { state.withLock { $0.stopped = true } }
}
