import Foundation
import SQL
import Storage

/// `swiftrack import --from SOURCE_URI [--to DEST_URI]`: copies an MLflow database's metadata
/// into a new Swiftrack store, keeping every id.
enum ImportCommand {
    static let usage = """
        usage: swiftrack import --from SOURCE [--to DEST_URI | --backend-store-uri DEST_URI]

        SOURCE      an MLflow database at MLflow's latest schema: sqlite:///PATH, postgresql://..., mysql://...;
                    or an MLflow file store directory (./mlruns or file:///path/mlruns)
        DEST_URI    a new, empty Swiftrack store (default sqlite:///mlruns/mlflow.db); its schema is created

        Experiment ids, run ids, model names and versions are kept, so artifact locations and
        runs:/ URIs stay valid. Artifacts themselves are not copied. Exits 0 only when every
        table wrote as many rows as it read.
        """

    static func run(_ arguments: [String], environment: [String: String]) throws -> Int32 {
        let parsed = try Arguments(arguments, booleanFlags: ["help"])
        if parsed.has("help") { print(usage); return 0 }
        guard parsed.positional.isEmpty else {
            throw UsageError("import takes no positional arguments (got '\(parsed.positional[0])')\n\n\(usage)")
        }
        guard let from = parsed.value("from", environment: [:], variables: []), !from.isEmpty else {
            throw UsageError("import needs --from SOURCE_URI\n\n\(usage)")
        }
        let to = parsed.value("to", environment: [:], variables: [])
            ?? parsed.value("backend-store-uri", environment: [:], variables: [])
            ?? "sqlite:///mlruns/mlflow.db"
        if !from.contains("://") || from.hasPrefix("file://") {
            return try importFileStore(from, to: to)
        }
        let sourceURI: DatabaseURI
        do { sourceURI = try DatabaseURI(from) } catch {
            throw UsageError("invalid source URI '\(DatabaseURI.redacted(from))': \(error)")
        }
        if sourceURI.engine == .sqlite {
            // Opening a missing file would create an empty database: refuse instead.
            let path = sourceURI.path.hasPrefix("/") ? sourceURI.path : ServerOptions.absolutePath(sourceURI.path)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure("the source database \(path) does not exist")
            }
        }
        let source = try DatabaseComposition.open(from, poolSize: 1, poolTimeoutSeconds: 30, readers: 1)
        defer { source.close() }
        let destination = try DatabaseComposition.open(to, poolSize: 2, poolTimeoutSeconds: 30, readers: 1)
        defer { destination.close() }
        print("importing from \(source.description) into \(destination.description)")
        let started = Date()
        let report = try MLflowImporter(source: source.database, destination: destination.database).run()
        try destination.afterBulkLoad()
        return try finish(report, started: started)
    }

    /// `--from ./mlruns` or `--from file:///path/mlruns`: an MLflow file store directory.
    private static func importFileStore(_ from: String, to: String) throws -> Int32 {
        var path = from.hasPrefix("file://") ? String(from.dropFirst("file://".count)) : from
        if !path.hasPrefix("/") { path = ServerOptions.absolutePath(path) }
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("the source file store \(path) is not a directory")
        }
        let destination = try DatabaseComposition.open(to, poolSize: 2, poolTimeoutSeconds: 30, readers: 1)
        defer { destination.close() }
        print("importing from file store \(path) into \(destination.description)")
        let started = Date()
        let report = try MLflowFileStoreImporter(root: path, destination: destination.database).run()
        try destination.afterBulkLoad()
        return try finish(report, started: started)
    }

    private static func finish(_ report: MLflowImportReport, started: Date) throws -> Int32 {
        let seconds = Date().timeIntervalSince(started)
        print(report.rendered)
        let total = report.tables.reduce(0) { $0 + $1.written }
        print(String(format: "%d rows in %.1f s", total, seconds))
        guard report.succeeded else {
            let bad = report.tables.filter { !$0.matches }.map(\.name).joined(separator: ", ")
            throw CommandFailure("import incomplete: rows read and written differ for \(bad)")
        }
        print("import complete")
        return 0
    }
}
