public import JSON

extension PythonFormatting {
    /// Python's `json.dumps(value)` with its defaults (`", "` and `": "`, non-ASCII escaped, keys in
    /// the order given): the bytes MLflow writes into tags and webhook payloads.
    public static func jsonDumps(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .double(let number): return number.description
        case .string(let text): return jsonString(text)
        case .array(let elements): return "[" + elements.map(jsonDumps).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.map { jsonString($0.0) + ": " + jsonDumps($0.1) }.joined(separator: ", ") + "}"
        }
    }
}
