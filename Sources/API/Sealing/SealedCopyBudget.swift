import Synchronization
import TrackingCore

/// The bytes of sealed files' checked copies held at once by this process (`--sealed-copy-bytes`).
/// Each download of a sealed file holds a whole copy in the scratch directory until its response
/// is over (the copy loses its name once open, but its blocks stay while the descriptor does), so
/// 8 slow readers of a 256 MiB file held 1.4 GB. A download reserves its file's sealed size before
/// it reads a byte; a reservation that would pass the limit is refused with 503 and `Retry-After`
/// (`RetryLater`), which the mlflow client waits out and repeats. One reservation is always granted
/// while nothing is held, so a file larger than the limit is still served, one download at a time.
final class SealedCopyBudget: Sendable {
    /// 0: no limit.
    let limit: Int64
    private let held = Mutex<Int64>(0)
    /// What a refused download is told to wait: about one modest download's time.
    static let retryAfterSeconds = 5

    init(limit: Int64) {
        self.limit = limit
    }

    /// Bytes reserved now.
    var heldBytes: Int64 { held.withLock { $0 } }

    /// Reserves `bytes` until the returned reservation is released, or refuses.
    func reserve(_ bytes: Int64) throws -> Reservation {
        let bytes = max(0, bytes)
        let granted = held.withLock { held in
            guard limit == 0 || held == 0 || held + bytes <= limit else { return false }
            held += bytes
            return true
        }
        guard granted else {
            throw RetryLater(error: MLflowError(.temporarilyUnavailable, "The server holds as many checked copies of "
                                                + "sealed files as it may (--sealed-copy-bytes \(limit)); try again."),
                             seconds: Self.retryAfterSeconds)
        }
        return Reservation(budget: self, bytes: bytes)
    }

    private func release(_ bytes: Int64) {
        held.withLock { $0 -= bytes }
    }

    /// Reserved bytes, given back when the last holder lets go (the checked copy's owner holds it).
    final class Reservation: Sendable {
        private let budget: SealedCopyBudget
        let bytes: Int64

        fileprivate init(budget: SealedCopyBudget, bytes: Int64) {
            self.budget = budget
            self.bytes = bytes
        }

        deinit { budget.release(bytes) }
    }
}
