import JSON
import Testing
@testable import OTLP

/// A body may hold only so many elements: each costs memory far beyond its bytes (break-in review 3:
/// a million empty span events, 2 MB raw and 2 kB gzipped, took 370 MB to store).
@Suite("OTLP element budget")
struct OTLPElementBudgetTests {
    private static func varint(_ value: Int) -> [UInt8] {
        var value = UInt64(value)
        var out: [UInt8] = []
        repeat {
            let byte = UInt8(value & 0x7F)
            value >>= 7
            out.append(value == 0 ? byte : byte | 0x80)
        } while value != 0
        return out
    }

    private static func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(payload.count) + payload
    }

    /// One span with `events` empty events (field 11, two bytes each).
    private static func request(events: Int) -> [UInt8] {
        var span = field(1, Array(repeating: 1, count: 16)) + field(2, Array(repeating: 2, count: 8))
        span.reserveCapacity(span.count + 2 * events)
        for _ in 0..<events { span += [0x5A, 0x00] }
        return field(1, field(2, field(2, span)))
    }

    @Test func aProtobufBodyWithinTheBudgetIsRead() throws {
        let decoded = try OTLPTraceRequestDecoder.decodeProtobuf(Self.request(events: 1_000))
        #expect(decoded.resourceSpans.first?.scopeSpans.first?.spans.first?.events.count == 1_000)
    }

    @Test func aProtobufBodyPastTheBudgetIsRefused() {
        let body = Self.request(events: OTLPTraceRequestDecoder.maxElements)
        #expect(body.count < 600_000)
        let error = #expect(throws: OTLPDecodingError.self) { try OTLPTraceRequestDecoder.decodeProtobuf(body) }
        #expect(error?.message == "too many nested messages (elements) in one request")
    }

    @Test func aJSONBodyPastTheBudgetIsRefused() {
        let events = Array(repeating: "{}", count: OTLPTraceRequestDecoder.maxJSONValues).joined(separator: ",")
        let body = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01010101010101010101010101010101","#
            + #""spanId":"0202020202020202","events":[\#(events)]}]}]}]}"#
        let error = #expect(throws: OTLPDecodingError.self) { try OTLPTraceRequestDecoder.decodeJSON(Array(body.utf8)) }
        #expect(error?.message.contains("too many values") == true)
    }
}
