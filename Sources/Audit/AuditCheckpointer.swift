public import Foundation
public import Lifecycle
import Synchronization

/// Writes checkpoints of the heads the server itself produced into a directory
/// (`--audit-checkpoint-dir`), as `AuditCheckpointSchedule` says, and a last one at shutdown.
/// The operator ships the directory elsewhere (another host, a write-once bucket): a copy on
/// the audit database's own host proves little against whoever controls that host.
public final class AuditCheckpointer: Sendable {
    public let directory: String
    private let chain: AuditChain
    private let state: Mutex<(schedule: AuditCheckpointSchedule, latest: AuditChainHead?)>
    private let now: @Sendable () -> Int64
    private let info: @Sendable (String) -> Void
    private let error: @Sendable (String) -> Void

    public init(directory: String, chain: AuditChain, schedule: AuditCheckpointSchedule,
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
                info: @escaping @Sendable (String) -> Void = { _ in },
                error: @escaping @Sendable (String) -> Void = { _ in }) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.chain = chain
        self.state = Mutex((schedule, nil))
        self.now = now
        self.info = info
        self.error = error
    }

    /// The file a checkpoint of record `sequence` goes to (one per record: a chain has one
    /// record of each number, so replicas sharing the directory never clash).
    public func path(of sequence: Int64) -> String {
        let digits = String(sequence)
        return directory + "/audit-checkpoint-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".json"
    }

    /// Called with the head of each batch this server committed (after its seal was checked).
    public func written(_ head: AuditChainHead) {
        let time = now()
        let due = state.withLock { state in
            state.latest = head
            return state.schedule.due(head, nowMillis: time)
        }
        if due { write(head, at: time) }
    }

    /// At shutdown: a checkpoint of the last head this server wrote, unless it has one already.
    public func finish() {
        let time = now()
        let head: AuditChainHead? = state.withLock { state in
            guard let latest = state.latest, latest.sequence > state.schedule.lastSequence else { return nil }
            state.schedule.taken(latest, nowMillis: time)
            return latest
        }
        if let head { write(head, at: time) }
    }

    /// A failed write is logged, never thrown: the records it covers are committed already.
    private func write(_ head: AuditChainHead, at time: Int64) {
        let path = path(of: head.sequence)
        let checkpoint = AuditCheckpoint.make(head, chain: chain, timeMillis: time)
        do {
            try Data(checkpoint.json.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            info("audit checkpoint: record \(head.sequence) (hash \(head.hash)) in \(path)")
        } catch let failure {
            error("audit checkpoint: writing \(path) failed: \(failure)")
        }
    }
}

/// No thread of its own (checkpoints are written on the audit writer's thread as heads are
/// committed): starting does nothing, stopping writes the last checkpoint. Stop it after the
/// writer, so the last head is the last one written.
extension AuditCheckpointer: Service {
    public var name: String { "audit checkpoints" }

    public func start() {}

    public func stop(deadline: ContinuousClock.Instant) {
        finish()
    }
}
