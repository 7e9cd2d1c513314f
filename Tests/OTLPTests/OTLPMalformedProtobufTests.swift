import Testing
@testable import OTLP

/// Malformed protobuf bodies: each throws `OTLPDecodingError` naming what and where, none crashes.
@Suite("OTLP malformed protobuf")
struct OTLPMalformedProtobufTests {
    typealias W = ProtobufTestWriter
    typealias S = OTLPTestSupport

    @Test func everyTruncationOfASingleSpanRequestThrows() {
        let body = S.singleSpanBody
        for length in 1..<body.count {
            let error = S.protobufError(Array(body.prefix(length)))
            #expect(error != nil, "prefix of \(length) bytes decoded")
            if case .byteOffset(let offset)? = error?.location { #expect(offset >= 0 && offset <= length) }
        }
    }

    @Test func aTruncatedMultiResourceRequestOnlyDecodesAtAResourceBoundary() throws {
        let body = S.mlflowBody
        let full = try OTLPTraceRequestDecoder.decodeProtobuf(body)
        var decodedLengths: [Int] = []
        for length in 0..<body.count {
            guard let partial = try? OTLPTraceRequestDecoder.decodeProtobuf(Array(body.prefix(length))) else { continue }
            decodedLengths.append(length)
            #expect(Array(full.resourceSpans.prefix(partial.resourceSpans.count)) == partial.resourceSpans)
        }
        // The empty body, and the body cut right after the first of its two resource_spans fields.
        #expect(decodedLengths.count == 2)
        #expect(decodedLengths.first == 0)
    }

    @Test func refusesVarintsLongerThan64Bits() {
        // 10th byte 2: a 65th bit.
        let tenth = [0x0A] + [UInt8](repeating: 0xFF, count: 9) + [0x02]
        #expect(S.protobufError(tenth)?.description == "varint longer than 64 bits at byte 1")
        // 11 bytes: the 10th carries a continuation bit.
        let eleven = [0x0A] + [UInt8](repeating: 0x80, count: 10) + [0x00]
        #expect(S.protobufError(eleven)?.message == "varint longer than 64 bits")
        // The key itself overlong.
        let key = [UInt8](repeating: 0xFF, count: 10) + [0x01]
        #expect(S.protobufError(key)?.message == "varint longer than 64 bits")
    }

    @Test func readsTheLargestVarintAndRefusesATruncatedOne() throws {
        let maximal: [UInt8] = [UInt8](repeating: 0xFF, count: 9) + [0x01]
        let value = try maximal.withUnsafeBufferPointer { buffer in
            var reader = ProtobufReader(buffer)
            return try reader.readVarint()
        }
        #expect(value == UInt64.max)
        #expect(S.protobufError([0x0A, 0x80])?.description == "truncated varint at byte 1")
    }

    @Test func refusesLengthsPastTheEnd() {
        // resource_spans declares 5 bytes, 2 remain.
        #expect(S.protobufError([0x0A, 0x05, 0x00, 0x00])?.description
                == "length 5 runs past the end (2 bytes remain) at byte 1")
        // A nested length past its own message, though within the body.
        let nested: [UInt8] = [0x0A, 0x02, 0x12, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00]
        #expect(S.protobufError(nested)?.description == "length 5 runs past the end (0 bytes remain) at byte 3")
    }

    @Test func refusesAHugeDeclaredLengthWithoutOverflow() {
        let huge = [0x0A] + [UInt8](repeating: 0xFF, count: 9) + [0x01]
        #expect(S.protobufError(huge)?.message == "length 18446744073709551615 runs past the end (0 bytes remain)")
        let intMaxPlusOne: [UInt8] = [0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]
        #expect(S.protobufError(intMaxPlusOne)?.message.hasPrefix("length 9223372036854775808 runs past") == true)
    }

    @Test func aZeroLengthSpanHasNoIds() {
        let body = W.build { request in
            request.message(1) { $0.message(2) { $0.bytesField(2, []) } }
        }
        #expect(S.protobufError(body)?.description == "trace_id must be 16 bytes, got 0 at byte 6")
        // Zero-length resource and scope spans are fine: empty messages.
        let empty = W.build { request in request.message(1) { $0.message(2) { _ in } } }
        #expect(S.protobufError(empty) == nil)
    }

