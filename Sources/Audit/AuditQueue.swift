/// The audit writer's queue and batching policy as a value, without threads or I/O.
///
/// Records wait in arrival order; the writer takes up to `maxBatch` of them and keeps them
/// queued until the batch is written, so a failed write is retried with the same records
/// first. The queue holds at most `capacity` records, in flight included; past that, offers
/// are turned away (dropped or refused by the caller's policy). After `close()` nothing new
/// is accepted and the writer drains what is left.
public struct AuditQueue<Element>: Sendable where Element: Sendable {
    /// The answer to an offer.
    public enum Offer: Sendable, Equatable {
        /// Queued; `wakeWriter` when the queue was empty (the writer may be asleep).
        case accepted(wakeWriter: Bool)
        case full
        case closed
    }

    /// What the writer should do next.
    public enum Step: Sendable {
        case write([Element])
        /// Nothing queued: sleep until woken.
        case wait
        /// Closed and drained: stop.
        case finish
    }

    public let capacity: Int
    public let maxBatch: Int
    private var waiting: [Element] = []
    private var start = 0
    private var inFlight = 0
    public private(set) var isClosed = false
    /// Consecutive failed writes of the current batch; 0 once one succeeds.
    public private(set) var consecutiveFailures = 0

    public init(capacity: Int, maxBatch: Int) {
        self.capacity = max(1, capacity)
        self.maxBatch = max(1, maxBatch)
    }

    /// Records queued, in flight included.
    public var depth: Int { waiting.count - start }

    /// Whether a record offered now would be kept and the writer is not failing: what a log
    /// that fails closed requires before it lets a request run.
    public var isHealthy: Bool { !isClosed && consecutiveFailures == 0 && depth < capacity }

    public mutating func offer(_ element: Element) -> Offer {
        if isClosed { return .closed }
        if depth >= capacity { return .full }
        waiting.append(element)
        return .accepted(wakeWriter: depth == 1)
    }

    /// The next step; a batch handed out stays queued until `written()` or `failed()`.
    public mutating func next() -> Step {
        precondition(inFlight == 0, "a batch is already being written")
        if depth == 0 { return isClosed ? .finish : .wait }
        inFlight = min(maxBatch, depth)
        return .write(Array(waiting[start..<(start + inFlight)]))
    }

    /// The batch handed out is committed: it leaves the queue.
    public mutating func written() {
        start += inFlight
        inFlight = 0
        consecutiveFailures = 0
        // Compact now and then, so the array does not grow without bound.
        if start > 1024, start * 2 > waiting.count {
            waiting.removeFirst(start)
            start = 0
        }
    }

    /// The batch could not be written: it stays first in line. Returns the back-off before the
    /// retry: 50 ms doubling to at most 5 s.
    public mutating func failed() -> Duration {
        inFlight = 0
        consecutiveFailures += 1
        let exponent = min(consecutiveFailures - 1, 7)
        return min(.milliseconds(50 * (1 << exponent)), .seconds(5))
    }

    /// Stops accepting records; the writer drains the rest.
    public mutating func close() { isClosed = true }

    /// Gives up on everything still queued (at shutdown, when the database stays down); returns how many.
    public mutating func discardAll() -> Int {
        let lost = depth
        waiting.removeAll()
        start = 0
        inFlight = 0
        return lost
    }
}
