public import JSON

/// Reads the body of `POST /v1/traces` (an `ExportTraceServiceRequest`) in either encoding OTLP/HTTP
/// allows: binary protobuf (`application/x-protobuf`) or OTLP/JSON (`application/json`). Strict:
/// ids, UTF-8, wire types and lengths are checked, and a malformed body throws `OTLPDecodingError`.
public enum OTLPTraceRequestDecoder {
    /// How deep attribute values may nest (arrays and key-value lists inside each other). Each level
    /// is a recursion of the decoder, so a hostile body must not choose it.
    public static let maxAnyValueDepth = 32

    /// The JSON parser's nesting limit for an OTLP/JSON body: deep enough for attribute values nested
    /// `maxAnyValueDepth` deep (the envelope down to an attribute's value is 10 levels, and each key-value
    /// list level adds 4: `kvlistValue`, `values`, the pair, `value`), so both encodings allow the same
    /// nesting; the parser's default (64) would stop JSON at about 14 list levels.
    public static let maxJSONDepth = 12 + 4 * maxAnyValueDepth

    /// Nested messages (spans, events, links, attributes, values in lists) one protobuf body may
    /// hold: a large batch is a few tens of thousands; a million empty events in a 2 kB gzip body took
    /// 370 MB to store (break-in review 3). OTLP/JSON spends about four values per element.
    public static let maxElements = 250_000
    public static let maxJSONValues = 4 * maxElements

    /// A protobuf body.
    public static func decodeProtobuf(_ body: [UInt8]) throws(OTLPDecodingError) -> OTLPExportRequest {
        try body.withUnsafeBufferPointer { buffer in
            decodeResult(buffer)
        }.get()
    }

    /// A protobuf body in borrowed memory.
    public static func decodeProtobuf(_ body: UnsafeRawBufferPointer) throws(OTLPDecodingError) -> OTLPExportRequest {
        try body.withMemoryRebound(to: UInt8.self) { buffer in
            decodeResult(buffer)
        }.get()
    }

    /// An OTLP/JSON document, already parsed by `JSONParser` (with `maxJSONDepth`, or deep values
    /// within `maxAnyValueDepth` may not reach the decoder).
    public static func decodeJSON(_ document: JSONValue) throws(OTLPDecodingError) -> OTLPExportRequest {
        var decoder = OTLPJSONDecoding()
        return try decoder.request(document)
    }

    /// An OTLP/JSON body: parsed (its syntax errors reported at their byte) and then decoded.
    public static func decodeJSON(_ body: [UInt8]) throws(OTLPDecodingError) -> OTLPExportRequest {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body, maxDepth: maxJSONDepth, maxValues: maxJSONValues)
        } catch {
            throw OTLPDecodingError("invalid JSON: \(error.message)", at: .byteOffset(error.offset))
        }
        return try decodeJSON(document)
    }

    // The buffer closures are not typed-throwing, so the error travels back in a Result.
    private static func decodeResult(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<OTLPExportRequest, OTLPDecodingError> {
        var reader = ProtobufReader(buffer, maxMessages: maxElements)
        do {
            return .success(try OTLPProtobufDecoding.request(&reader))
        } catch {
            return .failure(error)
        }
    }
}