    @Test func refusesAKnownFieldWithTheWrongWireType() {
        let nameAsVarint = W.request { $0.varintField(5, 1) }
        #expect(S.protobufError(nameAsVarint)?.message == "field name (5) has wire type varint, expected length-delimited")
        let startAsVarint = W.request { $0.varintField(7, 1) }
        #expect(S.protobufError(startAsVarint)?.message
                == "field start_time_unix_nano (7) has wire type varint, expected fixed64")
        let flagsAsFixed64 = W.request { $0.fixed64Field(16, 1) }
        #expect(S.protobufError(flagsAsFixed64)?.message == "field flags (16) has wire type fixed64, expected fixed32")
        let kindAsBytes = W.request { $0.bytesField(6, [1]) }
        #expect(S.protobufError(kindAsBytes)?.message == "field kind (6) has wire type length-delimited, expected varint")
        let intAsFixed = W.attributeRequest { $0.fixed64Field(3, 1) }
        #expect(S.protobufError(intAsFixed)?.message == "field int_value (3) has wire type fixed64, expected varint")
    }

    @Test func refusesGroupsInvalidWireTypesAndFieldZero() {
        #expect(S.protobufError([0x0B])?.description == "unsupported group wire type 3 for field 1 at byte 0")
        #expect(S.protobufError([0x0C])?.description == "unsupported group wire type 4 for field 1 at byte 0")
        #expect(S.protobufError(W.request { $0.tag(200, 3) })?.message == "unsupported group wire type 3 for field 200")
        #expect(S.protobufError([0x0E])?.description == "invalid wire type 6 for field 1 at byte 0")
        #expect(S.protobufError([0x0F])?.description == "invalid wire type 7 for field 1 at byte 0")
        #expect(S.protobufError([0x02, 0x00])?.description == "invalid field number 0 at byte 0")
        // A key wider than 32 bits: field number past 2^29 - 1.
        #expect(S.protobufError([0x80, 0x80, 0x80, 0x80, 0x10])?.message == "field number 536870912 out of range")
    }

    @Test func refusesBadIdLengthsAndZeroIds() {
        func message(_ body: [UInt8]) -> String? { S.protobufError(body)?.message }
        #expect(message(W.request(traceID: Array(1...15))) == "trace_id must be 16 bytes, got 15")
        #expect(message(W.request(traceID: Array(1...17))) == "trace_id must be 16 bytes, got 17")
        #expect(message(W.request(traceID: [UInt8](repeating: 0, count: 16))) == "trace_id must not be all zeros")
        #expect(message(W.request(spanID: Array(1...7))) == "span_id must be 8 bytes, got 7")
        #expect(message(W.request(spanID: [])) == "span_id must be 8 bytes, got 0")
        #expect(message(W.request(spanID: [UInt8](repeating: 0, count: 8))) == "span_id must not be all zeros")
        #expect(message(W.request { $0.bytesField(4, [1, 2, 3, 4]) }) == "parent_span_id must be 8 bytes, got 4")
        let badLink = W.request { span in
            span.message(13) { link in
                link.bytesField(1, Array(1...16))
                link.bytesField(2, Array(1...9))
            }
        }
        #expect(message(badLink) == "link span_id must be 8 bytes, got 9")
        // The error points at the offending field's key.
        let body = W.request(traceID: Array(1...15))
        #expect(S.protobufError(body)?.location == .byteOffset(6))
        #expect(body[6] == 0x0A)
    }

    @Test func refusesInvalidUTF8InEveryStringField() {
        let invalid: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x9C], [0x61, 0x80]]
        for bytes in invalid {
            #expect(S.protobufError(W.request { $0.bytesField(5, bytes) })?.message == "invalid UTF-8 in string")
            #expect(S.protobufError(W.request { $0.bytesField(3, bytes) })?.message == "invalid UTF-8 in string")
            let key = W.request { span in span.message(9) { $0.bytesField(1, bytes) } }
            #expect(S.protobufError(key)?.message == "invalid UTF-8 in string")
            #expect(S.protobufError(W.attributeRequest { $0.bytesField(1, bytes) })?.message == "invalid UTF-8 in string")
            let status = W.request { span in span.message(15) { $0.bytesField(2, bytes) } }
            #expect(S.protobufError(status)?.message == "invalid UTF-8 in string")
        }
        // The same bytes as bytes_value are data, not text.
        #expect(S.protobufError(W.attributeRequest { $0.bytesField(7, [0xFF]) }) == nil)
    }

    @Test func refusesADepthBombOfNestedArrays() {
        let limit = OTLPTraceRequestDecoder.maxAnyValueDepth
        let justOver = W.attributeRequest { OTLPProtobufDecodingTests.nestedArrays(&$0, levels: limit) }
        #expect(S.protobufError(justOver)?.message == "attribute values nested deeper than \(limit)")
        // 5,000 levels built inside out: no recursion limit of ours, only the decoder's, is reached.
        var value = ProtobufTestWriter.build { $0.varintField(3, 1) }
        for _ in 0..<5_000 {
            let array = ProtobufTestWriter.build { $0.bytesField(1, value) }
            value = ProtobufTestWriter.build { $0.bytesField(5, array) }
        }
        let bomb = W.request { span in
            span.message(9) { keyValue in
                keyValue.stringField(1, "bomb")
                keyValue.bytesField(2, value)
            }
        }
        #expect(S.protobufError(bomb)?.message == "attribute values nested deeper than \(limit)")
        let kvlistBomb = W.attributeRequest { Self.nestedLists(&$0, levels: limit + 5) }
        #expect(S.protobufError(kvlistBomb)?.message == "attribute values nested deeper than \(limit)")
    }

    @Test func refusesProfilesStringTableReferences() {
        let key = W.request { span in span.message(9) { $0.varintField(3, 1) } }
        #expect(S.protobufError(key)?.message.hasPrefix("key_strindex refers to a profiles string table") == true)
        let value = W.attributeRequest { $0.varintField(8, 1) }
        #expect(S.protobufError(value)?.message.hasPrefix("string_value_strindex refers to a profiles") == true)
    }

    static func nestedLists(_ writer: inout ProtobufTestWriter, levels: Int) {
        if levels == 0 {
            writer.varintField(2, 1)
            return
        }
        writer.message(6) { list in
            list.message(1) { keyValue in
                keyValue.stringField(1, "k")
                keyValue.message(2) { nestedLists(&$0, levels: levels - 1) }
            }
        }
    }
}
