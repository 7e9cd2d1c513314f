import Foundation

/// The small part of YAML that MLflow's file store writes with `yaml.safe_dump`: a top-level map
/// of scalars (plain, 'single' or "double" quoted, folded over indented continuation lines,
/// `null`/`~`, `[]`/`{}`) and one level of nested maps (`tags:` of an input, `aliases:`).
enum MiniYAML {
    enum Value: Equatable {
        case scalar(String?)
        case map([String: String?])
    }

    /// Parses `text`; unknown shapes (block scalars, lists) read as nil rather than failing.
    static func parse(_ text: String) -> [String: Value] {
        var result: [String: Value] = [:]
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines = lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard let first = line.first, first != " ", first != "#", first != "-",
                  let colon = keySeparator(line) else { continue }
            let key = unquote(String(line[..<colon]).trimmingSpaces()) ?? ""
            let rest = String(line[line.index(colon, offsetBy: 1)...]).trimmingSpaces()
            var continuation: [String] = []
            while index < lines.count, lines[index].isEmpty || lines[index].first == " " {
                continuation.append(lines[index])
                index += 1
            }
            while continuation.last?.trimmingSpaces().isEmpty == true { continuation.removeLast() }
            if rest.isEmpty {
                var map: [String: String?] = [:]
                for entry in continuation {
                    let trimmed = entry.trimmingSpaces()
                    guard let separator = keySeparator(trimmed) else { continue }
                    let entryKey = unquote(String(trimmed[..<separator]).trimmingSpaces()) ?? ""
                    map[entryKey] = scalar(String(trimmed[trimmed.index(separator, offsetBy: 1)...]).trimmingSpaces())
                }
                result[key] = continuation.isEmpty ? .scalar(nil) : .map(map)
            } else if rest == "{}" {
                result[key] = .map([:])
            } else {
                result[key] = .scalar(scalar(fold(rest, continuation)))
            }
        }
        return result
    }

    /// The string value of `key`, or nil when absent or null.
    static func string(_ values: [String: Value], _ key: String) -> String? {
        if case .scalar(let value)? = values[key] { return value }
        return nil
    }

    static func map(_ values: [String: Value], _ key: String) -> [String: String?] {
        if case .map(let map)? = values[key] { return map }
        return [:]
    }

    /// Where `key: value` splits: the first ": " (or a trailing ":") outside quotes.
    private static func keySeparator(_ line: String) -> String.Index? {
        var quote: Character?
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if index == line.startIndex, character == "'" || character == "\"" {
                quote = character
            } else if character == ":" {
                let next = line.index(after: index)
                if next == line.endIndex || line[next] == " " { return index }
            }
            index = line.index(after: index)
        }
        return nil
    }

    /// Joins a value's continuation lines as YAML folds them: a line break is a space, an empty
    /// line a newline; in double quotes a trailing backslash joins with nothing.
    private static func fold(_ first: String, _ continuation: [String]) -> String {
        var text = first
        var pendingNewlines = 0
        for line in continuation {
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty { pendingNewlines += 1; continue }
            if pendingNewlines > 0 {
                text += String(repeating: "\n", count: pendingNewlines)
                pendingNewlines = 0
            } else if text.hasPrefix("\""), text.hasSuffix("\\"), !text.hasSuffix("\\\\") {
                text.removeLast()
            } else {
                text += " "
            }
            text += trimmed
        }
        return text
    }

    private static func scalar(_ text: String) -> String? {
        switch text {
        case "", "null", "~", "Null", "NULL": return nil
        case "[]": return nil
        default: return unquote(text)
        }
    }

    /// A quoted scalar's content ('' is a quote; double quotes take backslash escapes); plain text as is.
    private static func unquote(_ text: String) -> String? {
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") {
            return String(text.dropFirst().dropLast()).replacingAll("''", with: "'")
        }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
            return unescape(String(text.dropFirst().dropLast()))
        }
        return text
    }

    private static func unescape(_ text: String) -> String {
        var output = ""
        var iterator = Array(text.unicodeScalars).makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\", let escaped = iterator.next() else { output.unicodeScalars.append(scalar); continue }
            switch escaped {
            case "n": output += "\n"
            case "t": output += "\t"
            case "r": output += "\r"
            case "0": output += "\0"
            case "\"": output += "\""
            case "\\": output += "\\"
            case "/": output += "/"
            case " ": output += " "
            case "x", "u", "U":
                let length = escaped == "x" ? 2 : (escaped == "u" ? 4 : 8)
                var hex = ""
                for _ in 0..<length { if let digit = iterator.next() { hex.unicodeScalars.append(digit) } }
                if let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code) {
                    output.unicodeScalars.append(decoded)
                }
            default:
                output.unicodeScalars.append(escaped)
            }
        }
        return output
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String { trimmingCharacters(in: CharacterSet(charactersIn: " \t")) }

    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        replacingOccurrences(of: target, with: replacement)
    }
}
