import JSON
import TrackingCore

/// Renders request values as MLflow's messages do: `json.dumps(value, sort_keys=True,
/// separators=(",", ":"))` and Python type names.
enum PythonJSON {
    static func dumps(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .double(let number):
            if number.isNaN { return "NaN" }
            if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
            return number.description
        case .string(let text): return PythonFormatting.jsonString(text)
        case .array(let elements): return "[" + elements.map(dumps).joined(separator: ",") + "]"
        case .object(let members):
            let sorted = members.sorted { $0.0 < $1.0 }
            return "{" + sorted.map { PythonFormatting.jsonString($0.0) + ":" + dumps($0.1) }.joined(separator: ",") + "}"
        }
    }

    /// Python's `repr()` of the value `json.loads` gives (`None`, `True`, `'text'`, `[1, 'a']`, `{'k': 1}`).
    static func repr(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .integer(let number): return String(number)
        case .double(let number): return PythonFormatting.float(number)
        case .string(let text): return PythonFormatting.repr(text)
        case .array(let elements): return "[" + elements.map(repr).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.map { PythonFormatting.repr($0.0) + ": " + repr($0.1) }.joined(separator: ", ") + "}"
        }
    }
}
