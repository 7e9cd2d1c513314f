/// Paths split and compared byte by byte, as the kernel reads them.
///
/// Swift's `String` splits and compares by Character (grapheme cluster) under canonical
/// equivalence: a `/` followed by a combining mark (`../\u{301}x`), or after a Prepend character
/// (`b\u{600}/..`), is one Character with its neighbour, so `split(separator: "/")` does not see
/// the `..` segment the kernel resolves; and `"caf\u{E9}" == "cafe\u{301}"` holds for two different
/// names on disk (break-in review 2 wrote outside the artifact root this way). Every check that
/// guards a path splits and compares here instead.
public enum PathSegments {
    private static let slash = UInt8(ascii: "/")

    /// `path`'s segments between `/` bytes (a `/` is one byte in UTF-8 and never part of another
    /// character's bytes, so every segment is whole text).
    public static func split(_ path: some StringProtocol, omittingEmpty: Bool = true) -> [Substring] {
        let text = Substring(path)
        return text.utf8.split(separator: slash, omittingEmptySubsequences: omittingEmpty).map { Substring($0) }
    }

    /// Whether a segment of `path` is `..` (or `.` too, with `orDot`).
    public static func climbs(_ path: some StringProtocol, orDot: Bool = false) -> Bool {
        split(path, omittingEmpty: false).contains { $0.utf8.elementsEqual("..".utf8) || (orDot && $0.utf8.elementsEqual(".".utf8)) }
    }

    /// The same bytes.
    public static func same(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// Whether `path` starts with the bytes of `prefix`.
    public static func hasPrefix(_ path: some StringProtocol, _ prefix: some StringProtocol) -> Bool {
        path.utf8.starts(with: prefix.utf8)
    }

    /// Whether `path` is `directory` or lies below it (`directory/...`), byte by byte.
    public static func isWithin(_ path: String, directory: String) -> Bool {
        guard hasPrefix(path, directory) else { return false }
        let rest = path.utf8.dropFirst(directory.utf8.count)
        return rest.isEmpty || rest.first == slash || directory.utf8.last == slash
    }

    /// `path` without its last segment (`a/b/c` -> `a/b`, `/a` -> `/`, `a` -> ``), by bytes.
    public static func parent(_ path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == slash { bytes.removeLast() }
        guard let cut = bytes.lastIndex(of: slash) else { return "" }
        return cut == 0 ? "/" : String(decoding: bytes[..<cut], as: UTF8.self)
    }

    /// `path`'s last segment, by bytes.
    public static func last(_ path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == slash { bytes.removeLast() }
        guard let cut = bytes.lastIndex(of: slash) else { return path }
        return String(decoding: bytes[(cut + 1)...], as: UTF8.self)
    }
}
