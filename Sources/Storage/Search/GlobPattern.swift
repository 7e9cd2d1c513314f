/// Translates a SQL LIKE pattern into an SQLite GLOB pattern, so LIKE stays case-sensitive
/// without `PRAGMA case_sensitive_like` (which MLflow sets on its SQLite connections).
enum GlobPattern {
    static func fromLike(_ pattern: String) -> String {
        var out = ""
        out.reserveCapacity(pattern.count)
        for c in pattern {
            switch c {
            case "%": out.append("*")
            case "_": out.append("?")
            case "*": out.append("[*]")
            case "?": out.append("[?]")
            case "[": out.append("[[]")
            default: out.append(c)
            }
        }
        return out
    }
}
