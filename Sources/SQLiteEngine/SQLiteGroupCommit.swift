import Dispatch
import Synchronization

/// Group commit for SQLite's one writer: writes that arrive while a transaction is running
/// ride together in the next one.
///
/// A caller that finds no batch running leads: it takes every write queued so far (its own is
/// the first), has them run in one transaction, then hands the lead to the first write queued
/// meanwhile and wakes the callers of its batch. So each caller waits for at most the batch
/// ahead of it and its own, and N concurrent writes cost one COMMIT and one write of each
/// shared page (the runs table's last leaf, its indexes) instead of N.
final class SQLiteGroupCommit: Sendable {
    /// The most writes one transaction carries, which bounds how long its first caller waits.
    static let maxBatch = 64

    private struct State {
        var queued: [SQLiteWrite] = []
        var leading = false
    }

    private let state = Mutex(State())
    private let totals = Mutex(SQLiteWriterStatistics())

    /// What the writer has done so far (read by `/metrics`).
    var statistics: SQLiteWriterStatistics { totals.withLock { $0 } }

    /// Returns once `write` has run in a batch that `runBatch` committed (or failed).
    func perform(_ write: SQLiteWrite, runBatch: ([SQLiteWrite]) -> Void) {
        let leads = state.withLock { state -> Bool in
            state.queued.append(write)
            if state.leading { return false }
            state.leading = true
            return true
        }
        if !leads, write.waitForTurn() == .done { return }
        // Invariant: whoever leads is the first queued write.
        let batch = state.withLock { state -> [SQLiteWrite] in
            let count = min(state.queued.count, Self.maxBatch)
            let batch = Array(state.queued.prefix(count))
            state.queued.removeFirst(count)
            return batch
        }
        let started = ContinuousClock.now
        runBatch(batch)
        let busy = ContinuousClock.now - started
        totals.withLock { totals in
            totals.batches += 1
            totals.writes += batch.count
            totals.busySeconds += Double(busy.components.seconds) + Double(busy.components.attoseconds) / 1e18
        }
        for finished in batch { finished.dropBody() }   // even those a failed BEGIN never ran
        let next = state.withLock { state -> SQLiteWrite? in
            if let first = state.queued.first { return first }
            state.leading = false
            return nil
        }
        next?.wake(.lead)
        for other in batch where other !== write { other.wake(.done) }
    }
}

/// The writer's totals: how many transactions (batches) it committed, how many writes they carried
/// (writes ÷ batches is how well group commit shares them), and the seconds it spent running them
/// (its utilisation: one writer busy all the time is where SQLite's write throughput ends).
public struct SQLiteWriterStatistics: Sendable, Equatable {
    public var batches = 0
    public var writes = 0
    public var busySeconds = 0.0
}

/// One caller's write: its body, the error it ended with, and how its caller is woken.
///
/// `error` is written by the leading thread before `wake` and read by the caller after its
/// wait returns; the semaphore orders the two, hence `@unchecked Sendable`.
final class SQLiteWrite: @unchecked Sendable {
    enum Turn: Sendable { case done, lead }

    /// Dropped once run: the caller's closure must not outlive its call (`withoutActuallyEscaping`).
    private var body: ((SQLiteConnection) throws -> Void)?
    var error: (any Error)?
    private var turn: Turn = .done
    private let semaphore = DispatchSemaphore(value: 0)

    init(_ body: @escaping (SQLiteConnection) throws -> Void) {
        self.body = body
    }

    /// Runs the body, once.
    func run(on connection: SQLiteConnection) throws {
        let body = self.body
        self.body = nil
        try body?(connection)
    }

    fileprivate func dropBody() {
        body = nil
    }

    fileprivate func waitForTurn() -> Turn {
        semaphore.wait()
        return turn
    }

    fileprivate func wake(_ turn: Turn) {
        self.turn = turn
        semaphore.signal()
    }
}

extension SQLiteConnection {
    /// Runs a batch in one `BEGIN IMMEDIATE ... COMMIT`, each write inside its own SAVEPOINT:
    /// a write that throws is rolled back alone and keeps its error; a failed COMMIT fails
    /// every write of the batch. Should an error end the whole transaction (SQLite does so on
    /// I/O errors or a full disk), the writes before it fail with that error, not silently.
    func run(_ batch: [SQLiteWrite]) {
        if batch.count == 1, let write = batch.first {
            do { try transaction(write: true) { try write.run(on: self) } } catch { write.error = error }
            return
        }
        var pending: [SQLiteWrite] = []   // run, waiting for the COMMIT
        var started = false
        for write in batch {
            do {
                if !started {
                    try begin(write: true)
                    started = true
                }
            } catch {
                write.error = error
                continue
            }
            do {
                try executeScript("SAVEPOINT swiftrack_write")
                try write.run(on: self)
                try executeScript("RELEASE swiftrack_write")
                pending.append(write)
            } catch {
                write.error = error
                if isInTransaction {
                    try? executeScript("ROLLBACK TO swiftrack_write")
                    try? executeScript("RELEASE swiftrack_write")
                } else {
                    for lost in pending { lost.error = error }
                    pending = []
                    started = false
                }
            }
        }
        guard started else { return }
        do {
            try commit()
        } catch {
            try? rollback()
            for lost in pending { lost.error = error }
        }
    }
}
