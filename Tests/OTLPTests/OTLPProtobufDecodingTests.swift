import Testing
@testable import OTLP

/// The protobuf decoder on bodies serialized by the real protobuf library, field by field.
@Suite("OTLP protobuf decoding")
struct OTLPProtobufDecodingTests {
    typealias Expected = OTLPExpectedRequests

    @Test func decodesTheMLflowRequestFieldByField() throws {
        let request = try OTLPTraceRequestDecoder.decodeProtobuf(OTLPTestSupport.mlflowBody)
        #expect(request.resourceSpans.count == 2)
        #expect(request.spanCount == 4)
        let first = try #require(request.resourceSpans.first)
        #expect(first.schemaURL == "https://opentelemetry.io/schemas/1.21.0")
        #expect(first.resource == Expected.mlflow.resourceSpans[0].resource)
        #expect(first.scopeSpans.count == 2)
        #expect(first.scopeSpans[0].scope == Expected.mlflow.resourceSpans[0].scopeSpans[0].scope)
        #expect(first.scopeSpans[1].scope.name == "opentelemetry.instrumentation.openai")
        #expect(first.scopeSpans[1].schemaURL == "https://opentelemetry.io/schemas/1.24.0")

        let root = first.scopeSpans[0].spans[0]
        #expect(root.traceID.hex == "0af7651916cd43dd8448eb211c80319c")
        #expect(root.spanID.hex == "b7ad6b7169203331")
        #expect(root.parentSpanID == nil)
        #expect(root.name == "predict ✓ 日本語")
        #expect(root.kind == .server && root.kind.name == "SPAN_KIND_SERVER")
        #expect(root.flags == 0x101)
        #expect(root.startTimeUnixNano == 1_733_583_000_123_456_789)
        #expect(root.endTimeUnixNano == 1_733_583_001_623_456_789)
        #expect(root.attributes.map(\.key) == ["mlflow.traceRequestId", "mlflow.spanType", "mlflow.spanInputs",
                                               "mlflow.spanOutputs"])
        #expect(root.attributes[2].value == .string(#"{"question": "What is MLflow?", "k": 3}"#))
        #expect(root.status == OTLPStatus(message: "", code: .ok))
        #expect(root == Expected.rootSpan)

        let child = first.scopeSpans[0].spans[1]
        #expect(child.parentSpanID?.hex == "b7ad6b7169203331")
        #expect(child.traceState == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        #expect(child.attributes[0] == Expected.childSpan.attributes[0])
        #expect(child.attributes[1].value == .bytes([0x00, 0x01, 0xFE, 0xFF]))
        #expect(child.attributes[2].value == .int(-9_007_199_254_740_993))
        #expect(child.attributes[4].value == .double(.infinity))
        #expect(child.attributes[5].value == .empty)
        #expect(child.events == Expected.childSpan.events)
        #expect(child.links.first?.traceID.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(child.links.first?.spanID.hex == "e457b5a2e4d86bd1")
        #expect(child.links == Expected.childSpan.links)
        #expect((child.droppedAttributesCount, child.droppedEventsCount, child.droppedLinksCount) == (3, 2, 5))
        #expect(child.status.code == .error && child.status.code.name == "STATUS_CODE_ERROR")
        #expect(child.status.message == "ValueError: boom – ünïcode")
        #expect(child == Expected.childSpan)

        #expect(first.scopeSpans[1].spans == [Expected.clientSpan])
        let producer = try #require(request.resourceSpans[1].scopeSpans.first?.spans.first)
        #expect(producer.startTimeUnixNano == 9_223_372_036_854_775_813)
        #expect(producer.endTimeUnixNano == UInt64.max)
        #expect(request.resourceSpans[1].resource.droppedAttributesCount == 6)
        #expect(request == Expected.mlflow)
    }

    @Test func decodesFromBorrowedMemoryTheSame() throws {
        let body = OTLPTestSupport.singleSpanBody
        let request = try body.withUnsafeBytes { raw in try OTLPTraceRequestDecoder.decodeProtobuf(raw) }
        #expect(request == Expected.singleSpan)
        #expect(try OTLPTraceRequestDecoder.decodeProtobuf(body) == Expected.singleSpan)
    }

    @Test func anEmptyBodyIsARequestWithoutSpans() throws {
        let request = try OTLPTraceRequestDecoder.decodeProtobuf([])
        #expect(request.resourceSpans.isEmpty)
        #expect(request.spanCount == 0)
    }

    @Test func skipsUnknownFieldsOfEveryWireType() throws {
        let plain = try OTLPTraceRequestDecoder.decodeProtobuf(ProtobufTestWriter.request())
        let noisy = try OTLPTraceRequestDecoder.decodeProtobuf(ProtobufTestWriter.request { span in
            span.varintField(100, UInt64.max)
            span.fixed64Field(101, 7)
            span.bytesField(102, [0xFF, 0xFE]) // unknown, so not checked as UTF-8
            span.fixed32Field(103, 9)
        })
        #expect(noisy == plain)
        #expect(noisy.resourceSpans[0].scopeSpans[0].spans[0].name == "span")
    }

    @Test func mergesASingularMessageSentTwiceAndTheLastScalarWins() throws {
        let request = try OTLPTraceRequestDecoder.decodeProtobuf(ProtobufTestWriter.request { span in
            span.message(15) { $0.stringField(2, "first") }
            span.message(15) { $0.varintField(3, 2) }
            span.stringField(5, "renamed")
        })
        let span = request.resourceSpans[0].scopeSpans[0].spans[0]
        #expect(span.status == OTLPStatus(message: "first", code: .error))
        #expect(span.name == "renamed")
    }

    @Test func keepsEnumNumbersTheProtoDoesNotName() throws {
        let request = try OTLPTraceRequestDecoder.decodeProtobuf(ProtobufTestWriter.request { span in
            span.varintField(6, 9)
            // A negative enum is sent as a sign-extended 10-byte varint.
            span.message(15) { $0.varintField(3, UInt64(bitPattern: -1)) }
        })
        let span = request.resourceSpans[0].scopeSpans[0].spans[0]
        #expect(span.kind.rawValue == 9 && span.kind.name == nil)
        #expect(span.status.code.rawValue == -1)
    }

    @Test func anAllZeroParentIsARootSpan() throws {
        let request = try OTLPTraceRequestDecoder.decodeProtobuf(ProtobufTestWriter.request { span in
            span.bytesField(4, [UInt8](repeating: 0, count: 8))
        })
        #expect(request.resourceSpans[0].scopeSpans[0].spans[0].parentSpanID == nil)
    }

    @Test func attributeValuesNestUpToTheLimit() throws {
        let depth = OTLPTraceRequestDecoder.maxAnyValueDepth
        let body = ProtobufTestWriter.attributeRequest { value in Self.nestedArrays(&value, levels: depth - 1) }
        let request = try OTLPTraceRequestDecoder.decodeProtobuf(body)
        var value = request.resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value
        var levels = 1
        while case .array(let items) = value, let first = items.first {
            value = first
            levels += 1
        }
        #expect(levels == depth)
        #expect(value == .int(1))
    }

    /// An AnyValue of `levels` arrays around the int 1 (so `levels + 1` AnyValues deep).
    static func nestedArrays(_ writer: inout ProtobufTestWriter, levels: Int) {
        if levels == 0 {
            writer.varintField(3, 1)
            return
        }
        writer.message(5) { array in array.message(1) { inner in nestedArrays(&inner, levels: levels - 1) } }
    }
}
