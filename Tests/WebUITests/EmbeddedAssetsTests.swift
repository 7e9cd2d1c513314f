import Foundation
import HTTPTransport
import Testing
@testable import WebUI

/// The table EmbedWebPlugin generates at build time holds exactly web/: every regular, non-hidden
/// file, nothing else, byte for byte, and the site serves each of them as written.
@Suite("WebUI: the embedded table is web/")
struct EmbeddedAssetsTests {
    static let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("web").path

    /// Every regular, non-hidden file under web/ (no symbolic links), by name relative to it.
    static func filesOnDisk() throws -> [String: [UInt8]] {
        var found: [String: [UInt8]] = [:]
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: web) else { return found }
        while let relative = walker.nextObject() as? String {
            let path = web + "/" + relative
            let parts = relative.split(separator: "/")
            guard !parts.contains(where: { $0.hasPrefix(".") }) else { continue }
            let attributes = try manager.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            found[relative] = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        return found
    }

    @Test func theTableHoldsEveryFileOfWebAndNothingElse() throws {
        let disk = try Self.filesOnDisk()
        #expect(disk.count > 10, "too few files found in \(Self.web)")
        let names = EmbeddedAssets.files.map(\.name)
        #expect(names == disk.keys.sorted(), "embedded \(names), on disk \(disk.keys.sorted())")
        for file in EmbeddedAssets.files {
            #expect(file.bytes == disk[file.name], "\(file.name) differs from web/\(file.name)")
        }
    }

    @Test func everyFileIsServedAsWritten() throws {
        let site = EmbeddedWebSite()
        for (name, bytes) in try Self.filesOnDisk() {
            let response = try #require(site.file(name, request: HTTPRequest(method: "GET", target: "/static-files/" + name)),
                                        "web/\(name) is not served")
            var expected = bytes
            if name == "index.html" {
                // The one rewrite: the page names its assets under the current version.
                expected = Array(String(decoding: bytes, as: UTF8.self)
                    .replacingOccurrences(of: AssetTable.versionPlaceholder, with: site.version).utf8)
                #expect(expected != bytes, "index.html no longer names \(AssetTable.versionPlaceholder)")
            }
            #expect(response.status == 200 && response.body == expected, "web/\(name) is served changed")
        }
    }

    @Test func aBinaryFileRoundTrips() throws {
        let disk = try Self.filesOnDisk()
        let icon = try #require(disk["apple-touch-icon.png"])
        let embedded = try #require(EmbeddedAssets.files.first { $0.name == "apple-touch-icon.png" })
        #expect(icon.count > 100 && embedded.bytes == icon)
        #expect(Array(icon.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    @Test func everyModuleThePagesImportIsEmbedded() {
        let names = Set(EmbeddedAssets.files.map(\.name))
        for file in EmbeddedAssets.files where file.name.hasSuffix(".js") {
            let text = String(decoding: file.bytes, as: UTF8.self)
            let folder = file.name.split(separator: "/").dropLast().map(String.init)
            for imported in Self.imports(in: text) {
                var parts = folder
                for piece in imported.split(separator: "/") {
                    if piece == ".." { parts.removeLast() } else if piece != "." { parts.append(String(piece)) }
                }
                #expect(names.contains(parts.joined(separator: "/")), "\(file.name) imports \(imported), which is not embedded")
            }
        }
    }

    /// The relative names in `from './x.js'` and `import('./x.js')`.
    static func imports(in text: String) -> [String] {
        var found: [String] = []
        for marker in ["from '", "import('"] {
            var rest = text[...]
            while let range = rest.range(of: marker) {
                let tail = rest[range.upperBound...]
                if let end = tail.firstIndex(of: "'") {
                    let name = String(tail[..<end])
                    if name.hasPrefix(".") { found.append(name) }
                    rest = tail[end...]
                } else { break }
            }
        }
        return found
    }
}
