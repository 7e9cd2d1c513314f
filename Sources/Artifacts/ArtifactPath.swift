public import TrackingCore
import URLCoding

/// The one place that decides whether an artifact path from a request is allowed
/// (MLflow's `validate_path_is_safe`, and stricter): every artifact route calls it.
public enum ArtifactPath {
    /// Checks `path` and returns it normalised (`a//b/./c/` -> `a/b/c`; `.` and "" -> "").
    /// Refuses, with INVALID_PARAMETER_VALUE "Invalid path": names longer than 255 bytes, `..` segments, absolute paths,
    /// backslashes, NUL and control characters, `#`, `~` and drive letters, in the text as sent
    /// and after percent-decoding until it stops changing (so `%2e%2e` and `%252e%252e` are caught).
    public static func validated(_ path: String) throws(MLflowError) -> String {
        var decoded = path
        for _ in 0..<10 {
            let next = PercentDecoding.decode(decoded, plusIsSpace: false)
            if next == decoded { break }
            decoded = next
        }
        for var candidate in [path, decoded] {
            // A `file:` URI is checked as the local path it names (`file:///etc` is absolute).
            if candidate.lowercased().hasPrefix("file:") {
                candidate = String(candidate.dropFirst("file:".count))
                if candidate.hasPrefix("//") { candidate = "/" + candidate.dropFirst(2).drop { $0 != "/" } }
            }
            if isUnsafe(candidate) { throw MLflowError.invalidParameter("Invalid path") }
        }
        let safe = normalized(path)
        if safe.split(separator: "/").contains(where: { $0.utf8.count > maxNameBytes }) {
            throw MLflowError.invalidParameter("Invalid path: a name in it is longer than \(maxNameBytes) bytes")
        }
        return safe
    }

    /// The longest file or directory name (NAME_MAX of every Linux file system; MLflow answers 500
    /// past it). Object stores have no such limit, only one on the whole key (see `maxKeyBytes`).
    public static let maxNameBytes = 255

    /// The longest object key S3, GCS and Azure Blob take (1,024 bytes, UTF-8).
    public static let maxKeyBytes = 1_024

    /// Refuses an object key longer than the stores take, before any request is signed or sent.
    public static func checkObjectKey(_ key: String) throws(MLflowError) {
        guard key.utf8.count <= maxKeyBytes else {
            throw MLflowError.invalidParameter("Invalid path: the object key is longer than \(maxKeyBytes) bytes")
        }
    }

    private static func isUnsafe(_ candidate: String) -> Bool {
        if candidate.hasPrefix("/") || candidate.hasPrefix("~") { return true }
        if candidate.unicodeScalars.contains(where: { $0 == "#" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }) {
            return true
        }
        let scalars = Array(candidate.unicodeScalars)
        if scalars.count >= 2, scalars[1] == ":" { return true }
        return PathSegments.climbs(candidate)
    }

    /// Drops empty and `.` segments; the result never starts or ends with `/`.
    static func normalized(_ path: String) -> String {
        PathSegments.split(path).filter { !PathSegments.same($0, ".") }.joined(separator: "/")
    }

    /// `base/relative`, or `base` alone when `relative` is empty.
    public static func join(_ base: String, _ relative: String) -> String {
        guard !relative.isEmpty else { return base }
        guard !base.isEmpty else { return relative }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }
}
