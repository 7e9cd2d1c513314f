import Foundation

/// A file of web/ as the generator embeds it: its name relative to web/ (with `/`) and its bytes.
struct WebFile: Equatable {
    let name: String
    let bytes: [UInt8]
}

/// Why a generation failed; the build shows the message (a build tool has no MLflow error codes).
struct EmbedWebError: Error, CustomStringConvertible {
    let description: String
}

/// The Swift source of `EmbeddedAssets` (the table `Sources/WebUI` serves): one `EmbeddedAsset` per
/// file, sorted by name, as a raw multi-line literal when the file is text Swift keeps exactly, else
/// as base64.
enum AssetSource {
    /// Extensions whose files are tried as text; anything else (images, fonts) goes as base64.
    static let textExtensions: Set<String> = [".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".map"]

    static func generate(_ files: [WebFile]) throws -> String {
        var lines = [
            "// Generated at build time by the EmbedWeb build-tool plugin (Plugins/EmbedWebPlugin) from web/:",
            "// not in the source tree; edit web/ and build.",
            "",
            "/// The built-in UI's files as written in web/: each is text (UTF-8, as-is) or base64.",
            "enum EmbeddedAssets {",
            "    static let files: [EmbeddedAsset] = [",
        ]
        // By UTF-8 bytes, that is by code point: the order does not depend on Unicode equivalence.
        for file in files.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            let name = try swiftString(file.name)
            if let text = text(of: file) {
                lines.append("        EmbeddedAsset(name: \(name), text: \(literal(text))),")
            } else {
                lines.append("        EmbeddedAsset(name: \(name), base64: #\"\(Data(file.bytes).base64EncodedString())\"#),")
            }
        }
        lines += ["    ]", "}", ""]
        return lines.joined(separator: "\n")
    }

    /// The file as text a raw multi-line literal holds byte for byte, or nil (then it goes as base64):
    /// Swift normalises CR and CRLF line ends in literals, refuses most control characters, and a
    /// BOM or a Unicode line/paragraph separator is not worth the doubt.
    static func text(of file: WebFile) -> String? {
        guard textExtensions.contains(pathExtension(file.name)),
              let text = String(validating: file.bytes, as: UTF8.self) else { return nil }
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A: continue
            case 0x00..<0x20, 0x7F, 0xFEFF, 0x2028, 0x2029: return nil
            default: continue
            }
        }
        return text
    }

    /// A raw multi-line literal holding `text` exactly: enough `#` that no `"#…` or `\#…` inside closes
    /// it or starts an escape. Searched in UTF-8 bytes, not Characters: a `#` followed by a combining
    /// mark (the keycap emoji) is another Character but still a `#` to the Swift lexer.
    static func literal(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var hashes = 1
        while contains(bytes, [UInt8(ascii: "\"")] + Array(repeating: UInt8(ascii: "#"), count: hashes))
            || contains(bytes, [UInt8(ascii: "\\")] + Array(repeating: UInt8(ascii: "#"), count: hashes)) {
            hashes += 1
        }
        let mark = String(repeating: "#", count: hashes)
        return "\(mark)\"\"\"\n\(text)\n\"\"\"\(mark)"
    }

    /// A file name as a plain string literal; a name that would need escaping is refused, since
    /// web/ has no reason to hold one.
    static func swiftString(_ name: String) throws -> String {
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\"" || $0 == "\\" }) {
            throw EmbedWebError(description: "a file name Swift cannot hold plainly: \(name.debugDescription)")
        }
        return "\"\(name)\""
    }

    /// `.css` of `js/app.CSS` (lowercased); nothing for a name without one or whose only dot leads it.
    static func pathExtension(_ name: String) -> String {
        let base = name.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? name
        let stem = base.drop(while: { $0 == "." })
        guard let dot = stem.lastIndex(of: ".") else { return "" }
        return stem[dot...].lowercased()
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
