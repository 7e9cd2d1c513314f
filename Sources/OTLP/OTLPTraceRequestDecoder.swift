public import JSON

/// Reads the body of `POST /v1/traces` (an `ExportTraceServiceRequest`) in either encoding OTLP/HTTP
/// allows: binary protobuf (`application/x-protobuf`) or OTLP/JSON (`application/json`). Strict:
/// ids, UTF-8, wire types and lengths are checked, and a malformed body throws `OTLPDecodingError`.
public enum OTLPTraceRequestDecoder {
    /// How deep attribute values may nest (arrays and key-value lists inside each other). Each level
    /// is a recursion of the decoder, so a hostile body must not choose it.
    public static let maxAnyValueDepth = 32

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

    /// An OTLP/JSON document, already parsed by `JSONParser`.
    public static func decodeJSON(_ document: JSONValue) throws(OTLPDecodingError) -> OTLPExportRequest {
        var decoder = OTLPJSONDecoding()
        return try decoder.request(document)
    }

    /// An OTLP/JSON body: parsed (its syntax errors reported at their byte) and then decoded.
    public static func decodeJSON(_ body: [UInt8]) throws(OTLPDecodingError) -> OTLPExportRequest {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw OTLPDecodingError("invalid JSON: \(error.message)", at: .byteOffset(error.offset))
        }
        return try decodeJSON(document)
    }

    // The buffer closures are not typed-throwing, so the error travels back in a Result.
    private static func decodeResult(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<OTLPExportRequest, OTLPDecodingError> {
        var reader = ProtobufReader(buffer)
        do {
            return .success(try OTLPProtobufDecoding.request(&reader))
        } catch {
            return .failure(error)
        }
    }
}
