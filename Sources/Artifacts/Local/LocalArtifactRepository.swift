import Foundation
import TemporaryFiles
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
        return LocalArtifactFile(path: file, size: size)
    }

    public func store(localPath: String, as path: String) throws {
        let destination = try resolved(path)
        let parent = PathSegments.parent(destination)
        try makeDirectories(parent, for: path)
        // The parent may only now exist: check again that no link leads out of the root.
        _ = try resolved(path)
        if rename(localPath, destination) == 0 { return }
        let code = errno
        // Only another file system is worth a copy; anything else is the path's fault or the disk's.
        guard code == EXDEV else { throw Self.storeError(code, path: path) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory) {
            // Never remove a directory to put a file in its place (that would delete its artifacts).
            guard !isDirectory.boolValue else { throw Self.storeError(EISDIR, path: path) }
        }
        do {
            // Owned from the start: a copy that fails halfway (a full disk) removes what it wrote;
            // after the rename the name is gone and the owner removes nothing.
            let staged = TemporaryFile(path: parent + "/.upload-" + UUID().uuidString)
            try FileManager.default.copyItem(atPath: localPath, toPath: staged.path)
            guard rename(staged.path, destination) == 0 else {
                throw Self.storeError(errno, path: path)
            }
            try? FileManager.default.removeItem(atPath: localPath)
        } catch let error as MLflowError {
            throw error
        } catch {
            throw MLflowError.internalError("Cannot store artifact '\(path)': \(error.localizedDescription)")
        }
    }

    /// Creates `directory` and its missing ancestors under the root, one `mkdir` at a time, so a
    /// file standing where a directory is needed is told apart from a fault of the disk.
    private func makeDirectories(_ directory: String, for path: String) throws {
        var missing: [String] = []
        var probe = directory
        while !probe.isEmpty, probe != "/", !Self.isDirectory(probe) {
            missing.append(probe)
            probe = PathSegments.parent(probe)
        }
        for created in missing.reversed() where mkdir(created, 0o777) != 0 {
            let code = errno
            if code == EEXIST, Self.isDirectory(created) { continue } // made meanwhile by another upload
            throw Self.storeError(code == EEXIST ? ENOTDIR : code, path: path)
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// What a failed store means: the path's own faults are INVALID_PARAMETER_VALUE (MLflow answers
    /// 500 for them all); the rest are the server's.
    static func storeError(_ code: Int32, path: String) -> MLflowError {
        switch code {
        case ENAMETOOLONG:
            return .invalidParameter("Invalid path '\(path)': a name in it is too long")
        case ENOTDIR:
            return .invalidParameter("Invalid path '\(path)': a part of it is an existing file, not a directory")
        case EISDIR, EEXIST, ENOTEMPTY:
            return .invalidParameter("Invalid path '\(path)': it is an existing directory")
        default:
            return .internalError("Cannot store artifact '\(path)': \(String(cString: strerror(code)))")
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
        while Self.realPath(probe) == nil, probe.utf8.count > root.utf8.count {
            suffix.insert(PathSegments.last(probe), at: 0)
            probe = PathSegments.parent(probe)
        }
        guard let realProbe = Self.realPath(probe) else { return candidate }
        let real = ([realProbe] + suffix).joined(separator: "/")
        // A `..` left in the missing part would climb once made: the proxy refuses those already.
        guard !suffix.contains(where: { PathSegments.same($0, "..") }),
              PathSegments.isWithin(real, directory: realRoot) else {
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
