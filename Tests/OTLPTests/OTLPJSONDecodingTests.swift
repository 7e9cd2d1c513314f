import JSON
import Testing
@testable import OTLP

/// OTLP/JSON: the same model as the protobuf form, from MessageToJson's output (ids as hex), in both
/// field spellings, with protobuf's JSON scalar forms; wrong types refused with the path at fault.
@Suite("OTLP JSON decoding")
struct OTLPJSONDecodingTests {
    typealias S = OTLPTestSupport

    /// A one-span request around `spanFields` (members of the span object, after valid ids).
    static func request(span spanFields: String) -> String {
        #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718""#
            + (spanFields.isEmpty ? "" : "," + spanFields) + "}]}]}]}"
    }

    static func span(_ spanFields: String) throws -> OTLPSpan {
        let request = try OTLPTraceRequestDecoder.decodeJSON(Array(request(span: spanFields).utf8))
        return try #require(request.resourceSpans.first?.scopeSpans.first?.spans.first)
    }

    @Test func messageToJsonOutputDecodesToTheProtobufModel() throws {
        let fromProtobuf = try OTLPTraceRequestDecoder.decodeProtobuf(S.mlflowBody)
        let fromJSON = try OTLPTraceRequestDecoder.decodeJSON(Array(OTLPFixtures.mlflowJSON.utf8))
        #expect(fromJSON == fromProtobuf)
        #expect(fromJSON == OTLPExpectedRequests.mlflow)
        let child = fromJSON.resourceSpans[0].scopeSpans[0].spans[1]
        #expect(child.parentSpanID?.hex == "b7ad6b7169203331")
        #expect(child.links.first?.traceID.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(child.attributes[1].value == .bytes([0x00, 0x01, 0xFE, 0xFF]))
        #expect(child.attributes[4].value == .double(.infinity))
        #expect(fromJSON.resourceSpans[1].scopeSpans[0].spans[0].startTimeUnixNano == 9_223_372_036_854_775_813)
    }

    @Test func protoFieldNamesAndIntegerEnumsDecodeTheSame() throws {
        let document = try JSONParser.parse(OTLPFixtures.mlflowJSONProtoNames)
        #expect(try OTLPTraceRequestDecoder.decodeJSON(document) == OTLPExpectedRequests.mlflow)
    }

