import JSON
import TrackingCore

/// Renders request values as MLflow's messages do: Python type names and `repr()`; `json.dumps` is
/// `PythonFormatting.jsonDumps(_:compactSorted: true)`.
enum PythonJSON {
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
