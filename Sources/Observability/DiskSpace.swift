import Glibc

/// Free and total bytes of the file system holding a path (statvfs), for the local stores' series.
public enum DiskSpace {
    public struct Reading: Sendable, Equatable {
        public let freeBytes: Double
        public let totalBytes: Double
    }

    /// The reading for `path`, or its nearest existing ancestor's (a store folder made later); nil when unreadable.
    public static func reading(_ path: String) -> Reading? {
        var candidate = path.isEmpty ? "." : path
        while true {
            var stats = statvfs()
            if statvfs(candidate, &stats) == 0 {
                let block = Double(stats.f_frsize)
                return Reading(freeBytes: Double(stats.f_bavail) * block, totalBytes: Double(stats.f_blocks) * block)
            }
            guard let slash = candidate.lastIndex(of: "/"), candidate != "/" else { return nil }
            candidate = slash == candidate.startIndex ? "/" : String(candidate[..<slash])
        }
    }
}

extension ServerMetrics {
    /// `swiftrack_local_store_free_bytes` / `_size_bytes` for each local store (`store` label:
    /// artifacts, database, audit), read at each scrape; the disk-space alert watches them.
    public func watchDiskSpace(_ stores: [(store: String, path: String)]) {
        guard !stores.isEmpty else { return }
        _ = registry.gauge("swiftrack_local_store_free_bytes",
                           help: "Bytes free to unprivileged writers on the file system of each local store.") {
            stores.compactMap { entry in
                DiskSpace.reading(entry.path).map { (MetricLabels([("store", entry.store)]), $0.freeBytes) }
            }
        }
        _ = registry.gauge("swiftrack_local_store_size_bytes",
                           help: "Size in bytes of the file system of each local store.") {
            stores.compactMap { entry in
                DiskSpace.reading(entry.path).map { (MetricLabels([("store", entry.store)]), $0.totalBytes) }
            }
        }
    }
}
