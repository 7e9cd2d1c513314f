/// A `models:/` URI as MLflow's `_parse_model_uri` reads it.
public enum ModelsURI: Sendable, Equatable {
    /// `models:/<model_id>`: a logged model.
    case modelId(String)
    /// `models:/<name>/<digits>`.
    case version(name: String, version: String)
    /// `models:/<name>/<stage>`.
    case stage(name: String, stage: String)
    /// `models:/<name>/latest`.
    case latest(name: String)
    /// `models:/<name>@<alias>`.
    case alias(name: String, alias: String)

    /// nil when the URI is not a proper `models:/` URI.
    public init?(_ uri: String) {
        let parsed = ModelSourceURI(uri)
        guard parsed.scheme == "models", parsed.path.hasPrefix("/"), parsed.path.count > 1 else { return nil }
        let parts = parsed.path.drop(while: { $0 == "/" }).split(separator: "/", omittingEmptySubsequences: false)
            .map(String.init)
        guard parts.count <= 2, let first = parts.first,
              !first.trimmingPythonWhitespace().isEmpty else { return nil }
        if parts.count == 2 {
            let suffix = parts[1]
            if suffix.trimmingPythonWhitespace().isEmpty { return nil }
            if !suffix.isEmpty, suffix.unicodeScalars.allSatisfy({ $0.properties.numericType == .decimal }) {
                self = .version(name: first, version: suffix)
            } else if suffix.lowercased() == "latest" {
                self = .latest(name: first)
            } else {
                self = .stage(name: first, stage: suffix)
            }
            return
        }
        if parsed.path.contains("@") {
            guard let at = first.lastIndex(of: "@") else { return nil }
            let alias = String(first[first.index(after: at)...])
            if alias.trimmingPythonWhitespace().isEmpty { return nil }
            self = .alias(name: String(first[..<at]), alias: alias)
            return
        }
        self = .modelId(first)
    }
}
