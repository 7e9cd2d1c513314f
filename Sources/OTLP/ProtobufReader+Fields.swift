/// Reads of a known field: its wire type checked first, so a field sent with the wrong type is
/// refused (with its name) instead of being misread.
extension ProtobufReader {
    mutating func message(_ tag: ProtobufTag, _ field: StaticString) throws(OTLPDecodingError) -> ProtobufReader {
        try expect(tag, .lengthDelimited, field)
        guard budget.remaining > 0 else { throw error("too many nested messages (elements) in one request", at: tag.offset) }
        budget.remaining -= 1
        return nested(try readLengthDelimited())
    }

    mutating func string(_ tag: ProtobufTag, _ field: StaticString) throws(OTLPDecodingError) -> String {
        try expect(tag, .lengthDelimited, field)
        return try readString()
    }

    mutating func bytes(_ tag: ProtobufTag, _ field: StaticString) throws(OTLPDecodingError) -> [UInt8] {
        try expect(tag, .lengthDelimited, field)
        return try readBytes()
    }

    /// The payload range of a bytes field, for ids validated in place without a copy.
    mutating func bytesRange(_ tag: ProtobufTag, _ field: StaticString) throws(OTLPDecodingError) -> Range<Int> {
        try expect(tag, .lengthDelimited, field)
        return try readLengthDelimited()
    }

    mutating func varint(_ tag: ProtobufTag, _ field: StaticString) throws(OTLPDecodingError) -> UInt64 {
        try expect(tag, .varint, field)
        return try readVarint()
    }

    /// A uint32 field; like every protobuf parser, a wider varint is truncated to its low 32 bits.
    mutating func uint32(_ tag: ProtobufTag, _ field: StaticString) throws(OTLPDecodingError) -> UInt32 {
        UInt32(truncatingIfNeeded: try varint(tag, field))
    }

    /// An int32 or enum field (a negative one is sent sign-extended to 10 bytes; the low 32 bits hold it).
    mutating func int32(_ tag: ProtobufTag, _ field: StaticString) throws(OTLPDecodingError) -> Int32 {
        Int32(truncatingIfNeeded: try varint(tag, field))
    }

    mutating func fixed32(_ tag: ProtobufTag, _ field: StaticString) throws(OTLPDecodingError) -> UInt32 {
        try expect(tag, .fixed32, field)
        return try readFixed32()
    }

    mutating func fixed64(_ tag: ProtobufTag, _ field: StaticString) throws(OTLPDecodingError) -> UInt64 {
        try expect(tag, .fixed64, field)
        return try readFixed64()
    }
}
