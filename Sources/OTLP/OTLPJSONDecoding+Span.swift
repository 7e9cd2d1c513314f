import JSON

/// The OTLP/JSON decoding of spans, events, links, status and attributes. Ids are hex strings (OTLP's
/// exception to protobuf's base64 for bytes) validated as the protobuf decoder validates them.
extension OTLPJSONDecoding {
    mutating func span(_ value: JSONValue) throws(OTLPDecodingError) -> OTLPSpan {
        var traceID: OTLPTraceID? = nil
        var spanID: OTLPSpanID? = nil
        var result = OTLPSpan(traceID: OTLPTraceID(high: 0, low: 0), spanID: OTLPSpanID(0))
        try members(value) { decoder, key, member throws(OTLPDecodingError) in
            switch key {
            case "traceId", "trace_id": traceID = try decoder.id(OTLPTraceID.validated(decoder.hexBytes(member)), key)
            case "spanId", "span_id": spanID = try decoder.id(OTLPSpanID.validated(decoder.hexBytes(member)), key)
            case "parentSpanId", "parent_span_id":
                result.parentSpanID = try decoder.id(OTLPSpanID.validatedParent(decoder.hexBytes(member)), key)
            case "traceState", "trace_state": result.traceState = try decoder.string(member)
            case "flags": result.flags = try decoder.uint32(member)
            case "name": result.name = try decoder.string(member)
            case "kind": result.kind = OTLPSpanKind(rawValue: try decoder.enumeration(member, names: OTLPSpanKind.names))
            case "startTimeUnixNano", "start_time_unix_nano": result.startTimeUnixNano = try decoder.uint64(member)
            case "endTimeUnixNano", "end_time_unix_nano": result.endTimeUnixNano = try decoder.uint64(member)
            case "attributes": result.attributes = try decoder.attributes(member)
            case "droppedAttributesCount", "dropped_attributes_count":
                result.droppedAttributesCount = try decoder.uint32(member)
            case "events":
                result.events = try decoder.elements(member) { decoder, item throws(OTLPDecodingError) in
                    try decoder.event(item)
                }
            case "droppedEventsCount", "dropped_events_count": result.droppedEventsCount = try decoder.uint32(member)
            case "links":
                result.links = try decoder.elements(member) { decoder, item throws(OTLPDecodingError) in
                    try decoder.link(item)
                }
            case "droppedLinksCount", "dropped_links_count": result.droppedLinksCount = try decoder.uint32(member)
            case "status": result.status = try decoder.status(member)
            default: break
            }
        }
        // An absent id is proto3's empty bytes: refused with the same words as a short one.
        guard let traceID else { throw error(OTLPIdentifierProblem.wrongLength(0, expected: 16).message(field: "traceId")) }
        guard let spanID else { throw error(OTLPIdentifierProblem.wrongLength(0, expected: 8).message(field: "spanId")) }
        result.traceID = traceID
        result.spanID = spanID
        return result
    }

    mutating func event(_ value: JSONValue) throws(OTLPDecodingError) -> OTLPSpanEvent {
        var result = OTLPSpanEvent()
        try members(value) { decoder, key, member throws(OTLPDecodingError) in
            switch key {
            case "timeUnixNano", "time_unix_nano": result.timeUnixNano = try decoder.uint64(member)
            case "name": result.name = try decoder.string(member)
            case "attributes": result.attributes = try decoder.attributes(member)
            case "droppedAttributesCount", "dropped_attributes_count":
                result.droppedAttributesCount = try decoder.uint32(member)
            default: break
            }
        }
        return result
    }

    mutating func link(_ value: JSONValue) throws(OTLPDecodingError) -> OTLPSpanLink {
        var traceID: OTLPTraceID? = nil
        var spanID: OTLPSpanID? = nil
        var result = OTLPSpanLink(traceID: OTLPTraceID(high: 0, low: 0), spanID: OTLPSpanID(0))
        try members(value) { decoder, key, member throws(OTLPDecodingError) in
            switch key {
            case "traceId", "trace_id": traceID = try decoder.id(OTLPTraceID.validated(decoder.hexBytes(member)), key)
            case "spanId", "span_id": spanID = try decoder.id(OTLPSpanID.validated(decoder.hexBytes(member)), key)
            case "traceState", "trace_state": result.traceState = try decoder.string(member)
            case "attributes": result.attributes = try decoder.attributes(member)
            case "droppedAttributesCount", "dropped_attributes_count":
                result.droppedAttributesCount = try decoder.uint32(member)
            case "flags": result.flags = try decoder.uint32(member)
            default: break
            }
        }
        guard let traceID else { throw error(OTLPIdentifierProblem.wrongLength(0, expected: 16).message(field: "traceId")) }
        guard let spanID else { throw error(OTLPIdentifierProblem.wrongLength(0, expected: 8).message(field: "spanId")) }
        result.traceID = traceID
        result.spanID = spanID
        return result
    }

