import Synchronization

/// A fixed number of places for work that reads whole models (sealing jobs, verifications), so that
/// callers cannot make one process read without bound; `take` answers false when all are taken.
final class Slots: Sendable {
    let limit: Int
    private let taken = Mutex(0)

    init(limit: Int) { self.limit = limit }

    func take() -> Bool {
        taken.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func give() {
        taken.withLock { $0 -= 1 }
    }
}
