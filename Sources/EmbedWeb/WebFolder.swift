import Foundation

/// What the binary holds of web/: every regular, non-hidden file at any depth. Hidden names (editor
/// and OS droppings) and symbolic links (which could reach outside web/) are left out.
/// Plugins/EmbedWebPlugin declares its inputs by the same rule (a plugin cannot share code with a
/// target); the generator walks the folder itself so that a file added since the build was planned
/// is embedded too.
enum WebFolder {
    static func files(under folder: URL) throws -> [WebFile] {
        try names(under: folder).map { name in
            WebFile(name: name, bytes: Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    /// The files' names relative to `folder`, with `/`, sorted by code point.
    static func names(under folder: URL, prefix: String = "") throws -> [String] {
        let manager = FileManager.default
        var found: [String] = []
        for name in try manager.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            // attributesOfItem does not follow a link (lstat), so a link is seen as one and skipped.
            switch try manager.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType {
            case .typeRegular?: found.append(prefix + name)
            case .typeDirectory?: found += try names(under: url, prefix: prefix + name + "/")
            default: continue
            }
        }
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
