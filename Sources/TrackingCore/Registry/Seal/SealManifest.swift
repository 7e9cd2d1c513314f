/// What a sealed model version holds: every file's path (relative to the version's artifact root),
/// size and SHA-256, in one canonical text that the seal's digest covers.
///
/// The canonical text is a header line, then one line per file, `<sha256 hex> <size> <path>`,
/// sorted by the path's UTF-8 bytes, each ending in `\n`: a deployment system can rebuild it from
/// the files it pulled with `sha256sum` and `stat` and compare the digest (`swiftrack.seal.digest`).
public struct SealManifest: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var path: String
        public var size: Int64
        /// Lower-case hex.
        public var sha256: String

        public init(path: String, size: Int64, sha256: String) {
            self.path = path
            self.size = size
            self.sha256 = sha256
        }
    }

    public static let header = "swiftrack-seal-manifest 1"
    /// A version with more files is not sealed (its manifest is kept in one row and read whole).
    public static let maxFiles = 100_000

    /// Sorted by the path's bytes, each path once.
    public let files: [File]

    /// Sorts the files; refuses a path that the text form could not carry unambiguously (empty,
    /// a control character, `\`, a leading `/`, a `.` or `..` segment), a repeated path, and more
    /// than `maxFiles` files.
    public init(files: [File]) throws {
        guard files.count <= Self.maxFiles else {
            throw MLflowError(.invalidState, "The version holds \(files.count) files; a seal covers at most \(Self.maxFiles).")
        }
        let sorted = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        for (index, file) in sorted.enumerated() {
            try Self.check(file)
            if index > 0, PathSegments.same(sorted[index - 1].path, file.path) {
                throw MLflowError(.invalidState, "The file '\(file.path)' is listed twice in the version's artifacts.")
            }
        }
        self.files = sorted
    }

    /// The text the digest covers.
    public var canonicalText: String {
        var text = Self.header + "\n"
        for file in files { text += "\(file.sha256) \(file.size) \(file.path)\n" }
        return text
    }

    /// Reads `canonicalText` back (the stored manifest); anything else is refused.
    public init(parsing text: String) throws {
        let corrupt = MLflowError.internalError("The stored seal manifest is not in its canonical form.")
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
        guard lines.first.map({ PathSegments.same($0, Self.header) }) == true, lines.last?.isEmpty == true else { throw corrupt }
        lines.removeFirst()
        lines.removeLast()
        var files: [File] = []
        files.reserveCapacity(lines.count)
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].utf8.count == 64, let size = Int64(parts[1]), size >= 0 else { throw corrupt }
            files.append(File(path: String(parts[2]), size: size, sha256: String(parts[0])))
        }
        try self.init(files: files)
        guard canonicalText.utf8.elementsEqual(text.utf8) else { throw corrupt }
    }

    /// The entry of `path`, compared byte by byte.
    public func file(at path: String) -> File? {
        var low = 0
        var high = files.count
        while low < high {
            let middle = (low + high) / 2
            if files[middle].path.utf8.lexicographicallyPrecedes(path.utf8) { low = middle + 1 } else { high = middle }
        }
        return low < files.count && PathSegments.same(files[low].path, path) ? files[low] : nil
    }

    public var totalBytes: Int64 { files.reduce(0) { $0 + $1.size } }

    private static func check(_ file: File) throws {
        let path = file.path
        let refused = path.isEmpty || path.hasPrefix("/") || path.utf8.contains { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\\") }
            || PathSegments.climbs(path, orDot: true) || PathSegments.split(path, omittingEmpty: false).contains { $0.isEmpty }
        if refused {
            throw MLflowError(.invalidState, "The artifact path '\(path.debugDescription.dropFirst().dropLast())' cannot be "
                              + "sealed (empty segments, control characters, backslashes and dot segments are not).")
        }
        guard file.size >= 0, file.sha256.utf8.count == 64,
              file.sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw MLflowError.internalError("The seal entry of '\(path)' has no valid size and SHA-256.")
        }
    }
}
