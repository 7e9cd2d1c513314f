/// The pure comparison of what a store holds now with a seal's manifest: `swiftrack models verify`
/// reports it, and a download of a sealed file is refused on any mismatch of that file.
public enum SealMismatch: Sendable, Equatable, CustomStringConvertible {
    /// The file's bytes differ from the sealed ones (size or SHA-256).
    case changed(path: String, sealed: SealManifest.File, found: SealManifest.File)
    /// A sealed file is gone.
    case missing(path: String)
    /// A file that was not there when the version was sealed.
    case added(path: String)

    public var path: String {
        switch self {
        case .changed(let path, _, _), .missing(let path), .added(let path): return path
        }
    }

    public var kind: String {
        switch self {
        case .changed: return "changed"
        case .missing: return "missing"
        case .added: return "added"
        }
    }

    public var description: String {
        switch self {
        case .changed(let path, let sealed, let found):
            return "\(path): changed (sealed \(sealed.size) bytes, sha256 \(sealed.sha256); now \(found.size) bytes, "
                + "sha256 \(found.sha256))"
        case .missing(let path): return "\(path): missing"
        case .added(let path): return "\(path): added after sealing"
        }
    }
}

public enum SealVerification {
    /// Every difference between the manifest and the files found, in path order.
    public static func compare(_ manifest: SealManifest, found: [SealManifest.File]) -> [SealMismatch] {
        let present = found.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        var mismatches: [SealMismatch] = []
        for file in present {
            if let sealed = manifest.file(at: file.path) {
                if let mismatch = compare(sealed, found: file) { mismatches.append(mismatch) }
            } else {
                mismatches.append(.added(path: file.path))
            }
        }
        let foundPaths = Set(present.map { Array($0.path.utf8) })
        for sealed in manifest.files where !foundPaths.contains(Array(sealed.path.utf8)) {
            mismatches.append(.missing(path: sealed.path))
        }
        return mismatches.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// One file against its sealed entry: nil when size and SHA-256 match.
    public static func compare(_ sealed: SealManifest.File, found: SealManifest.File) -> SealMismatch? {
        sealed.size == found.size && sealed.sha256 == found.sha256 ? nil
            : .changed(path: sealed.path, sealed: sealed, found: found)
    }
}

/// Which sealed version, if any, a write or delete would touch: the written location lies within
/// a sealed version's artifact root, or contains it (deleting a parent folder). Locations are
/// compared by segments and bytes (`PathSegments`), after the caller put both in one form
/// (`mlflow-artifacts:` URIs as paths in the proxy's destination).
public enum SealedArea {
    public static func touching(_ written: String, _ sealed: [(seal: SealedLocation, key: String)]) -> SealedLocation? {
        let target = trimmed(written)
        return sealed.first { entry in
            let root = trimmed(entry.key)
            return PathSegments.isWithin(target, directory: root) || PathSegments.isWithin(root, directory: target)
        }?.seal
    }

    /// Without trailing `/` (a root of "" or "/" stays as it is: everything lies within it).
    public static func trimmed(_ location: String) -> String {
        var bytes = Array(location.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
