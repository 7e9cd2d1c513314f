import JSON

/// Protobuf's JSON mapping of scalar fields, as OTLP/JSON uses it: 64-bit integers as decimal
/// strings or numbers, 32-bit ones as numbers (strings accepted too), doubles also as "NaN" and
/// "Infinity", enums as numbers or names; `null` means the field's default (handled by the callers).
extension OTLPJSONDecoding {
    func string(_ value: JSONValue) throws(OTLPDecodingError) -> String {
        guard case .string(let text) = value else { throw mismatch("a string", value) }
        return text
    }

    func bool(_ value: JSONValue) throws(OTLPDecodingError) -> Bool {
        guard case .bool(let flag) = value else { throw mismatch("a boolean", value) }
        return flag
    }

    func uint64(_ value: JSONValue) throws(OTLPDecodingError) -> UInt64 {
        switch value {
        case .integer(let number) where number >= 0: return UInt64(number)
        // Past Int64.max the JSON parser keeps a double; exact only if integral and in range.
        case .double(let number) where number >= 0 && number < 18_446_744_073_709_551_616.0 && number.rounded() == number:
            return UInt64(number)
        case .string(let text) where Self.isDecimal(text, signed: false):
            if let number = UInt64(text) { return number }
        default: break
        }
        throw mismatch("an unsigned 64-bit integer", value)
    }

    func int64(_ value: JSONValue) throws(OTLPDecodingError) -> Int64 {
        switch value {
        case .integer(let number): return number
        case .double(let number) where number >= -9_223_372_036_854_775_808.0 && number < 9_223_372_036_854_775_808.0
            && number.rounded() == number:
            return Int64(number)
        case .string(let text) where Self.isDecimal(text, signed: true):
            if let number = Int64(text) { return number }
        default: break
        }
        throw mismatch("a 64-bit integer", value)
    }

    func uint32(_ value: JSONValue) throws(OTLPDecodingError) -> UInt32 {
        guard let number = try? uint64(value), number <= UInt64(UInt32.max) else {
            throw mismatch("an unsigned 32-bit integer", value)
        }
        return UInt32(number)
    }

    func int32(_ value: JSONValue) throws(OTLPDecodingError) -> Int32 {
        guard let number = try? int64(value), number >= Int64(Int32.min), number <= Int64(Int32.max) else {
            throw mismatch("a 32-bit integer", value)
        }
        return Int32(number)
    }

    func double(_ value: JSONValue) throws(OTLPDecodingError) -> Double {
        switch value {
        case .double(let number): return number
        case .integer(let number): return Double(number)
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .string(let text) where Self.isNumeral(text):
            if let number = Double(text), number.isFinite { return number }
        default: break
        }
        throw mismatch("a number", value)
    }

    /// An enum field: its number (protobuf enums are open, so any int32) or one of its names.
    func enumeration(_ value: JSONValue, names: [String]) throws(OTLPDecodingError) -> Int32 {
        if case .string(let text) = value, !Self.isDecimal(text, signed: true) {
            guard let index = names.firstIndex(of: text) else { throw error("unknown enum value '\(text)'") }
            return Int32(index)
        }
        return try int32(value)
    }

    /// A bytes field of OTLP/JSON's id kind: hex, not protobuf's base64 (the OTLP spec's exception).
    func hexBytes(_ value: JSONValue) throws(OTLPDecodingError) -> [UInt8] {
        guard case .string(let text) = value, let bytes = OTLPHex.decode(text) else {
            throw mismatch("a hex string", value)
        }
        return bytes
    }

    func base64Bytes(_ value: JSONValue) throws(OTLPDecodingError) -> [UInt8] {
        guard case .string(let text) = value, let bytes = OTLPBase64.decode(text) else {
            throw mismatch("a base64 string", value)
        }
        return bytes
    }

    /// Optional sign then ASCII digits only (Swift's integer parsing would also take a leading '+').
    private static func isDecimal(_ text: String, signed: Bool) -> Bool {
        var digits = Substring(text).utf8
        if signed, digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// JSON-number characters only, so Double's own extras ("inf", "nan", hex floats) are not taken.
    private static func isNumeral(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E")
        }
    }

    func mismatch(_ expected: String, _ value: JSONValue) -> OTLPDecodingError {
        if case .string(let text) = value, text.utf8.count <= 40 { return error("expected \(expected), got \"\(text)\"") }
        return error("expected \(expected), got \(value.typeName)")
    }
}
