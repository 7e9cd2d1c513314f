import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one owner of a temporary file: a remote artifact's download, a sealed file's checked copy.
/// The file lives as long as some value holds this owner; when the last holder lets go, whichever
/// way that happens (the response was sent, answered 416 without its body, replaced by an error,
/// or dropped with a client that hung up while its handler ran), the file is removed. A flag
/// passed beside a path ("delete after opening") leaked the file on every path that did not reach
/// the one place that read the flag.
///
/// A sender that has opened the file calls `removeName()` at once: the open descriptor keeps the
/// bytes and nothing else can reach them. What the owner `hold`s (a reservation of the disk the
/// bytes take) is released only with the owner, which the sender keeps until the descriptor is
/// closed, since an unlinked file's blocks are freed only then.
public final class TemporaryFile: Sendable {
    public let path: String
    private let state = Mutex(State())

    private struct State {
        var named = true
        var held: [any AnyObject & Sendable] = []
    }

    /// Takes ownership of `path` (which need not exist yet: a download writes it after this).
    public init(path: String) {
        self.path = path
    }

    /// Removes the file's name now (once; later calls do nothing). Descriptors already open still read it.
    public func removeName() {
        let wasNamed = state.withLock { state in
            defer { state.named = false }
            return state.named
        }
        if wasNamed { unlink(path) }
    }

    /// Keeps `object` alive until this owner is released (after the name is removed).
    public func hold(_ object: any AnyObject & Sendable) {
        state.withLock { $0.held.append(object) }
    }

    deinit {
        removeName()
    }
}
