/// The protobuf decoding of the request's envelope: resource spans, scope spans, resources and
/// scopes (field numbers from opentelemetry-proto's trace, resource and common .proto files).
/// Unknown fields are skipped; a singular message field sent twice is merged, as protobuf requires.
enum OTLPProtobufDecoding {
    static func request(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> OTLPExportRequest {
        var request = OTLPExportRequest()
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1:
                var nested = try reader.message(tag, "resource_spans")
                request.resourceSpans.append(try resourceSpans(&nested))
            default: try reader.skip(tag)
            }
        }
        return request
    }

    static func resourceSpans(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> OTLPResourceSpans {
        var result = OTLPResourceSpans()
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1:
                var nested = try reader.message(tag, "resource")
                try mergeResource(&nested, into: &result.resource)
            case 2:
                var nested = try reader.message(tag, "scope_spans")
                result.scopeSpans.append(try scopeSpans(&nested))
            case 3: result.schemaURL = try reader.string(tag, "schema_url")
            default: try reader.skip(tag)
            }
        }
        return result
    }

    static func scopeSpans(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> OTLPScopeSpans {
        var result = OTLPScopeSpans()
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1:
                var nested = try reader.message(tag, "scope")
                try mergeScope(&nested, into: &result.scope)
            case 2:
                var nested = try reader.message(tag, "spans")
                result.spans.append(try span(&nested))
            case 3: result.schemaURL = try reader.string(tag, "schema_url")
            default: try reader.skip(tag)
            }
        }
        return result
    }

    static func mergeResource(_ reader: inout ProtobufReader, into resource: inout OTLPResource) throws(OTLPDecodingError) {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1:
                var nested = try reader.message(tag, "attributes")
                resource.attributes.append(try keyValue(&nested, depth: 1))
            case 2: resource.droppedAttributesCount = try reader.uint32(tag, "dropped_attributes_count")
            default: try reader.skip(tag) // 3, entity_refs: not used by trace ingestion
            }
        }
    }

    static func mergeScope(_ reader: inout ProtobufReader,
                           into scope: inout OTLPInstrumentationScope) throws(OTLPDecodingError) {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1: scope.name = try reader.string(tag, "name")
            case 2: scope.version = try reader.string(tag, "version")
            case 3:
                var nested = try reader.message(tag, "attributes")
                scope.attributes.append(try keyValue(&nested, depth: 1))
            case 4: scope.droppedAttributesCount = try reader.uint32(tag, "dropped_attributes_count")
            default: try reader.skip(tag)
            }
        }
    }
}
