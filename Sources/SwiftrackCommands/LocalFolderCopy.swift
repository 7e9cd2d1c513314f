import Foundation
import TrackingCore

/// Copies a local artifacts folder for `swiftrack backup` / `restore`, counting what it copied.
enum LocalFolderCopy {
    struct Totals { var files = 0; var bytes: Int64 = 0 }

    /// A local directory from an artifacts destination (a path or `file://`); object stores are
    /// copied with their own tools (docs/DEPLOYMENT.md).
    static func localDirectory(_ destination: String) throws -> String {
        if destination.hasPrefix("file://") {
            return ServerOptions.absolutePath(String(destination.dropFirst("file://".count)))
        }
        guard !destination.contains("://") else {
            throw CommandFailure("--artifacts-destination \(destination) is not a local directory: copy an object "
                                 + "store with its own tool (mc mirror, aws s3 sync, gsutil rsync, azcopy; see docs/DEPLOYMENT.md)")
        }
        return ServerOptions.absolutePath(destination)
    }

    /// Whether `path` is missing or an empty directory.
    static func isAbsentOrEmpty(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return true }
        return (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true
    }

    /// Copies the tree at `source` to `destination` through a sibling `.partial` directory renamed
    /// into place when complete; `replacing` removes what `destination` held only then.
    static func copy(_ source: String, to destination: String, replacing: Bool = false) throws -> Totals {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("the artifacts folder \(source) does not exist")
        }
        let partial = destination + ".partial"
        try? manager.removeItem(atPath: partial)
        try manager.createDirectory(atPath: (destination as NSString).deletingLastPathComponent,
                                    withIntermediateDirectories: true)
        try manager.copyItem(atPath: source, toPath: partial)
        if manager.fileExists(atPath: destination) {
            guard replacing || isAbsentOrEmpty(destination) else {
                try? manager.removeItem(atPath: partial)
                throw CommandFailure("\(destination) is not empty (use --force to replace it)")
            }
            try manager.removeItem(atPath: destination)
        }
        try manager.moveItem(atPath: partial, toPath: destination)
        return totals(destination)
    }

    static func totals(_ root: String) -> Totals {
        var totals = Totals()
        guard let walker = FileManager.default.enumerator(atPath: root) else { return totals }
        while let relative = walker.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + relative)
            guard attributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            totals.files += 1
            totals.bytes += (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        }
        return totals
    }
}
