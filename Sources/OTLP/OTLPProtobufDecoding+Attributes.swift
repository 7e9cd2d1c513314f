/// The protobuf decoding of attributes: `KeyValue`, `AnyValue` and its array and list forms, with the
/// nesting depth counted so a body cannot drive the recursion past `maxAnyValueDepth`.
extension OTLPProtobufDecoding {
    static func keyValue(_ reader: inout ProtobufReader, depth: Int) throws(OTLPDecodingError) -> OTLPKeyValue {
        var result = OTLPKeyValue(key: "", value: .empty)
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1: result.key = try reader.string(tag, "key")
            case 2:
                var nested = try reader.message(tag, "value")
                try mergeAnyValue(&nested, into: &result.value, depth: depth)
            case 3:
                throw reader.error("key_strindex refers to a profiles string table, which a trace request has not",
                                   at: tag.offset)
            default: try reader.skip(tag)
            }
        }
        return result
    }

    /// Reads one `AnyValue` into `value`: the last member of the oneof sent wins, and an array or list
    /// sent twice is merged, as protobuf merges a repeated message field.
    static func mergeAnyValue(_ reader: inout ProtobufReader, into value: inout OTLPAnyValue,
                              depth: Int) throws(OTLPDecodingError) {
        guard depth <= OTLPTraceRequestDecoder.maxAnyValueDepth else {
            throw reader.error("attribute values nested deeper than \(OTLPTraceRequestDecoder.maxAnyValueDepth)")
        }
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1: value = .string(try reader.string(tag, "string_value"))
            case 2: value = .bool(try reader.varint(tag, "bool_value") != 0)
            case 3: value = .int(Int64(bitPattern: try reader.varint(tag, "int_value")))
            case 4: value = .double(Double(bitPattern: try reader.fixed64(tag, "double_value")))
            case 5:
                var nested = try reader.message(tag, "array_value")
                var values: [OTLPAnyValue] = []
                if case .array(let earlier) = value { values = earlier }
                value = .empty // drop the enum's reference, so appending does not copy the array
                while !nested.isAtEnd {
                    let inner = try nested.readTag()
                    guard inner.fieldNumber == 1 else { try nested.skip(inner); continue }
                    var element = try nested.message(inner, "values")
                    var item = OTLPAnyValue.empty
                    try mergeAnyValue(&element, into: &item, depth: depth + 1)
                    values.append(item)
                }
                value = .array(values)
            case 6:
                var nested = try reader.message(tag, "kvlist_value")
                var values: [OTLPKeyValue] = []
                if case .keyValueList(let earlier) = value { values = earlier }
                value = .empty
                while !nested.isAtEnd {
                    let inner = try nested.readTag()
                    guard inner.fieldNumber == 1 else { try nested.skip(inner); continue }
                    var element = try nested.message(inner, "values")
                    values.append(try keyValue(&element, depth: depth + 1))
                }
                value = .keyValueList(values)
            case 7: value = .bytes(try reader.bytes(tag, "bytes_value"))
            case 8:
                throw reader.error("string_value_strindex refers to a profiles string table, which a trace request has not",
                                   at: tag.offset)
            default: try reader.skip(tag)
            }
        }
    }
}
