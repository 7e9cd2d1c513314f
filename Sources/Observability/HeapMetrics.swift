/// What `/metrics` shows about the process heap (glibc's allocator), read at each scrape.
public struct HeapReading: Sendable {
    /// The allocator's arenas (the main one included); `MemoryPolicy` caps them at two.
    public var arenas: Int
    /// Bytes handed out to the program now, and bytes the heap holds free (not yet trimmed).
    public var inUseBytes: Double
    public var freeBytes: Double

    public init(arenas: Int, inUseBytes: Double, freeBytes: Double) {
        self.arenas = arenas
        self.inUseBytes = inUseBytes
        self.freeBytes = freeBytes
    }
}

extension ServerMetrics {
    /// Registers the heap series. Reading the arenas locks each one briefly: cheap at scrape rate.
    public func observeHeap(_ read: @escaping @Sendable () -> HeapReading) {
        _ = registry.gauge("swiftrack_heap_arenas", help: "Arenas of the process heap (glibc malloc).") {
            [(.none, Double(read().arenas))]
        }
        _ = registry.gauge("swiftrack_heap_bytes", help: "Process heap bytes, by state (in_use, free).") {
            let reading = read()
            return [(MetricLabels([("state", "in_use")]), reading.inUseBytes),
                    (MetricLabels([("state", "free")]), reading.freeBytes)]
        }
    }
}
