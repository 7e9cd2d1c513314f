import Foundation

// The generator behind Plugins/EmbedWebPlugin:
//
//     EmbedWeb WEB-FOLDER OUTPUT PLANNED-LIST
//
// writes the Swift source of `EmbeddedAssets` (every file WebFolder finds under WEB-FOLDER) to OUTPUT.
// PLANNED-LIST holds the names the plugin declared as inputs when SwiftPM last planned the build.
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: EmbedWeb WEB-FOLDER OUTPUT PLANNED-LIST\n".utf8))
    exit(2)
}
let folder = URL(fileURLWithPath: arguments[0], isDirectory: true)
let output = URL(fileURLWithPath: arguments[1])
let planned = URL(fileURLWithPath: arguments[2])
do {
    let files = try WebFolder.files(under: folder)
    guard !files.isEmpty else { throw EmbedWebError(description: "no files to embed in \(folder.path)") }
    let source = Data(try AssetSource.generate(files).utf8)
    // Unchanged output keeps its date, so WebUI is not compiled again for nothing.
    if (try? Data(contentsOf: output)) != source {
        try source.write(to: output, options: .atomic)
    }
    let list = try Data(contentsOf: planned)
    let declared = Set(String(decoding: list, as: UTF8.self).split(separator: "\n").map(String.init))
    let unknown = files.map(\.name).filter { !declared.contains($0) }
    if !unknown.isEmpty {
        // The plan does not watch these files: rewriting the list (an input) makes SwiftPM run this
        // again on the next build, until it plans again and the plugin declares them.
        try list.write(to: planned, options: .atomic)
        FileHandle.standardError.write(Data(("EmbedWeb: embedded \(unknown.joined(separator: ", ")), new in web/ since SwiftPM "
            + "planned this build; this step runs on every build until it plans again (touch Package.swift)\n").utf8))
    }
} catch {
    FileHandle.standardError.write(Data("EmbedWeb: \(error)\n".utf8))
    exit(1)
}
