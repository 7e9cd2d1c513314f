#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Lifecycle
import Synchronization

/// A fixed set of threads running submitted jobs in FIFO order; blocking work belongs here,
/// never on libmicrohttpd's polling threads.
final class WorkerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State {
        /// A queue: taken slots are cleared at once, so a finished job releases what it captured.
        var jobs: [Job?] = []
        var head = 0
        var stopping = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    let threadCount: Int

    init(threads: Int) {
        threadCount = max(1, threads)
        for _ in 0..<threadCount {
            startThread { [self] in run() }
        }
    }

    func submit(_ job: @escaping Job) {
        state.withLock { $0.jobs.append(job) }
        available.signal()
    }

    /// Lets queued jobs finish, then ends the threads. Waits for them until `deadline` and says
    /// whether they all ended: a job still running then keeps its (detached) thread, and the
    /// caller goes on without it.
    @discardableResult
    func shutdown(deadline: ContinuousClock.Instant) -> Bool {
        state.withLock { $0.stopping = true }
        for _ in 0..<threadCount { available.signal() }
        for _ in 0..<threadCount where finished.wait(timeout: deadline.dispatchTime) == .timedOut { return false }
        return true
    }

    private func run() {
        while true {
            available.wait()
            let job: Job? = state.withLock { state in
                guard state.head < state.jobs.count else { return nil }
                let job = state.jobs[state.head]
                state.jobs[state.head] = nil
                state.head += 1
                if state.head == state.jobs.count {
                    state.jobs.removeAll(keepingCapacity: true)
                    state.head = 0
                } else if state.head > 1024, state.head * 2 > state.jobs.count {
                    state.jobs.removeFirst(state.head)
                    state.head = 0
                }
                return job
            }
            if let job {
                job()
                continue
            }
            if state.withLock({ $0.stopping }) { break }
        }
        finished.signal()
    }
}

private final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

private func startThread(_ body: @escaping () -> Void) {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { raw in
        guard let raw else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }, context)
    if result == 0 {
        pthread_detach(thread)
    } else {
        // No thread: run nothing and free the context; the pool is simply smaller.
        Unmanaged<ThreadBody>.fromOpaque(context).release()
    }
}
