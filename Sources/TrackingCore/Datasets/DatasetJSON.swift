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
        // Positions by key: a record of many keys merges in linear time (a linear search per key
        // made 20,000 keys take 25 s inside the write transaction, break-in review of issue 24).
        var positions: [String: Int] = [:]
        for (index, member) in members.enumerated() where positions[member.0] == nil { positions[member.0] = index }
        for (key, value) in additions {
            if let index = positions[key] {
                members[index].1 = value
            } else {
                positions[key] = members.count
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
        // The keys each list holds, so a key is looked up once, not searched for (linear time in
        // the records' keys; see `updated`).
        var known: [Int: Set<String>] = [:]
        func widen(_ fields: inout [(String, JSONValue)], _ value: JSONValue?, list: Int) {
            guard case .object(let members)? = value else { return }
            var seen = known[list] ?? Set(fields.map(\.0))
            for (key, field) in members where seen.insert(key).inserted {
                fields.append((key, .string(fieldType(field))))
            }
            known[list] = seen
        }
        for record in records {
            widen(&inputs, record.inputs, list: 0)
            if let given = record.outputs {
                if case .object = given {
                    if case .object(var fields) = outputs {
                        widen(&fields, given, list: 1)
                        outputs = .object(fields)
                    }
                } else if isEmpty(outputs) {
                    outputs = .string(fieldType(given))
                }
            }
            widen(&expectations, record.expectations, list: 2)
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
