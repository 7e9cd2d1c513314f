/// Renders values the way MLflow's Python messages print them.
enum SearchMessages {
    /// Python's repr of a str: single quotes unless the text has one and no double quote.
    static func pythonString(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case quote: out += "\\\(quote)"
            default: out.append(c)
            }
        }
        out.append(quote)
        return out
    }

    /// Python's repr of a set of str (in the given order).
    static func pythonSet(_ items: [String]) -> String {
        "{" + items.map(pythonString).joined(separator: ", ") + "}"
    }

    /// Python's repr of a list of str.
    static func pythonList(_ items: [String]) -> String {
        "[" + items.map(pythonString).joined(separator: ", ") + "]"
    }

    /// Python's repr of a tuple of str.
    static func pythonTuple(_ items: [String]) -> String {
        items.count == 1 ? "(\(pythonString(items[0])),)" : "(" + items.map(pythonString).joined(separator: ", ") + ")"
    }

    static func comparators(_ list: [SearchComparator]) -> String {
        pythonSet(list.map(\.rawValue))
    }
}