    mutating func status(_ value: JSONValue) throws(OTLPDecodingError) -> OTLPStatus {
        var result = OTLPStatus()
        try members(value) { decoder, key, member throws(OTLPDecodingError) in
            switch key {
            case "message": result.message = try decoder.string(member)
            case "code": result.code = OTLPStatusCode(rawValue: try decoder.enumeration(member, names: OTLPStatusCode.names))
            default: break
            }
        }
        return result
    }

    /// An `attributes` field: top-level key-values, their values at depth 1.
    mutating func attributes(_ value: JSONValue) throws(OTLPDecodingError) -> [OTLPKeyValue] {
        try elements(value) { decoder, item throws(OTLPDecodingError) in try decoder.keyValue(item, depth: 1) }
    }

    mutating func keyValue(_ value: JSONValue, depth: Int) throws(OTLPDecodingError) -> OTLPKeyValue {
        var result = OTLPKeyValue(key: "", value: .empty)
        try members(value) { decoder, key, member throws(OTLPDecodingError) in
            switch key {
            case "key": result.key = try decoder.string(member)
            case "value": result.value = try decoder.anyValue(member, depth: depth)
            case "keyStrindex", "key_strindex":
                throw decoder.error("keyStrindex refers to a profiles string table, which a trace request has not")
            default: break
            }
        }
        return result
    }

    /// One `AnyValue`: the member present decides its kind (the last one if several are, as protobuf's
    /// wire format would have it); none means OTLP's empty value.
    mutating func anyValue(_ value: JSONValue, depth: Int) throws(OTLPDecodingError) -> OTLPAnyValue {
        guard depth <= OTLPTraceRequestDecoder.maxAnyValueDepth else {
            throw error("attribute values nested deeper than \(OTLPTraceRequestDecoder.maxAnyValueDepth)")
        }
        var result = OTLPAnyValue.empty
        try members(value) { decoder, key, member throws(OTLPDecodingError) in
            switch key {
            case "stringValue", "string_value": result = .string(try decoder.string(member))
            case "boolValue", "bool_value": result = .bool(try decoder.bool(member))
            case "intValue", "int_value": result = .int(try decoder.int64(member))
            case "doubleValue", "double_value": result = .double(try decoder.double(member))
            case "bytesValue", "bytes_value": result = .bytes(try decoder.base64Bytes(member))
            case "arrayValue", "array_value":
                var values: [OTLPAnyValue] = []
                try decoder.members(member) { decoder, key, inner throws(OTLPDecodingError) in
                    guard key == "values" else { return }
                    values = try decoder.elements(inner) { decoder, item throws(OTLPDecodingError) in
                        try decoder.anyValue(item, depth: depth + 1)
                    }
                }
                result = .array(values)
            case "kvlistValue", "kvlist_value":
                var values: [OTLPKeyValue] = []
                try decoder.members(member) { decoder, key, inner throws(OTLPDecodingError) in
                    guard key == "values" else { return }
                    values = try decoder.elements(inner) { decoder, item throws(OTLPDecodingError) in
                        try decoder.keyValue(item, depth: depth + 1)
                    }
                }
                result = .keyValueList(values)
            case "stringValueStrindex", "string_value_strindex":
                throw decoder.error("stringValueStrindex refers to a profiles string table, which a trace request has not")
            default: break
            }
        }
        return result
    }

    /// The id, or the error naming the JSON field (the path already points at it).
    func id<ID>(_ result: Result<ID, OTLPIdentifierProblem>, _ field: String) throws(OTLPDecodingError) -> ID {
        switch result {
        case .success(let id): return id
        case .failure(let problem): throw error(problem.message(field: field))
        }
    }
}
