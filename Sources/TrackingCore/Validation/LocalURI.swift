/// MLflow's `is_local_uri` and `resolve_uri_if_local` (mlflow/utils/uri.py): which locations are this
/// machine's files, and a relative one made absolute against the server's working directory, as
/// MLflow's `create_experiment` stores it.
public enum LocalURI {
    /// `is_local_uri`: a plain path, or `file:` naming no host (or `.`, `localhost...`, `127.0.0.1...`).
    public static func isLocal(_ uri: String) -> Bool {
        let parsed = ModelSourceURI(uri)
        if parsed.scheme.isEmpty { return true }
        guard parsed.scheme == "file" else { return false }
        guard let host = parsed.hostname else { return true }
        return host == "." || host.hasPrefix("localhost") || host.hasPrefix("127.0.0.1")
    }

    /// `is_local_uri`'s refusal: a `file:` URI naming a host other than this one (`file://10.0.0.5/x`)
    /// is no local path and no store can serve it. MLflow raises this without an error code (so its
    /// server answers 500 INTERNAL_ERROR); it is the caller's mistake, so Swiftrack answers 400 with
    /// MLflow's words.
    public static func refuseRemoteFileHost(_ uri: String) throws(MLflowError) {
        guard ModelSourceURI(uri).scheme == "file", !isLocal(uri) else { return }
        throw .invalidParameter("\(uri) is not a valid remote uri. For remote access on windows, please "
            + "consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).")
    }

    /// `resolve_uri_if_local`: a relative local path (`my_location`, `file:my_location`) joined to
    /// `currentDirectory` as `pathlib` joins (empty and `.` segments dropped, `..` kept); a plain path
    /// stays a plain path, a `file:` URI becomes `file://` + the absolute path (its query and fragment
    /// kept). Absolute paths and every other scheme are returned as given.
    public static func resolvedIfLocal(_ uri: String, currentDirectory: String) throws(MLflowError) -> String {
        try refuseRemoteFileHost(uri)
        guard isLocal(uri) else { return uri }
        let parsed = ModelSourceURI(uri)
        // `local_file_uri_to_path`: the parsed path of a `file:` URI (only when written in lower case,
        // as MLflow tests it), else the whole text; unquoted either way (`url2pathname`).
        let localPath = PercentUnquote.unquote(uri.hasPrefix("file:") ? parsed.path : uri)
        guard !localPath.hasPrefix("/") else { return uri }
        var absolute = currentDirectory
        for segment in PathSegments.split(localPath) where !PathSegments.same(segment, ".") {
            absolute += (absolute.hasSuffix("/") ? "" : "/") + segment
        }
        if parsed.scheme.isEmpty { return absolute }
        let (query, fragment) = queryAndFragment(uri)
        return parsed.scheme + "://" + absolute + (query.isEmpty ? "" : "?" + query)
            + (fragment.isEmpty ? "" : "#" + fragment)
    }

    /// `urlsplit`'s query and fragment (the first `#` starts the fragment; a `?` before it the query).
    static func queryAndFragment(_ uri: String) -> (query: Substring, fragment: Substring) {
        var rest = Substring(uri)
        var fragment: Substring = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: hash)...]
            rest = rest[..<hash]
        }
        guard let question = rest.firstIndex(of: "?") else { return ("", fragment) }
        return (rest[rest.index(after: question)...], fragment)
    }
}
