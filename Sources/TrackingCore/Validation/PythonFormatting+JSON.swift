public import JSON

extension PythonFormatting {
    /// Python's `json.dumps(value)` with its defaults (`", "` and `": "`, keys in the order given,
    /// `NaN` and `Infinity` for non-finite numbers): the bytes MLflow writes into tags and webhook
    /// payloads (non-ASCII escaped), and into span attributes (`ensureASCII: false`, as MLflow's
    /// tracing dumps them). `compactSorted`: `json.dumps(value, sort_keys=True, separators=(",", ":"))`,
    /// as MLflow's request validation echoes a value in its messages.
    public static func jsonDumps(_ value: JSONValue, ensureASCII: Bool = true, compactSorted: Bool = false) -> String {
        let (item, key) = compactSorted ? (",", ":") : (", ", ": ")
        func text(_ string: String) -> String { ensureASCII ? jsonString(string) : jsonStringKeepingUnicode(string) }
        func dumps(_ value: JSONValue) -> String {
            switch value {
            case .null: return "null"
            case .bool(let flag): return flag ? "true" : "false"
            case .integer(let number): return String(number)
            case .double(let number):
                if number.isNaN { return "NaN" }
                if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
                return number.description
            case .string(let string): return text(string)
            case .array(let elements): return "[" + elements.map(dumps).joined(separator: item) + "]"
            case .object(let members):
                let ordered = compactSorted ? members.sorted { $0.0 < $1.0 } : members
                return "{" + ordered.map { text($0.0) + key + dumps($0.1) }.joined(separator: item) + "}"
            }
        }
        return dumps(value)
    }

    /// `json.dumps` of a string with `ensure_ascii=False`: only quotes, backslashes and control
    /// characters escaped, as `JSONWriter` writes every string.
    public static func jsonStringKeepingUnicode(_ text: String) -> String {
        JSONWriter.string(.string(text))
    }
}

extension PythonFormatting {
    /// Python's `type(value).__name__` for a value from `json.loads` (MLflow's type errors name it).
    public static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .integer: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}
