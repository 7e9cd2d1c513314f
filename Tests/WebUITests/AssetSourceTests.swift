import Foundation
import Testing
@testable import EmbedWeb

/// EmbedWeb's quoting: which files go as text, how many `#` their raw literal needs, and (with the
/// real compiler) that what it writes compiles back to the very bytes it was given.
@Suite("EmbedWeb: the generated literals")
struct AssetSourceTests {
    private func file(_ name: String, _ text: String) -> WebFile { WebFile(name: name, bytes: Array(text.utf8)) }

    @Test func theLiteralHasMoreHashesThanAnyQuoteOrBackslashInside() {
        #expect(AssetSource.literal("plain \"quoted\" text") == "#\"\"\"\nplain \"quoted\" text\n\"\"\"#")
        #expect(AssetSource.literal("a triple \"\"\" quote").hasPrefix("#\"\"\"\n"))
        #expect(AssetSource.literal("color: \"#fff\"").hasPrefix("##\"\"\"\n"))
        #expect(AssetSource.literal("not \\#(interpolated)").hasPrefix("##\"\"\"\n"))
        #expect(AssetSource.literal("\"## and \\#").hasSuffix("\n\"\"\"###"))
        // A keycap emoji is `#` plus combining marks: one Character, but the lexer still sees `"#`.
        #expect(AssetSource.literal("\"#\u{FE0F}\u{20E3}").hasPrefix("##\"\"\"\n"))
    }

    @Test func whatSwiftWouldNotKeepExactlyGoesAsBase64() {
        for text in ["crlf\r\nline", "lone\rcr", "nul\u{0}", "bell\u{7}", "delete\u{7F}", "\u{FEFF}bom",
                     "line\u{2028}separator", "paragraph\u{2029}separator"] {
            #expect(AssetSource.text(of: file("x.js", text)) == nil, "\(text.debugDescription)")
        }
        #expect(AssetSource.text(of: WebFile(name: "x.js", bytes: [0x61, 0xFF, 0xFE, 0x62])) == nil)
        #expect(AssetSource.text(of: WebFile(name: "x.js", bytes: [0xED, 0xA0, 0x80])) == nil, "a UTF-8 surrogate")
        #expect(AssetSource.text(of: file("icon.png", "plain")) == nil)
        #expect(AssetSource.text(of: file("README", "plain")) == nil)
        #expect(AssetSource.text(of: file("js/App.JS", "tab\tand\nnewline \u{E9}\u{1F600}")) == "tab\tand\nnewline \u{E9}\u{1F600}")
    }

    @Test func extensionsAsTheTextRuleReadsThem() {
        #expect(AssetSource.pathExtension("js/app.CSS") == ".css")
        #expect(AssetSource.pathExtension("a.tar.gz") == ".gz")
        #expect(AssetSource.pathExtension("dir.js/README") == "")
        #expect(AssetSource.pathExtension(".js") == "")
        #expect(AssetSource.pathExtension("..a.js") == ".js")
    }

    @Test func namesThatWouldNeedEscapingAreRefused() throws {
        for name in ["a\"b.js", "a\\b.js", "a\nb.js", "a\rb.js", "a\u{1}b.js"] {
            #expect(throws: EmbedWebError.self, "\(name.debugDescription)") { try AssetSource.generate([file(name, "x")]) }
        }
        let source = try AssetSource.generate([file("js/b.js", "b"), file("a.css", "a"), file("js/\u{E9}.js", "e")])
        let names = source.split(separator: "\n").filter { $0.contains("EmbeddedAsset(name:") }
            .map { $0.split(separator: "\"")[1] }
        #expect(names == ["a.css", "js/b.js", "js/\u{E9}.js"])
    }

    /// The generated source compiled by the real compiler gives back every file's bytes exactly.
    @Test func theGeneratedSourceCompilesToTheSameBytes() throws {
        let files = [
            file("quotes.js", "const a = \"#x\"; const b = '\\#(y)'; const c = \"\"\"\n\"##\"\n"),
            file("keycap.txt", "\"#\u{FE0F}\u{20E3} and \\#\u{20E3}"),
            file("indented.css", "  leading spaces\n\ttab\n\n"),
            file("backslash.js", "ends with a backslash \\\n\\"),
            file("empty.json", ""),
            file("newlines.txt", "\n\n"),
            file("unicode.html", "\u{E9}\u{1F600} \u{202E}rtl"),
            file("crlf.js", "a\r\nb"),
            file("controls.js", "\u{0}\u{1B}[0m\u{7F}"),
            file("bom.css", "\u{FEFF}body {}"),
            WebFile(name: "latin1.js", bytes: [0x63, 0x61, 0x66, 0xE9]),
            WebFile(name: "img/icon.png", bytes: Array(0...255)),
        ]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embedweb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try AssetSource.generate(files).write(to: folder.appendingPathComponent("Generated.swift"), atomically: true, encoding: .utf8)
        // WebUI's EmbeddedAsset in miniature, and a main that prints each name with its bytes in base64.
        try """
            import Foundation
            struct EmbeddedAsset {
                let name: String
                let bytes: [UInt8]
                init(name: String, text: String) { self.name = name; self.bytes = Array(text.utf8) }
                init(name: String, base64: String) { self.name = name; self.bytes = Array(Data(base64Encoded: base64) ?? Data()) }
            }
            for file in EmbeddedAssets.files { print(file.name, Data(file.bytes).base64EncodedString()) }

            """.write(to: folder.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
        let swiftc = try #require(Self.inPath("swiftc"), "no swiftc in PATH")
        let program = folder.appendingPathComponent("roundtrip").path
        let compiled = try Self.run(swiftc, ["-o", program, folder.appendingPathComponent("main.swift").path,
                                             folder.appendingPathComponent("Generated.swift").path])
        #expect(compiled.status == 0, "\(compiled.output)")
        let printed = try Self.run(program, []).output
        let expected = files.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            .map { "\($0.name) \(Data($0.bytes).base64EncodedString())\n" }.joined()
        #expect(printed == expected)
    }

    static func inPath(_ tool: String) -> String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return folders.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
