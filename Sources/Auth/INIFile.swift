import TrackingCore

/// The subset of Python's configparser that `basic_auth.ini` uses: `[section]` headers,
/// `key = value` or `key: value` lines, `#` and `;` comment lines. Keys are case-insensitive
/// (configparser lowercases them); values are trimmed.
public struct INIFile: Sendable, Equatable {
    public private(set) var sections: [String: [String: String]] = [:]

    public init(sections: [String: [String: String]] = [:]) {
        self.sections = sections
    }

    public init(parsing text: String, source: String = "the configuration") throws {
        var section: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw MLflowError.invalidParameter("\(source), line \(index + 1): malformed section header '\(line)'")
                }
                let name = String(line.dropFirst().dropLast()).trimmingCharacters(in: " \t")
                section = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section else {
                throw MLflowError.invalidParameter("\(source), line \(index + 1): a setting before any [section]")
            }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw MLflowError.invalidParameter("\(source), line \(index + 1): expected 'key = value'")
            }
            let key = line[..<separator].trimmingCharacters(in: " \t").lowercased()
            let value = line[line.index(after: separator)...].trimmingCharacters(in: " \t")
            sections[section, default: [:]][key] = value
        }
    }

    public func value(_ section: String, _ key: String) -> String? {
        sections[section]?[key.lowercased()]
    }
}

extension StringProtocol {
    /// The text without the given characters at either end.
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        guard let first = firstIndex(where: { !characters.contains($0) }) else { return "" }
        let last = lastIndex(where: { !characters.contains($0) })!
        return String(self[first...last])
    }
}
