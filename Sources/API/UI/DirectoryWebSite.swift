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

    /// The prebuilt UI inside an installed mlflow wheel, looked for in the active virtual
    /// environment, next to each `python3` on PATH, and in the system's site-packages.
    public static func findInstalledMLflowUI(environment: [String: String]) -> String? {
        var prefixes: [String] = []
        for variable in ["VIRTUAL_ENV", "CONDA_PREFIX"] { if let value = environment[variable] { prefixes.append(value) } }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            prefixes.append(URL(fileURLWithPath: String(directory)).deletingLastPathComponent().path)
        }
        prefixes += ["/usr/local", "/usr"]
        let manager = FileManager.default
        for prefix in prefixes {
            let lib = prefix + "/lib"
            guard let entries = try? manager.contentsOfDirectory(atPath: lib) else { continue }
            for python in entries.sorted().reversed() where python.hasPrefix("python3") {
                for packages in ["site-packages", "dist-packages"] {
                    let candidate = "\(lib)/\(python)/\(packages)/mlflow/server/js/build"
                    if manager.fileExists(atPath: candidate + "/index.html") { return candidate }
                }
            }
        }
        for candidate in ["/usr/lib/python3/dist-packages/mlflow/server/js/build"]
        where manager.fileExists(atPath: candidate + "/index.html") {
            return candidate
        }
        return nil
    }
}
