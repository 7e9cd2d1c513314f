/// A minimal protobuf encoder for building malformed and synthetic bodies in tests (the fixtures
/// themselves come from the real protobuf library).
struct ProtobufTestWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func tag(_ field: UInt64, _ wireType: UInt64) { varint(field << 3 | wireType) }

    mutating func varintField(_ field: UInt64, _ value: UInt64) {
        tag(field, 0)
        varint(value)
    }

    mutating func fixed64Field(_ field: UInt64, _ value: UInt64) {
        tag(field, 1)
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * index))) }
    }

    mutating func fixed32Field(_ field: UInt64, _ value: UInt32) {
        tag(field, 5)
        for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * index))) }
    }

    mutating func bytesField(_ field: UInt64, _ payload: [UInt8]) {
        tag(field, 2)
        varint(UInt64(payload.count))
        bytes += payload
    }

    mutating func stringField(_ field: UInt64, _ text: String) { bytesField(field, Array(text.utf8)) }

    mutating func message(_ field: UInt64, _ build: (inout ProtobufTestWriter) -> Void) {
        var inner = ProtobufTestWriter()
        build(&inner)
        bytesField(field, inner.bytes)
    }

    static func build(_ body: (inout ProtobufTestWriter) -> Void) -> [UInt8] {
        var writer = ProtobufTestWriter()
        body(&writer)
        return writer.bytes
    }

    static let traceID: [UInt8] = Array(1...16)
    static let spanID: [UInt8] = Array(17...24)

    /// A request holding one span: valid ids and a name, then whatever `extra` writes into the span.
    static func request(traceID: [UInt8] = traceID, spanID: [UInt8] = spanID,
                        extra: (inout ProtobufTestWriter) -> Void = { _ in }) -> [UInt8] {
        build { request in
            request.message(1) { resourceSpans in
                resourceSpans.message(2) { scopeSpans in
                    scopeSpans.message(2) { span in
                        span.bytesField(1, traceID)
                        span.bytesField(2, spanID)
                        span.stringField(5, "span")
                        extra(&span)
                    }
                }
            }
        }
    }

    /// A request whose one span has one attribute `key` with the AnyValue `value` wrote.
    static func attributeRequest(_ value: @escaping (inout ProtobufTestWriter) -> Void) -> [UInt8] {
        request { span in
            span.message(9) { keyValue in
                keyValue.stringField(1, "key")
                keyValue.message(2, value)
            }
        }
    }
}
