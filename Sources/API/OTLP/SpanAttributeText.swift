import JSON

/// A span attribute's value as MLflow keeps it: `json.dumps(value, ensure_ascii=False)` with
/// Python's default separators (`, ` and `: `), members in the order given. MLflow's client reads
/// every attribute back with `json.loads`, and the UI shows the text as is, so ours reads the same.
enum SpanAttributeText {
    static func dumps(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .integer(let number): out += String(number)
        case .double(let number):
            if number.isNaN { out += "NaN" } else if number.isInfinite { out += number > 0 ? "Infinity" : "-Infinity" } else {
                out += number.description
            }
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            out += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { out += ", " }
                write(element, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (position, member) in members.enumerated() {
                if position > 0 { out += ", " }
                writeString(member.0, into: &out)
                out += ": "
                write(member.1, into: &out)
            }
            out += "}"
        }
    }

    /// A JSON string with non-ASCII kept (`ensure_ascii=False`); control characters escaped.
    private static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
