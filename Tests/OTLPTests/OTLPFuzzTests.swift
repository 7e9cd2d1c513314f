import JSON
import Testing
@testable import OTLP

/// Deterministic fuzzing of both decoders with mutated fixtures: every body either decodes or throws
/// `OTLPDecodingError` (never traps), and a thrown protobuf error points inside the body.
@Suite("OTLP fuzz")
struct OTLPFuzzTests {
    /// SplitMix64: small, seeded, the same sequence on every run and platform.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    static func mutate(_ input: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { bytes.append(UInt8.random(in: 0...255, using: &random)); continue }
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1: bytes[index] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
            case 3: bytes.remove(at: index)
            case 4: // duplicate a short run, as a repeated field would
                let end = min(bytes.count, index + Int.random(in: 1...16, using: &random))
                bytes.insert(contentsOf: bytes[index..<end], at: index)
            default: bytes.removeLast(Int.random(in: 0...(bytes.count - index), using: &random))
            }
        }
        return bytes
    }

    @Test func mutatedProtobufBodiesDecodeOrThrow() {
        var random = SeededGenerator(state: 0x5EED_0001)
        let fixtures = [OTLPTestSupport.mlflowBody, OTLPTestSupport.singleSpanBody]
        var decoded = 0, refused = 0
        for iteration in 0..<4_000 {
            let body = Self.mutate(fixtures[iteration % fixtures.count], &random)
            do {
                let request = try OTLPTraceRequestDecoder.decodeProtobuf(body)
                decoded += 1
                // Deterministic: the same bytes give the same model (NaNs included).
                #expect(try OTLPTraceRequestDecoder.decodeProtobuf(body) == request)
            } catch {
                refused += 1
                guard case .byteOffset(let offset) = error.location else {
                    Issue.record("protobuf error without an offset: \(error)")
                    continue
                }
                #expect(offset >= 0 && offset <= body.count, "\(error)")
            }
        }
        print("protobuf fuzz: \(decoded) decoded, \(refused) refused")
        #expect(decoded + refused == 4_000)
        #expect(decoded > 0 && refused > 0)
    }

    @Test func mutatedJSONBodiesDecodeOrThrow() {
        var random = SeededGenerator(state: 0x5EED_0002)
        let fixtures = [Array(OTLPFixtures.mlflowJSON.utf8), Array(OTLPFixtures.mlflowJSONProtoNames.utf8)]
        var decoded = 0, refused = 0
        for iteration in 0..<1_500 {
            let body = Self.mutate(fixtures[iteration % fixtures.count], &random)
            do {
                _ = try OTLPTraceRequestDecoder.decodeJSON(body)
                decoded += 1
            } catch {
                refused += 1
                #expect(!error.message.isEmpty)
            }
        }
        print("JSON fuzz: \(decoded) decoded, \(refused) refused")
        #expect(decoded + refused == 1_500)
        #expect(decoded > 0 && refused > 0)
    }

    /// A sanity bound, not a timed assertion: prints how long 10,000 MLflow-like spans take.
    @Test func decodesTenThousandSpans() throws {
        let span = ProtobufTestWriter.build { span in
            span.bytesField(1, ProtobufTestWriter.traceID)
            span.bytesField(2, ProtobufTestWriter.spanID)
            span.bytesField(4, Array(25...32))
            span.stringField(5, "ChatModel.invoke")
            span.varintField(6, 1)
            span.fixed64Field(7, 1_733_583_000_123_456_789)
            span.fixed64Field(8, 1_733_583_000_223_456_789)
            for (key, value) in [("mlflow.spanType", #""CHAT_MODEL""#),
                                 ("mlflow.spanInputs", #"{"messages": [{"role": "user", "content": "What is MLflow?"}]}"#),
                                 ("mlflow.spanOutputs", #"{"choices": [{"message": {"content": "An ML platform."}}]}"#),
                                 ("mlflow.traceRequestId", #""tr-0102030405060708090a0b0c0d0e0f10""#)] {
                span.message(9) { keyValue in
                    keyValue.stringField(1, key)
                    keyValue.message(2) { $0.stringField(1, value) }
                }
            }
            span.message(11) { event in
                event.fixed64Field(1, 1_733_583_000_123_456_999)
                event.stringField(2, "token")
            }
            span.message(15) { $0.varintField(3, 1) }
        }
        let body = ProtobufTestWriter.build { request in
            request.message(1) { resourceSpans in
                resourceSpans.message(2) { scopeSpans in
                    for _ in 0..<10_000 { scopeSpans.bytesField(2, span) }
                }
            }
        }
        let clock = ContinuousClock()
        var request = OTLPExportRequest()
        let protobufTime = try clock.measure { request = try OTLPTraceRequestDecoder.decodeProtobuf(body) }
        #expect(request.spanCount == 10_000)
        #expect(request.resourceSpans[0].scopeSpans[0].spans[9_999].attributes.count == 4)

        var json = #"{"resourceSpans":[{"scopeSpans":[{"spans":["#
        let spanJSON = #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","#
            + #""parentSpanId":"191a1b1c1d1e1f20","name":"ChatModel.invoke","kind":1,"#
            + #""startTimeUnixNano":"1733583000123456789","endTimeUnixNano":"1733583000223456789","#
            + #""attributes":[{"key":"mlflow.spanInputs","value":{"stringValue":"{\"messages\": []}"}}],"#
            + #""events":[{"timeUnixNano":"1733583000123456999","name":"token"}],"status":{"code":1}}"#
        json += Array(repeating: spanJSON, count: 10_000).joined(separator: ",") + "]}]}]}"
        let jsonBytes = Array(json.utf8)
        let jsonTime = try clock.measure { request = try OTLPTraceRequestDecoder.decodeJSON(jsonBytes) }
        #expect(request.spanCount == 10_000)
        print("10,000 spans: protobuf \(body.count) bytes in \(protobufTime), JSON \(jsonBytes.count) bytes in \(jsonTime)")
    }
}
