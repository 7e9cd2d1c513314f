/// Appends path segments to an artifact URI's path, as MLflow's `append_to_uri_path` does:
/// one "/" between parts, and a query string (`s3://b/p?x=y`) kept at the end.
enum ArtifactURI {
    static func appending(_ base: String, _ segments: String...) -> String {
        var path = base
        var query = ""
        if base.contains("://"), let mark = base.firstIndex(of: "?") {
            path = String(base[..<mark])
            query = String(base[mark...])
        }
        for segment in segments {
            let trimmed = segment.drop { $0 == "/" }
            if trimmed.isEmpty { continue }
            if path.isEmpty {
                path = String(trimmed)
            } else if path.hasSuffix("/") {
                path += trimmed
            } else {
                path += "/" + trimmed
            }
        }
        return path + query
    }
}
