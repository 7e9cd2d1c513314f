import Foundation
import TrackingCore

/// Artifacts in a directory on local disk. Paths that resolve outside the root through a
/// symbolic link are refused as "Invalid path".
public struct LocalArtifactRepository: ArtifactRepository {
    public let root: String

    /// `root` is a plain path or a `file://` URI.
    public init(root: String) {
        self.root = LocalArtifactRepository.directory(fromURI: root)
    }

    static func directory(fromURI uri: String) -> String {
        guard uri.hasPrefix("file:") else { return uri }
        var rest = String(uri.dropFirst("file:".count))
        if rest.hasPrefix("//") { rest = String(rest.dropFirst(2).drop { $0 != "/" }) }
        return rest.removingPercentEncoding ?? rest
    }

    public func list(_ path: String) throws -> [ArtifactFileInfo] {
        let directory = try resolved(path)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        let names = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().compactMap { name in
            let full = directory + "/" + name
            guard let attributes = try? manager.attributesOfItem(atPath: full) else { return nil }
            let type = attributes[.type] as? FileAttributeType
            let isDir = type == .typeDirectory
            let size = (attributes[.size] as? NSNumber)?.int64Value
            return ArtifactFileInfo(path: ArtifactPath.join(path, name), isDirectory: isDir, fileSize: isDir ? nil : size)
        }
    }

    public func fetch(_ path: String, temporaryDirectory: String) throws -> LocalArtifactFile {
        let file = try resolved(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw MLflowError.notFound("No such file or directory: '\(path)'")
        }
        if isDirectory.boolValue {
            throw MLflowError.invalidParameter("Artifact path refers to a directory, not a file: '\(path)'")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0
        return LocalArtifactFile(path: file, size: size, isTemporary: false)
    }

    public func store(localPath: String, as path: String) throws {
        let destination = try resolved(path)
        let manager = FileManager.default
        let parent = (destination as NSString).deletingLastPathComponent
        do {
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            // The parent may only now exist: check again that no link leads out of the root.
            _ = try resolved(path)
            if rename(localPath, destination) != 0 {
                // Another file system: copy, then remove the source.
                if manager.fileExists(atPath: destination) { try manager.removeItem(atPath: destination) }
                try manager.copyItem(atPath: localPath, toPath: destination)
                try? manager.removeItem(atPath: localPath)
            }
        } catch let error as MLflowError {
            throw error
        } catch {
            throw MLflowError.internalError("Cannot store artifact '\(path)': \(error.localizedDescription)")
        }
    }

    public func delete(_ path: String) throws {
        let target = try resolved(path)
        guard FileManager.default.fileExists(atPath: target) else { return }
        do {
            if path.isEmpty {
                for name in try FileManager.default.contentsOfDirectory(atPath: target) {
                    try FileManager.default.removeItem(atPath: target + "/" + name)
                }
            } else {
                try FileManager.default.removeItem(atPath: target)
            }
        } catch {
            throw MLflowError.internalError("Cannot delete artifact '\(path)': \(error.localizedDescription)")
        }
    }

    /// The absolute file path of `path` under the root; refuses a path whose deepest existing
    /// ancestor resolves (through symbolic links) outside the root.
    func resolved(_ path: String) throws -> String {
        let candidate = ArtifactPath.join(root, path)
        // A NUL would end the path where the C library reads it: the file opened would be a prefix.
        guard !candidate.utf8.contains(0) else { throw MLflowError.invalidParameter("Invalid path") }
        let realRoot = Self.realPath(root) ?? root
        var probe = candidate
        var suffix: [String] = []
        while Self.realPath(probe) == nil, probe.count > root.count {
            suffix.insert((probe as NSString).lastPathComponent, at: 0)
            probe = (probe as NSString).deletingLastPathComponent
        }
        guard let realProbe = Self.realPath(probe) else { return candidate }
        let real = ([realProbe] + suffix).joined(separator: "/")
        guard real == realRoot || real.hasPrefix(realRoot.hasSuffix("/") ? realRoot : realRoot + "/") else {
            throw MLflowError.invalidParameter("Invalid path")
        }
        return candidate
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
