/// The pure parts of MLflow's model version source checks (server/handlers.py): which sources are
/// local, host-addressed, artifact-proxy or `runs:/` / `models:/` URIs, and the messages it answers with.
public enum ModelSourceRules {
    /// Schemes whose artifact repositories connect to the host named in the URI.
    static let hostAddressedSchemes: Set<String> = [
        "ftp", "sftp", "hdfs", "viewfs", "http", "https", "mlflow-artifacts", "r2", "b2", "abfss",
    ]

    /// The scheme of a source the server must refuse because it names a host (no trusted hosts are configured).
    public static func rejectedHostAddressedScheme(_ source: String) -> String? {
        let uri = ModelSourceURI(source)
        guard hostAddressedSchemes.contains(uri.scheme) else { return nil }
        if uri.scheme == "mlflow-artifacts" && uri.netloc.isEmpty { return nil }
        return uri.scheme
    }

    public static func hostAddressedMessage(scheme: String, field: String = "source") -> String {
        "'\(field)' cannot use the '\(scheme)' scheme: the '\(scheme)' scheme addresses a host other than the "
            + "tracking server's configured artifact storage, so the server would connect to the host named in "
            + "the URI. Set the MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES environment variable on the "
            + "server to allow it."
    }

    /// `is_local_uri`: a plain path, or `file:` naming no host (or localhost).
    public static func isLocal(_ source: String) -> Bool { LocalURI.isLocal(source) }

    /// `is_local_uri`'s refusal of a `file:` URI naming a remote host (`LocalURI`).
    public static func refuseRemoteFileHost(_ source: String) throws(MLflowError) {
        try LocalURI.refuseRemoteFileHost(source)
    }

    /// `local_file_uri_to_path`: the path of a `file:` URI, unquoted; a plain path as it is.
    public static func localPath(_ source: String) -> String {
        let uri = ModelSourceURI(source)
        return uri.scheme == "file" ? PercentUnquote.unquote(uri.path) : source
    }

    /// `pathlib.Path(path).resolve()` without the file system: absolute against `currentDirectory`, normalised.
    public static func lexicallyResolved(_ path: String, currentDirectory: String) -> String {
        let absolute = path.hasPrefix("/") ? path : currentDirectory + "/" + path
        let normalized = PosixPath.normalize(absolute)
        return normalized.hasPrefix("//") ? String(normalized.dropFirst()) : normalized
    }

    /// Whether `root` is `path` or one of its parents (both resolved, absolute).
    public static func directory(_ root: String, contains path: String) -> Bool {
        if root == path || root == "/" { return true }
        return path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// `_validate_non_local_source_contains_relative_paths`: true when the source must be refused.
    public static func hasRelativePathReferences(_ source: String, currentDirectory: String) -> Bool {
        let unquoted = PercentUnquote.unquoteFully(source, plusIsSpace: true)
        var sourcePath = ModelSourceURI(unquoted).path
        while sourcePath.hasSuffix("/") { sourcePath.removeLast() }
        sourcePath = collapsingSlashes(sourcePath)
        if sourcePath.contains("\0") || PathSegments.climbs(unquoted) {
            return true
        }
        return lexicallyResolved(sourcePath, currentDirectory: currentDirectory) != sourcePath
    }

    /// `_is_mlflow_artifact_source`: `mlflow-artifacts:` or an HTTP(S) URI through the artifact proxy route.
    public static func isMLflowArtifactSource(_ source: String) -> Bool {
        let (scheme, _, parts) = normalizedParts(source)
        if scheme == "mlflow-artifacts" { return true }
        guard scheme == "http" || scheme == "https" else { return false }
        let route = ["api", "2.0", "mlflow-artifacts", "artifacts"]
        guard parts.count >= route.count else { return false }
        return (0...(parts.count - route.count)).contains { Array(parts[$0..<($0 + route.count)]) == route }
    }

    /// `_is_uri_within_root`: same scheme and authority, and the root's path parts prefix the source's.
    public static func isWithinRoot(_ source: String, root: String) -> Bool {
        let (sourceScheme, sourceAuthority, sourceParts) = normalizedParts(source)
        let (rootScheme, rootAuthority, rootParts) = normalizedParts(root)
        return sourceScheme == rootScheme && sourceAuthority == rootAuthority && !rootParts.isEmpty
            && sourceParts.count >= rootParts.count && Array(sourceParts.prefix(rootParts.count)) == rootParts
    }

    public static func normalizedParts(_ uri: String) -> (String, String, [String]) {
        let parsed = ModelSourceURI(uri)
        let parts = PathSegments.split(parsed.path).map { PercentUnquote.unquoteFully(String($0)) }
        return (parsed.scheme, parsed.netloc.lowercased(), parts)
    }

    /// The run id of `runs:/<run_id>/<path>`, or nil when the URI is not a proper one.
    public static func runId(ofRunsURI source: String) -> String? {
        let uri = ModelSourceURI(source)
        guard uri.scheme == "runs", uri.path.hasPrefix("/"), uri.path.count > 1 else { return nil }
        let first = uri.path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).first ?? ""
        return first.isEmpty ? nil : String(first)
    }

    /// `Invalid model version source: '<source>'. The <id> request parameter must identify ...`.
    public static func invalidSource(_ source: String, idName: String) -> MLflowError {
        .invalidParameter("Invalid model version source: '\(source)'. The \(idName) request parameter must "
            + "identify the resource that contains the source.")
    }

    /// The message for a local source outside the run's (or logged model's) artifact directory.
    public static func invalidLocalSource(_ source: String, idName: String) -> MLflowError {
        .invalidParameter("Invalid model version source: '\(source)'. To use a local path as a model version "
            + "source, the \(idName) request parameter has to be specified and the local path has to be "
            + "contained within the artifact directory of the run specified by the \(idName).")
    }

    public static func relativePathSource(_ source: String) -> MLflowError {
        .invalidParameter("Invalid model version source: '\(source)'. If supplying a source as an http, https, "
            + "local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided "
            + "without relative path references present. Please provide an absolute path.")
    }
}

extension ModelSourceRules {
    /// `re.sub(r"/+", "/", path)`.
    static func collapsingSlashes(_ path: String) -> String {
        var out = ""
        var previousWasSlash = false
        for character in path {
            if character == "/" {
                if !previousWasSlash { out.append(character) }
                previousWasSlash = true
            } else {
                out.append(character)
                previousWasSlash = false
            }
        }
        return out
    }
}
