/// Label names and values of one series, kept in the order given.
public struct MetricLabels: Hashable, Sendable {
    public let pairs: [LabelPair]

    public struct LabelPair: Hashable, Sendable {
        public let name: String
        public let value: String
    }

    public init(_ pairs: [(String, String)]) {
        self.pairs = pairs.map { LabelPair(name: $0.0, value: $0.1) }
    }

    public static let none = MetricLabels([])

    /// `{a="x",b="y"}` with Prometheus escaping, or "" without labels; `extra` is appended (e.g. `le`).
    func rendered(extra: (String, String)? = nil) -> String {
        var all = pairs.map { ($0.name, $0.value) }
        if let extra { all.append(extra) }
        guard !all.isEmpty else { return "" }
        return "{" + all.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
