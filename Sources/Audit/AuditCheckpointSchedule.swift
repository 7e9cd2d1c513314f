/// When the server writes its next checkpoint (`--audit-checkpoint-dir`): after `everyRecords`
/// more records, or once `intervalMillis` has passed and the chain has grown, whichever comes
/// first. A value without I/O or clocks, so the policy is tested on its own.
public struct AuditCheckpointSchedule: Sendable {
    public let everyRecords: Int64
    public let intervalMillis: Int64
    /// The head last checkpointed (or found at start) and when.
    public private(set) var lastSequence: Int64
    private var lastMillis: Int64

    public init(everyRecords: Int64, intervalMillis: Int64, startSequence: Int64, startMillis: Int64) {
        self.everyRecords = max(1, everyRecords)
        self.intervalMillis = max(1, intervalMillis)
        lastSequence = startSequence
        lastMillis = startMillis
    }

    /// Whether `head`, just written, is due a checkpoint; if so it counts as the last one.
    public mutating func due(_ head: AuditChainHead, nowMillis: Int64) -> Bool {
        guard head.sequence > lastSequence else { return false }
        guard head.sequence - lastSequence >= everyRecords || nowMillis - lastMillis >= intervalMillis else { return false }
        lastSequence = head.sequence
        lastMillis = nowMillis
        return true
    }

    /// Counts `head` as checkpointed now (the final one at shutdown).
    public mutating func taken(_ head: AuditChainHead, nowMillis: Int64) {
        lastSequence = max(lastSequence, head.sequence)
        lastMillis = nowMillis
    }
}
