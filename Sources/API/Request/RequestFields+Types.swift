import JSON
import TrackingCore

extension RequestFields {
    /// A string field; `required` rejects absent, null and "" alike, as MLflow does.
    func string(_ name: String, required: Bool = false) throws(MLflowError) -> String? {
        guard let value = raw(name), value != .null else {
            if required { throw Self.missing(name) }
            return nil
        }
        guard case .string(let text) = value else { throw Self.typeError(name, value) }
        if required && text.isEmpty { throw Self.missing(name) }
        return text
    }

    func requiredString(_ name: String) throws(MLflowError) -> String {
        guard let text = try string(name, required: true) else { throw Self.missing(name) }
        return text
    }

    /// An int64/int32 field: a JSON integer, an integral float, or a decimal string.
    func int64(_ name: String, required: Bool = false) throws(MLflowError) -> Int64? {
        guard let value = raw(name), value != .null else {
            if required { throw Self.missing(name) }
            return nil
        }
        switch value {
        case .integer(let number): return number
        case .double(let number) where number.rounded(.towardZero) == number && abs(number) < 9.2e18: return Int64(number)
        case .string(let text):
            if let number = Int64(text.trimmingCharacters(in: " ")) { return number }
            if required && text.isEmpty { throw Self.missing(name) }
            throw Self.typeError(name, value)
        default: throw Self.typeError(name, value)
        }
    }

    /// A double field: a JSON number, or a string holding one (protobuf also takes "NaN", "Infinity").
    func double(_ name: String, required: Bool = false) throws(MLflowError) -> Double? {
        guard let value = raw(name), value != .null else {
            if required { throw Self.missing(name) }
            return nil
        }
        switch value {
        case .integer(let number): return Double(number)
        case .double(let number): return number
        case .string(let text):
            switch text {
            case "NaN", "nan": return .nan
            case "Infinity", "inf": return .infinity
            case "-Infinity", "-inf": return -.infinity
            default:
                if let number = Double(text), !text.isEmpty { return number }
                throw Self.typeError(name, value)
            }
        default: throw Self.typeError(name, value)
        }
    }

    func bool(_ name: String) throws(MLflowError) -> Bool? {
        guard let value = raw(name), value != .null else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string(let text) where isFromQuery:
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: throw .invalidParameter("Invalid boolean value: \(text), must be 'true' or 'false'.")
            }
        default: throw Self.typeError(name, value)
        }
    }

    /// A repeated string field.
    func stringList(_ name: String, required: Bool = false) throws(MLflowError) -> [String] {
        if let values = queryList(name) {
            if required && values.isEmpty { throw Self.missing(name) }
            return values
        }
        guard let value = raw(name), value != .null else {
            if required { throw Self.missing(name) }
            return []
        }
        guard case .array(let elements) = value else { throw Self.typeError(name, value) }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element else { throw Self.typeError(name, value) }
            strings.append(text)
        }
        if required && strings.isEmpty { throw Self.missing(name) }
        return strings
    }

    /// A repeated message field, each element as its own fields.
    func messages(_ name: String) throws(MLflowError) -> [RequestFields] {
        guard let value = raw(name), value != .null else { return [] }
        guard case .array(let elements) = value else { throw Self.typeError(name, value) }
        var result: [RequestFields] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case .object(let members) = element else { throw Self.typeError(name, value) }
            result.append(RequestFields(members: members))
        }
        return result
    }

    /// A singular message field.
    func message(_ name: String) throws(MLflowError) -> RequestFields? {
        guard let value = raw(name), value != .null else { return nil }
        guard case .object(let members) = value else { throw Self.typeError(name, value) }
        return RequestFields(members: members)
    }
}

extension String {
    func trimmingCharacters(in character: Character) -> String {
        var slice = self[...]
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}