    @Test func readsProtobufsJSONScalarForms() throws {
        let span = try Self.span(#"""
            "parentSpanId":"", "kind":3, "flags":"257", "startTimeUnixNano":1733583000123456789,
            "endTimeUnixNano":"1733583000123456790", "droppedAttributesCount":2, "status":{"code":"STATUS_CODE_ERROR"},
            "attributes":[
              {"key":"i","value":{"intValue":-5}}, {"key":"s","value":{"intValue":"-9223372036854775808"}},
              {"key":"d","value":{"doubleValue":1}}, {"key":"n","value":{"doubleValue":"-Infinity"}},
              {"key":"e","value":{"doubleValue":"2.5e-3"}}, {"key":"b","value":{"bytesValue":"_-8"}},
              {"key":"p","value":{"bytesValue":"AQ=="}}, {"key":"u","value":{}}, {"key":"z","value":null},
              {"key":"t","value":{"boolValue":false}}, {"key":"big","value":{"doubleValue":1e300}}
            ], "unknownField":{"ignored":[1,2]}, "name":null
            """#)
        #expect(span.parentSpanID == nil)
        #expect(span.kind == .client)
        #expect(span.flags == 257)
        #expect(span.startTimeUnixNano == 1_733_583_000_123_456_789)
        #expect(span.endTimeUnixNano == 1_733_583_000_123_456_790)
        #expect(span.droppedAttributesCount == 2)
        #expect(span.status == OTLPStatus(code: .error))
        #expect(span.name == "")
        #expect(span.attributes.map(\.value) == [
            .int(-5), .int(Int64.min), .double(1), .double(-.infinity), .double(0.0025), .bytes([0xFF, 0xEF]),
            .bytes([0x01]), .empty, .empty, .bool(false), .double(1e300),
        ])
        #expect(span.traceID.hex == "0102030405060708090a0b0c0d0e0f10")
        #expect(span.spanID.hex == "1112131415161718")
    }

    @Test func acceptsUpperCaseHexIdsAndNaN() throws {
        let span = try Self.span(#""parentSpanId":"B7AD6B7169203331","attributes":[{"key":"x","value":{"doubleValue":"NaN"}}]"#)
        #expect(span.parentSpanID?.hex == "b7ad6b7169203331")
        guard case .double(let value) = span.attributes[0].value else { Issue.record("not a double"); return }
        #expect(value.isNaN)
    }

    @Test func refusesWrongTypesWithThePath() {
        func error(_ fields: String) -> String? { S.jsonError(Self.request(span: fields))?.description }
        let at = "at resourceSpans[0].scopeSpans[0].spans[0]"
        #expect(error(#""name":5"#) == "expected a string, got number \(at).name")
        #expect(error(#""startTimeUnixNano":"-1""#) == "expected an unsigned 64-bit integer, got \"-1\" \(at).startTimeUnixNano")
        #expect(error(#""startTimeUnixNano":1.5"#) == "expected an unsigned 64-bit integer, got number \(at).startTimeUnixNano")
        #expect(error(#""startTimeUnixNano":"+1""#) == "expected an unsigned 64-bit integer, got \"+1\" \(at).startTimeUnixNano")
        #expect(error(#""startTimeUnixNano":"18446744073709551616""#)?.hasPrefix("expected an unsigned 64-bit integer") == true)
        #expect(error(#""flags":4294967296"#) == "expected an unsigned 32-bit integer, got number \(at).flags")
        #expect(error(#""kind":"SERVER""#) == "unknown enum value 'SERVER' \(at).kind")
        #expect(error(#""kind":true"#) == "expected a 32-bit integer, got boolean \(at).kind")
        #expect(error(#""attributes":{}"#) == "expected an array, got object \(at).attributes")
        #expect(error(#""status":[]"#) == "expected an object, got array \(at).status")
        #expect(error(#""attributes":[{"key":"k","value":{"boolValue":"true"}}]"#)
                == "expected a boolean, got \"true\" \(at).attributes[0].value.boolValue")
        #expect(error(#""attributes":[{"key":"k","value":{"doubleValue":"inf"}}]"#)
                == "expected a number, got \"inf\" \(at).attributes[0].value.doubleValue")
        #expect(error(#""attributes":[{"key":"k","value":{"bytesValue":"AQ="}}]"#)
                == "expected a base64 string, got \"AQ=\" \(at).attributes[0].value.bytesValue")
        #expect(error(#""attributes":[{"key":"k","value":{"arrayValue":{"values":[{"intValue":"x"}]}}}]"#)
                == "expected a 64-bit integer, got \"x\" \(at).attributes[0].value.arrayValue.values[0].intValue")
        #expect(S.jsonError("[]")?.description == "expected an object, got array")
        #expect(S.jsonError(#"{"resourceSpans":{}}"#)?.description == "expected an array, got object at resourceSpans")
        #expect(S.jsonError(#"{"resourceSpans":[1"#)?.description == "invalid JSON: unexpected end of input at byte 19")
    }

    @Test func refusesBadIds() {
        func error(_ fields: String) -> String? { S.jsonError(Self.request(span: fields))?.message }
        #expect(error(#""traceId":"0102""#) == "traceId must be 16 bytes, got 2")
        #expect(error(#""traceId":"00000000000000000000000000000000""#) == "traceId must not be all zeros")
        #expect(error(#""spanId":"zz12131415161718""#) == "expected a hex string, got \"zz12131415161718\"")
        #expect(error(#""spanId":"111213141516171""#) == "expected a hex string, got \"111213141516171\"")
        // Base64, protobuf's usual form for bytes, is not OTLP/JSON's form for ids.
        #expect(error(#""spanId":"ERITFBUWFxg=""#) == "expected a hex string, got \"ERITFBUWFxg=\"")
        #expect(error(#""parentSpanId":"0102""#) == "parentSpanId must be 8 bytes, got 2")
        #expect(S.jsonError(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"1112131415161718"}]}]}]}"#)?.description
                == "traceId must be 16 bytes, got 0 at resourceSpans[0].scopeSpans[0].spans[0]")
        #expect(error(#""links":[{"traceId":"0102030405060708090a0b0c0d0e0f10"}]"#) == "spanId must be 8 bytes, got 0")
    }

    @Test func refusesADepthBombOfNestedArrays() throws {
        let limit = OTLPTraceRequestDecoder.maxAnyValueDepth
        func nested(_ levels: Int) -> String {
            String(repeating: #"{"arrayValue":{"values":["#, count: levels) + #"{"intValue":1}"# + String(repeating: "]}}", count: levels)
        }
        let atLimit = Self.request(span: #""attributes":[{"key":"k","value":"# + nested(limit - 1) + "}]")
        #expect(S.jsonError(atLimit) == nil)
        let over = Self.request(span: #""attributes":[{"key":"k","value":"# + nested(limit) + "}]")
        #expect(S.jsonError(over)?.message == "attribute values nested deeper than \(limit)")
        // Key-value lists nest deepest in JSON (4 levels each): the same limit holds as in protobuf.
        func lists(_ levels: Int) -> String {
            String(repeating: #"{"kvlistValue":{"values":[{"key":"k","value":"#, count: levels) + #"{"arrayValue":{"values":[]}}"#
                + String(repeating: "}]}}", count: levels)
        }
        let listsAtLimit = Self.request(span: #""attributes":[{"key":"k","value":"# + lists(limit - 1) + "}]")
        #expect(S.jsonError(listsAtLimit) == nil)
        let listsOver = Self.request(span: #""attributes":[{"key":"k","value":"# + lists(limit) + "}]")
        #expect(S.jsonError(listsOver)?.message == "attribute values nested deeper than \(limit)")
        // A JSON document deeper than the parser's limit is refused before our walk.
        let huge = Self.request(span: #""attributes":[{"key":"k","value":"# + nested(10_000) + "}]")
        #expect(S.jsonError(huge)?.message == "invalid JSON: nesting too deep")
    }
}
