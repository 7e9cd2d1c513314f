import Dispatch
import Foundation
import Synchronization

/// Folds the write-ahead log back into the database file on a thread of its own.
///
/// SQLite's automatic checkpoint runs inside the COMMIT that crosses the threshold, so the
/// writer (and every write queued behind it) waits for the copy and its fsyncs: 20% of a
/// create-run profile, and 150-280 ms stalls once the threshold was raised. Here a PASSIVE
/// checkpoint (which blocks neither writers nor readers) runs every `interval` on a connection
/// of its own, and the writer's automatic checkpoint is only a backstop for when this one falls
/// behind. In an A/B of the mixed workload at 64 clients this gave 2,300 against 1,630 req/s.
final class SQLiteCheckpointer: Sendable {
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Atomic(false)

    init(connection: SQLiteConnection, interval: Double = 0.05) {
        let thread = Thread { [self] in
            while !stopping.load(ordering: .acquiring) {
                _ = wake.wait(timeout: .now() + interval)
                if stopping.load(ordering: .acquiring) { break }
                try? connection.executeScript("PRAGMA wal_checkpoint(PASSIVE)")
            }
            finished.signal()
        }
        thread.name = "sqlite-checkpoint"
        thread.start()
    }

    /// Stops the thread and waits for it (its connection closes with it).
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        finished.wait()
    }
}
