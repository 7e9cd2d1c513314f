import JSON

/// The OTLP/JSON decoding of the request's envelope. Field names are the lowerCamelCase JSON names
/// or the proto's snake_case names (protobuf's JSON parsers accept both); unknown fields are ignored,
/// `null` leaves a field at its default, and a value of the wrong JSON type is refused. Errors carry
/// the path of the value at fault.
struct OTLPJSONDecoding {
    /// One step of the path to the value being read (kept as a stack, rendered only for an error).
    private enum PathStep {
        case field(String)
        case index(Int)
    }

    private var path: [PathStep] = []

    func error(_ message: String) -> OTLPDecodingError {
        var rendered = ""
        for step in path {
            switch step {
            case .field(let name): rendered += rendered.isEmpty ? name : "." + name
            case .index(let index): rendered += "[\(index)]"
            }
        }
        return OTLPDecodingError(message, at: .jsonPath(rendered))
    }

    /// The members of an object, each with the path pointing at it while `body` reads it; `null`
    /// members are skipped (protobuf's JSON mapping: the field keeps its default).
    mutating func members(_ value: JSONValue,
                          _ body: (inout OTLPJSONDecoding, String, JSONValue) throws(OTLPDecodingError) -> Void)
        throws(OTLPDecodingError) {
        guard case .object(let members) = value else { throw mismatch("an object", value) }
        for (key, member) in members {
            if case .null = member { continue }
            path.append(.field(key))
            defer { path.removeLast() }
            try body(&self, key, member)
        }
    }

    /// The elements of an array field, each with its index on the path.
    mutating func elements<Element>(_ value: JSONValue,
                                    _ body: (inout OTLPJSONDecoding, JSONValue) throws(OTLPDecodingError) -> Element)
        throws(OTLPDecodingError) -> [Element] {
        guard case .array(let items) = value else { throw mismatch("an array", value) }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            path.append(.index(index))
            defer { path.removeLast() }
            result.append(try body(&self, item))
        }
        return result
    }

    mutating func request(_ value: JSONValue) throws(OTLPDecodingError) -> OTLPExportRequest {
        var request = OTLPExportRequest()
        try members(value) { decoder, key, member throws(OTLPDecodingError) in
            switch key {
            case "resourceSpans", "resource_spans":
                request.resourceSpans = try decoder.elements(member) { decoder, item throws(OTLPDecodingError) in
                    try decoder.resourceSpans(item)
                }
            default: break
            }
        }
        return request
    }

    mutating func resourceSpans(_ value: JSONValue) throws(OTLPDecodingError) -> OTLPResourceSpans {
        var result = OTLPResourceSpans()
        try members(value) { decoder, key, member throws(OTLPDecodingError) in
            switch key {
            case "resource": result.resource = try decoder.resource(member)
            case "scopeSpans", "scope_spans":
                result.scopeSpans = try decoder.elements(member) { decoder, item throws(OTLPDecodingError) in
                    try decoder.scopeSpans(item)
                }
            case "schemaUrl", "schema_url": result.schemaURL = try decoder.string(member)
            default: break
            }
        }
        return result
    }

    mutating func scopeSpans(_ value: JSONValue) throws(OTLPDecodingError) -> OTLPScopeSpans {
        var result = OTLPScopeSpans()
        try members(value) { decoder, key, member throws(OTLPDecodingError) in
            switch key {
            case "scope": result.scope = try decoder.scope(member)
            case "spans":
                result.spans = try decoder.elements(member) { decoder, item throws(OTLPDecodingError) in
                    try decoder.span(item)
                }
            case "schemaUrl", "schema_url": result.schemaURL = try decoder.string(member)
            default: break
            }
        }
        return result
    }

    mutating func resource(_ value: JSONValue) throws(OTLPDecodingError) -> OTLPResource {
        var result = OTLPResource()
        try members(value) { decoder, key, member throws(OTLPDecodingError) in
            switch key {
            case "attributes": result.attributes = try decoder.attributes(member)
            case "droppedAttributesCount", "dropped_attributes_count":
                result.droppedAttributesCount = try decoder.uint32(member)
            default: break
            }
        }
        return result
    }

    mutating func scope(_ value: JSONValue) throws(OTLPDecodingError) -> OTLPInstrumentationScope {
        var result = OTLPInstrumentationScope()
        try members(value) { decoder, key, member throws(OTLPDecodingError) in
            switch key {
            case "name": result.name = try decoder.string(member)
            case "version": result.version = try decoder.string(member)
            case "attributes": result.attributes = try decoder.attributes(member)
            case "droppedAttributesCount", "dropped_attributes_count":
                result.droppedAttributesCount = try decoder.uint32(member)
            default: break
            }
        }
        return result
    }
}
