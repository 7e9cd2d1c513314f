import Foundation
public import HTTPTransport
import TrackingCore

/// A UI served from a folder on disk: MLflow's prebuilt UI (`mlflow/server/js/build` in the
/// installed wheel), for `--ui mlflow`. Only regular files inside the folder are served: `..`,
/// absolute and hidden parts are refused, and symbolic links that leave the folder are not followed.
public struct DirectoryWebSite: WebSite {
    public let root: String
    public var pageIsPublic: Bool { false }

    /// nil when the folder has no index.html (not a built UI).
    public init?(root: String) {
        let standardized = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
        guard FileManager.default.fileExists(atPath: standardized + "/index.html") else { return nil }
        self.root = standardized
    }

    public func file(_ name: String, request: HTTPTransport.HTTPRequest) -> HTTPTransport.HTTPResponse? {
        let parts = PathSegments.split(name, omittingEmpty: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains("\\"), !name.contains("\0"),
              parts.allSatisfy({ !$0.isEmpty && $0.utf8.first != UInt8(ascii: ".") }) else { return nil }
        let path = URL(fileURLWithPath: root + "/" + name).resolvingSymlinksInPath().path
        guard PathSegments.isWithin(path, directory: root), !PathSegments.same(path, root) else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.int64Value else { return nil }
        // Hashed bundles may be cached for long; the page itself must be asked for again.
        let cache = name == "index.html" ? "no-cache" : "public, max-age=3600"
        return .file(path, size: size, contentType: WebSitePath.contentType(name), request: request,
                     extraHeaders: [(name: "Cache-Control", value: cache)])
    }

    /// The prebuilt UI inside an installed mlflow wheel, the first of `mlflowUISearchPrefixes` to hold
    /// one, then Debian's python3 dist-packages.
    /// `currentDirectory` nil: the process's.
    public static func findInstalledMLflowUI(environment: [String: String], currentDirectory: String? = nil) -> String? {
        let manager = FileManager.default
        let directory = currentDirectory ?? manager.currentDirectoryPath
        for prefix in mlflowUISearchPrefixes(environment: environment, currentDirectory: directory) {
            let lib = libDirectory(prefix)
            guard let entries = try? manager.contentsOfDirectory(atPath: lib) else { continue }
            for python in entries.sorted().reversed() where python.hasPrefix("python3") {
                for packages in ["site-packages", "dist-packages"] {
                    let candidate = "\(lib)/\(python)/\(packages)/\(wheelUIPath)"
                    if manager.fileExists(atPath: candidate + "/index.html") { return candidate }
                }
            }
        }
        for candidate in [debianUIFolder] where manager.fileExists(atPath: candidate + "/index.html") {
            return candidate
        }
        return nil
    }

    /// The environments looked in, in order: the active virtual environment (`VIRTUAL_ENV`,
    /// `CONDA_PREFIX`), the `.venv` of the current directory (where `make serve` installs mlflow), the
    /// prefix of each folder on PATH, `/usr/local`, `/usr`; each once.
    public static func mlflowUISearchPrefixes(environment: [String: String], currentDirectory: String) -> [String] {
        var prefixes: [String] = []
        for variable in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
            if let value = environment[variable], !value.isEmpty { prefixes.append(value) }
        }
        prefixes.append((currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/") + ".venv")
        for directory in (environment["PATH"] ?? "").split(separator: ":") where !directory.isEmpty {
            prefixes.append(URL(fileURLWithPath: String(directory)).deletingLastPathComponent().path)
        }
        prefixes += ["/usr/local", "/usr"]
        var seen = Set<String>()
        return prefixes.filter { seen.insert($0).inserted }
    }

    /// The places `findInstalledMLflowUI` looks, as a person reads them (for the error that found none).
    public static func mlflowUISearchedPlaces(environment: [String: String], currentDirectory: String? = nil)
        -> [String] {
        let directory = currentDirectory ?? FileManager.default.currentDirectoryPath
        return mlflowUISearchPrefixes(environment: environment, currentDirectory: directory).map {
            "\(libDirectory($0))/python3*/{site,dist}-packages/\(wheelUIPath)"
        } + [debianUIFolder]
    }

    /// `<prefix>/lib` (`/lib` for the root, whose `bin` is on PATH).
    static func libDirectory(_ prefix: String) -> String { (prefix.hasSuffix("/") ? prefix : prefix + "/") + "lib" }

    static let wheelUIPath = "mlflow/server/js/build"
    static let debianUIFolder = "/usr/lib/python3/dist-packages/mlflow/server/js/build"
}
