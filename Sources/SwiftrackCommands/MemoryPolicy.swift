import CMalloc
import Lifecycle

/// How the server's process holds its heap (glibc's allocator).
///
/// glibc gives a thread that finds the arenas busy an arena of its own, up to 8 per core, and an
/// arena keeps what was freed in it. After a load of 16 clients mixing large history answers with
/// run writes, the anonymous memory stayed at 50 MB with the default and 28.5 MB with two arenas
/// (each thread's own cache, tcache, still serves most allocations without a lock); a periodic
/// `malloc_trim` hands freed pages at the top and inside each arena back to the kernel, so a burst's
/// memory is returned once it has passed.
enum MemoryPolicy {
    static let arenas: Int32 = 2

    /// Call once, before the server's threads start.
    static func apply() {
        _ = mallopt(M_ARENA_MAX, arenas)
    }

    /// Returns the heap's free pages to the kernel every `interval` seconds.
    static func trimmer(interval: Double = 10) -> PeriodicService {
        PeriodicService("malloc-trim", interval: interval) { _ = malloc_trim(0) }
    }
}
