/// A strict cursor over protobuf wire-format bytes. Every read is checked against the end of the
/// message being read (a nested message is read by a reader bounded to its own length), so a hostile
/// body can make it throw but never read past its bytes. Offsets in errors are from the body's start.
///
/// The buffer is borrowed: use a reader only inside the `withUnsafeBufferPointer` scope that made it.
struct ProtobufReader {
    /// Largest field number protobuf allows (2^29 - 1).
    static let maxFieldNumber: UInt64 = 536_870_911

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position: Int
    let end: Int
    /// Nested messages the whole body may still hold, shared by every reader made from this one.
    let budget: ProtobufMessageBudget

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxMessages: Int = .max) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
        self.budget = ProtobufMessageBudget(remaining: maxMessages)
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, budget: ProtobufMessageBudget) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
        self.budget = budget
    }

    var isAtEnd: Bool { position >= end }

    func error(_ message: String, at offset: Int? = nil) -> OTLPDecodingError {
        OTLPDecodingError(message, at: .byteOffset(offset ?? position))
    }

    /// The next field's key. Field number 0, numbers past 2^29 - 1 and wire types 6 and 7 are invalid;
    /// groups (3, 4) are deprecated and appear in no OTLP message, so they are refused too.
    mutating func readTag() throws(OTLPDecodingError) -> ProtobufTag {
        let offset = position
        let key = try readVarint()
        let fieldNumber = key >> 3
        guard fieldNumber != 0 else { throw error("invalid field number 0", at: offset) }
        guard fieldNumber <= Self.maxFieldNumber else { throw error("field number \(fieldNumber) out of range", at: offset) }
        let rawWireType = UInt8(key & 7)
        guard let wireType = ProtobufWireType(rawValue: rawWireType) else {
            throw error("invalid wire type \(rawWireType) for field \(fieldNumber)", at: offset)
        }
        if wireType == .startGroup || wireType == .endGroup {
            throw error("unsupported group wire type \(rawWireType) for field \(fieldNumber)", at: offset)
        }
        return ProtobufTag(fieldNumber: UInt32(fieldNumber), wireType: wireType, offset: offset)
    }

    /// A base-128 varint of at most 10 bytes; the 10th may only hold the 64th bit (0 or 1).
    mutating func readVarint() throws(OTLPDecodingError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw error("truncated varint", at: start) }
            let byte = bytes[position]
            if shift == 63, byte > 1 { throw error("varint longer than 64 bits", at: start) }
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readFixed32() throws(OTLPDecodingError) -> UInt32 {
        guard end - position >= 4 else { throw error("truncated fixed32 (\(end - position) bytes remain)") }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[position + index]) << (8 * UInt32(index)) }
        position += 4
        return value
    }

    mutating func readFixed64() throws(OTLPDecodingError) -> UInt64 {
        guard end - position >= 8 else { throw error("truncated fixed64 (\(end - position) bytes remain)") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return value
    }

    /// The range of a length-delimited field's payload, checked against what remains of this message.
    mutating func readLengthDelimited() throws(OTLPDecodingError) -> Range<Int> {
        let start = position
        let length = try readVarint()
        let remaining = end - position
        guard length <= UInt64(remaining) else {
            throw error("length \(length) runs past the end (\(remaining) bytes remain)", at: start)
        }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    /// A reader over a nested message's payload (from `readLengthDelimited`), sharing this body's offsets.
    func nested(_ range: Range<Int>) -> ProtobufReader {
        ProtobufReader(bytes: bytes, range: range, budget: budget)
    }

    /// The bytes of a range this reader returned (ids are validated without a copy).
    func slice(_ range: Range<Int>) -> Slice<UnsafeBufferPointer<UInt8>> {
        bytes[range]
    }

    /// A length-delimited field as a string; protobuf requires valid UTF-8, so anything else is refused.
    mutating func readString() throws(OTLPDecodingError) -> String {
        let range = try readLengthDelimited()
        guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
            throw error("invalid UTF-8 in string", at: range.lowerBound)
        }
        return text
    }

    /// A length-delimited field's bytes, copied.
    mutating func readBytes() throws(OTLPDecodingError) -> [UInt8] {
        Array(UnsafeBufferPointer(rebasing: bytes[try readLengthDelimited()]))
    }

    /// Steps over a field this reader has no use for (unknown fields are ignored, as protobuf requires).
    mutating func skip(_ tag: ProtobufTag) throws(OTLPDecodingError) {
        switch tag.wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .fixed32: _ = try readFixed32()
        case .startGroup, .endGroup: throw error("unsupported group wire type", at: tag.offset)
        }
    }

    /// Refuses a known field sent with another wire type than its declared one.
    func expect(_ tag: ProtobufTag, _ wireType: ProtobufWireType, _ field: StaticString) throws(OTLPDecodingError) {
        guard tag.wireType == wireType else {
            throw error("field \(field) (\(tag.fieldNumber)) has wire type \(tag.wireType), expected \(wireType)",
                        at: tag.offset)
        }
    }
}

/// How many nested messages one body may still open. Each costs memory out of proportion to its
/// bytes (an empty span event is 2 bytes on the wire and a struct, then a JSON object, in memory),
/// so a small body, or a compressed one, could otherwise make the server hold gigabytes.
final class ProtobufMessageBudget {
    var remaining: Int

    init(remaining: Int) {
        self.remaining = remaining
    }
}
