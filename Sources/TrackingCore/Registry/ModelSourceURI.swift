/// A model version source split as Python's `urllib.parse.urlparse` splits it (scheme, netloc, path),
/// so the registry's source checks see what MLflow's see.
public struct ModelSourceURI: Sendable, Equatable {
    /// Lowercased; "" for a plain path.
    public let scheme: String
    public let netloc: String
    public let path: String

    public init(_ uri: String) {
        var rest = Substring(uri)
        var scheme = ""
        if let colon = rest.firstIndex(of: ":"), colon != rest.startIndex,
           let first = rest.first, first.isASCII, first.isLetter,
           rest[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) {
            scheme = rest[..<colon].lowercased()
            rest = rest[rest.index(after: colon)...]
        }
        var netloc = ""
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex(where: { "/?#".contains($0) }) ?? afterSlashes.endIndex
            netloc = String(afterSlashes[..<end])
            rest = afterSlashes[end...]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if let question = rest.firstIndex(of: "?") { rest = rest[..<question] }
        self.scheme = scheme
        self.netloc = netloc
        self.path = String(rest)
    }

    /// `urlparse(...).hostname`: the netloc without user info and port, lowercased; nil when empty.
    public var hostname: String? {
        var host = Substring(netloc)
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        return host.isEmpty ? nil : host.lowercased()
    }
}

/// `urllib.parse.unquote` / `unquote_plus`: %XX escapes decoded as UTF-8 (invalid bytes replaced).
public enum PercentUnquote {
    public static func unquote(_ text: String, plusIsSpace: Bool = false) -> String {
        guard text.contains("%") || (plusIsSpace && text.contains("+")) else { return text }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count,
               let high = hex(utf8[index + 1]), let low = hex(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Unquotes until nothing changes (MLflow's `_iteratively_unquote`).
    public static func unquoteFully(_ text: String, plusIsSpace: Bool = false) -> String {
        var current = text
        for _ in 0..<32 {
            let next = unquote(current, plusIsSpace: plusIsSpace)
            if next == current { break }
            current = next
        }
        return current
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
