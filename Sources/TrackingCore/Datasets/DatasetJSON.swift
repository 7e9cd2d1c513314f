public import JSON

/// The JSON work MLflow's store does on records, as pure functions: the text whose SHA-256 keys a
/// record by its inputs, the merge of a new record into a stored one, the dataset's schema.
public enum DatasetJSON {
    /// A value as Python's `json.loads` would hold it: in every object each key once, at its first
    /// place, with its last value.
    public static func pythonDict(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): return .object(KeyedPairs.lastValues(members).map { ($0.0, pythonDict($0.1)) })
        case .array(let elements): return .array(elements.map(pythonDict))
        default: return value
        }
    }

    /// `json.dumps(inputs, sort_keys=True)`: what MLflow hashes to find a record by its inputs, so
    /// inputs equal as dicts (whatever their key order) are one record.
    public static func sortedDumps(_ value: JSONValue) -> String {
        PythonFormatting.jsonDumps(sortedKeys(value))
    }

    private static func sortedKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            // Python compares str keys by code point.
            return .object(members.sorted { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) }
                .map { ($0.0, sortedKeys($0.1)) })
        case .array(let elements): return .array(elements.map(sortedKeys))
        default: return value
        }
    }

    /// Python's `dict.update`: existing keys keep their place and take the new value; new keys follow.
    public static func updated(_ base: JSONValue?, with new: JSONValue) -> JSONValue {
        guard case .object(let additions) = new else { return base ?? new }
        guard case .object(var members)? = base else { return new }
        for (key, value) in additions {
            if let index = members.firstIndex(where: { $0.0 == key }) {
                members[index].1 = value
            } else {
                members.append((key, value))
            }
        }
        return .object(members)
    }

    /// True for what Python reads as true in `if value:` (a non-empty object here).
    static func isNonEmptyObject(_ value: JSONValue?) -> Bool {
        if case .object(let members)? = value { return !members.isEmpty }
        return false
    }

    /// MLflow's `_infer_field_type`.
    public static func fieldType(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .double: return "float"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// MLflow's `_update_dataset_schema`: the stored schema (JSON text, or none yet) widened by the
    /// first type seen of each new input, output and expectation key; nil when there is neither a
    /// schema nor a record. Outputs that are no object give `outputs` one type while it is empty.
    public static func updatedSchema(_ existing: String?, records: [DatasetRecordInput]) -> JSONValue? {
        if records.isEmpty && existing == nil { return nil }
        var inputs: [(String, JSONValue)] = []
        var outputs: JSONValue = .object([])
        var expectations: [(String, JSONValue)] = []
        var rest: [(String, JSONValue)] = [("version", .string("1.0"))]
        if let existing, case .object(let members)? = try? JSONParser.parse(existing) {
            rest = []
            for (key, value) in members {
                switch (key, value) {
                case ("inputs", .object(let fields)): inputs = fields
                case ("outputs", _): outputs = value
                case ("expectations", .object(let fields)): expectations = fields
                case ("inputs", _), ("expectations", _): continue
                default: rest.append((key, value))
                }
            }
        }
        func widen(_ fields: inout [(String, JSONValue)], _ value: JSONValue?) {
            guard case .object(let members)? = value else { return }
            for (key, field) in members where !fields.contains(where: { $0.0 == key }) {
                fields.append((key, .string(fieldType(field))))
            }
        }
        for record in records {
            widen(&inputs, record.inputs)
            if let given = record.outputs {
                if case .object = given {
                    if case .object(var fields) = outputs {
                        widen(&fields, given)
                        outputs = .object(fields)
                    }
                } else if isEmpty(outputs) {
                    outputs = .string(fieldType(given))
                }
            }
            widen(&expectations, record.expectations)
        }
        return .object([("inputs", .object(inputs)), ("outputs", outputs), ("expectations", .object(expectations))] + rest)
    }

    /// Python's falsiness of a schema's `outputs` (an empty object or string).
    private static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members): return members.isEmpty
        case .string(let text): return text.isEmpty
        case .null: return true
        default: return false
        }
    }
}
