#if canImport(Glibc)
import Glibc
#endif

/// Boxes a thread's body for pthread_create's context pointer.
private final class ThreadBody: @unchecked Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// Starts a plain OS thread (small stack: hundreds of clients are fine).
func spawnThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    var tid = pthread_t()
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    defer { pthread_attr_destroy(&attr) }
    pthread_attr_setstacksize(&attr, 512 * 1024)
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    let rc = pthread_create(&tid, &attr, { raw in
        Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().run()
        return nil
    }, box)
    return rc == 0 ? tid : nil
}
