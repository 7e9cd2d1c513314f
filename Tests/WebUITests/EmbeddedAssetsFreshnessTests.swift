import Foundation
import Testing
@testable import WebUI

/// The generated EmbeddedAssets.swift must hold exactly what web/ holds: a change to web/ without
/// `scripts/embed-web` fails here, so it cannot land.
@Suite("WebUI: the generated file matches web/")
struct EmbeddedAssetsFreshnessTests {
    static let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("web").path

    /// Every regular, non-hidden file under web/, by name relative to it.
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

    @Test func theGeneratedFileIsNotStale() throws {
        let disk = try Self.filesOnDisk()
        #expect(!disk.isEmpty, "no web/ folder at \(Self.web)")
        let embedded = Dictionary(EmbeddedAssets.files.map { ($0.name, $0.bytes) }, uniquingKeysWith: { first, _ in first })
        let missing = Set(disk.keys).subtracting(embedded.keys).sorted()
        let extra = Set(embedded.keys).subtracting(disk.keys).sorted()
        let changed = disk.keys.filter { embedded[$0] != nil && embedded[$0] != disk[$0] }.sorted()
        #expect(missing.isEmpty && extra.isEmpty && changed.isEmpty,
                "Sources/WebUI/EmbeddedAssets.swift is stale (run scripts/embed-web): new \(missing), gone \(extra), changed \(changed)")
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
