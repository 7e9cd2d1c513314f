import Foundation
import PackagePlugin

/// Embeds the built-in UI (the package's web/ folder) into the target it is applied to (WebUI): one
/// build command runs the EmbedWeb tool, which writes `EmbeddedAssets.swift` into the plugin's work
/// directory, and SwiftPM compiles that file with the target.
///
/// SwiftPM runs this plugin only when it plans a build (after a change to Package.swift or to the
/// file list of a target's folder; web/ is no target's), not on every build, so the command's inputs
/// are what keeps the table fresh: every file under web/, so an edit regenerates; every folder, whose
/// date changes when a file is added, removed or renamed in it, so the generator (which walks web/
/// itself) embeds a new file; the list of the files declared here, which EmbedWeb touches while
/// web/ holds a file this plan does not know (so it runs again on the next build and an edit of the
/// new file is not missed); and the tool. A build with nothing changed runs nothing. Deleting a
/// declared file stops the build with SwiftPM's "missing inputs" until a plan (`touch Package.swift`).
@main
struct EmbedWebPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let web = context.package.directoryURL.appending(path: "web", directoryHint: .isDirectory)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedAssets.swift")
        let tool = try context.tool(named: "EmbedWeb").url
        var files: [(name: String, url: URL)] = []
        var folders = [web]
        try Self.walk(web, files: &files, folders: &folders)
        let planned = context.pluginWorkDirectoryURL.appending(path: "planned-files.txt")
        let list = Data(files.map { $0.name + "\n" }.joined().utf8)
        // Rewritten only when it differs, so planning again with the same files runs nothing.
        if (try? Data(contentsOf: planned)) != list {
            try list.write(to: planned, options: .atomic)
        }
        return [
            .buildCommand(
                displayName: "Embedding the web folder into \(target.name)",
                executable: tool,
                arguments: [web.path(percentEncoded: false), output.path(percentEncoded: false),
                            planned.path(percentEncoded: false)],
                inputFiles: [tool, planned] + folders + files.map(\.url),
                outputFiles: [output]),
        ]
    }

    /// The regular, non-hidden files (by name relative to web/, with `/`) and the folders under
    /// `folder`, as EmbedWeb's WebFolder reads them (hidden names and symbolic links are left out at
    /// any depth).
    static func walk(_ folder: URL, prefix: String = "", files: inout [(name: String, url: URL)],
                     folders: inout [URL]) throws {
        let manager = FileManager.default
        for name in try manager.contentsOfDirectory(atPath: folder.path(percentEncoded: false)).sorted()
        where !name.hasPrefix(".") {
            let url = folder.appending(path: name)
            // attributesOfItem does not follow a link (lstat), so a link is seen as one.
            switch try manager.attributesOfItem(atPath: url.path(percentEncoded: false))[.type] as? FileAttributeType {
            case .typeRegular?: files.append((prefix + name, url))
            case .typeDirectory?:
                folders.append(url)
                try walk(url, prefix: prefix + name + "/", files: &files, folders: &folders)
            default: continue
            }
        }
    }
}
