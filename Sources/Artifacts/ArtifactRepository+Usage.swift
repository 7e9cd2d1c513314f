/// How many files and bytes lie under a path, walked through `list` (any store).
public struct ArtifactUsage: Sendable, Equatable {
    public var files: Int
    public var bytes: Int64

    public init(files: Int = 0, bytes: Int64 = 0) {
        self.files = files
        self.bytes = bytes
    }

    public static func + (lhs: ArtifactUsage, rhs: ArtifactUsage) -> ArtifactUsage {
        ArtifactUsage(files: lhs.files + rhs.files, bytes: lhs.bytes + rhs.bytes)
    }
}

extension ArtifactRepository {
    /// Every file under `path` ("" is the root), counted level by level; zero when nothing is there.
    public func usage(under path: String) throws -> ArtifactUsage {
        var total = ArtifactUsage()
        var pending = [path]
        while let directory = pending.popLast() {
            for entry in try list(directory) {
                if entry.isDirectory {
                    pending.append(entry.path)
                } else {
                    total.files += 1
                    total.bytes += entry.fileSize ?? 0
                }
            }
        }
        return total
    }
}
