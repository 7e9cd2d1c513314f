import HTTPServer
import JSON
import Storage
import TrackingCore
#if canImport(Glibc)
import Glibc
#endif

/// artifacts/list for a run whose artifact root is on local disk.
struct ArtifactListRoutes {
    let store: any TrackingStore

    var routes: [Route] {
        [Route("GET", "/mlflow/artifacts/list", list)]
    }

    func list(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let runId = try fields.runId()
        let requested = try fields.string("path").flatMap { $0.isEmpty ? nil : $0 }
        if let requested { try ArtifactPath.validate(requested) }
        // MLflow lists `normpath(path)`: "sub/" and "./sub" answer "sub/...", "." the root.
        let relative = requested.map { $0.split(separator: "/").filter { $0 != "." }.joined(separator: "/") }
            .flatMap { $0.isEmpty ? nil : $0 }
        let run = try store.getRun(id: runId)
        var members: [(String, JSONValue)] = [("root_uri", .string(run.info.artifactUri))]
        if let root = LocalArtifactRoot(uri: run.info.artifactUri) {
            let files = root.list(relative)
            if !files.isEmpty { members.append(("files", .array(files))) }
        }
        return jsonResponse(.object(members))
    }
}

/// MLflow's `validate_path_is_safe`: no `..`, no absolute paths, no encoded tricks.
enum ArtifactPath {
    static func validate(_ path: String) throws(MLflowError) {
        // MLflow decodes until the text stops changing (at most 10 rounds): `%252e%252e` hides `..` too.
        var decoded = path
        for _ in 0..<10 {
            let next = PercentDecoding.decode(decoded, plusIsSpace: false)
            if next == decoded { break }
            decoded = next
        }
        for var candidate in [path, decoded] {
            if candidate.contains("#") { throw MLflowError.invalidParameter("Invalid path") }
            // A `file:` URI is checked as the local path it names (`file:///etc` is absolute).
            if candidate.lowercased().hasPrefix("file:") {
                candidate = String(candidate.dropFirst("file:".count))
                if candidate.hasPrefix("//") { candidate = "/" + candidate.dropFirst(2).drop { $0 != "/" } }
            }
            let parts = candidate.split(separator: "/", omittingEmptySubsequences: false)
            if candidate.hasPrefix("/") || candidate.contains("\\") || candidate.contains("\0")
                || parts.contains("..") || candidate.hasPrefix("~") || (candidate.count > 1 && candidate.dropFirst().hasPrefix(":")) {
                throw MLflowError.invalidParameter("Invalid path")
            }
        }
    }
}

/// A run's artifact directory on local disk (a plain path or a `file://` URI).
struct LocalArtifactRoot {
    let directory: String

    init?(uri: String) {
        if uri.hasPrefix("file://") {
            directory = PercentDecoding.decode(String(uri.dropFirst("file://".count)), plusIsSpace: false)
        } else if uri.hasPrefix("/") {
            directory = uri
        } else {
            return nil
        }
    }

    /// Entries of `relative` (or the root), sorted by name, as `FileInfo` messages.
    func list(_ relative: String?) -> [JSONValue] {
        let path = relative.map { directory + "/" + $0 } ?? directory
        guard let stream = opendir(path) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted().map { name in
            var info = stat()
            let full = path + "/" + name
            let isDirectory = stat(full, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            let artifactPath = relative.map { $0 + "/" + name } ?? name
            var members: [(String, JSONValue)] = [("path", .string(artifactPath)), ("is_dir", .bool(isDirectory))]
            if !isDirectory, info.st_size > 0 { members.append(("file_size", .integer(Int64(info.st_size)))) }
            return .object(members)
        }
    }
}
