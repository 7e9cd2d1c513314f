/// The protobuf decoding of spans, their events, links and status. Ids are read as ranges and
/// validated once the whole message is read (fields may come in any order, and a repeated one wins).
extension OTLPProtobufDecoding {
    /// A bytes field's payload range and where its key began, for the error if it is refused.
    private struct IDField {
        var range: Range<Int>
        var offset: Int
    }

    static func span(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> OTLPSpan {
        let start = reader.position
        var traceIDField: IDField? = nil
        var spanIDField: IDField? = nil
        var parentIDField: IDField? = nil
        var traceState = "", name = ""
        var flags: UInt32 = 0
        var kind = OTLPSpanKind.unspecified
        var startTime: UInt64 = 0, endTime: UInt64 = 0
        var attributes: [OTLPKeyValue] = []
        var events: [OTLPSpanEvent] = []
        var links: [OTLPSpanLink] = []
        var droppedAttributes: UInt32 = 0, droppedEvents: UInt32 = 0, droppedLinks: UInt32 = 0
        var status = OTLPStatus()
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1: traceIDField = IDField(range: try reader.bytesRange(tag, "trace_id"), offset: tag.offset)
            case 2: spanIDField = IDField(range: try reader.bytesRange(tag, "span_id"), offset: tag.offset)
            case 3: traceState = try reader.string(tag, "trace_state")
            case 4: parentIDField = IDField(range: try reader.bytesRange(tag, "parent_span_id"), offset: tag.offset)
            case 5: name = try reader.string(tag, "name")
            case 6: kind = OTLPSpanKind(rawValue: try reader.int32(tag, "kind"))
            case 7: startTime = try reader.fixed64(tag, "start_time_unix_nano")
            case 8: endTime = try reader.fixed64(tag, "end_time_unix_nano")
            case 9:
                var nested = try reader.message(tag, "attributes")
                attributes.append(try keyValue(&nested, depth: 1))
            case 10: droppedAttributes = try reader.uint32(tag, "dropped_attributes_count")
            case 11:
                var nested = try reader.message(tag, "events")
                events.append(try event(&nested))
            case 12: droppedEvents = try reader.uint32(tag, "dropped_events_count")
            case 13:
                var nested = try reader.message(tag, "links")
                links.append(try link(&nested))
            case 14: droppedLinks = try reader.uint32(tag, "dropped_links_count")
            case 15:
                var nested = try reader.message(tag, "status")
                try mergeStatus(&nested, into: &status)
            case 16: flags = try reader.fixed32(tag, "flags")
            default: try reader.skip(tag)
            }
        }
        let traceID = try checked(OTLPTraceID.validated(slice(reader, traceIDField)), "trace_id", traceIDField, start)
        let spanID = try checked(OTLPSpanID.validated(slice(reader, spanIDField)), "span_id", spanIDField, start)
        let parentID = try checked(OTLPSpanID.validatedParent(slice(reader, parentIDField)), "parent_span_id",
                                   parentIDField, start)
        return OTLPSpan(traceID: traceID, spanID: spanID, traceState: traceState, parentSpanID: parentID,
                        flags: flags, name: name, kind: kind, startTimeUnixNano: startTime, endTimeUnixNano: endTime,
                        attributes: attributes, droppedAttributesCount: droppedAttributes, events: events,
                        droppedEventsCount: droppedEvents, links: links, droppedLinksCount: droppedLinks, status: status)
    }

    static func event(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> OTLPSpanEvent {
        var event = OTLPSpanEvent()
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1: event.timeUnixNano = try reader.fixed64(tag, "time_unix_nano")
            case 2: event.name = try reader.string(tag, "name")
            case 3:
                var nested = try reader.message(tag, "attributes")
                event.attributes.append(try keyValue(&nested, depth: 1))
            case 4: event.droppedAttributesCount = try reader.uint32(tag, "dropped_attributes_count")
            default: try reader.skip(tag)
            }
        }
        return event
    }

    static func link(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> OTLPSpanLink {
        let start = reader.position
        var traceIDField: IDField? = nil
        var spanIDField: IDField? = nil
        var traceState = ""
        var attributes: [OTLPKeyValue] = []
        var droppedAttributes: UInt32 = 0
        var flags: UInt32 = 0
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1: traceIDField = IDField(range: try reader.bytesRange(tag, "trace_id"), offset: tag.offset)
            case 2: spanIDField = IDField(range: try reader.bytesRange(tag, "span_id"), offset: tag.offset)
            case 3: traceState = try reader.string(tag, "trace_state")
            case 4:
                var nested = try reader.message(tag, "attributes")
                attributes.append(try keyValue(&nested, depth: 1))
            case 5: droppedAttributes = try reader.uint32(tag, "dropped_attributes_count")
            case 6: flags = try reader.fixed32(tag, "flags")
            default: try reader.skip(tag)
            }
        }
        let traceID = try checked(OTLPTraceID.validated(slice(reader, traceIDField)), "link trace_id",
                                  traceIDField, start)
        let spanID = try checked(OTLPSpanID.validated(slice(reader, spanIDField)), "link span_id", spanIDField, start)
        return OTLPSpanLink(traceID: traceID, spanID: spanID, traceState: traceState, attributes: attributes,
                            droppedAttributesCount: droppedAttributes, flags: flags)
    }

    static func mergeStatus(_ reader: inout ProtobufReader, into status: inout OTLPStatus) throws(OTLPDecodingError) {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 2: status.message = try reader.string(tag, "message")
            case 3: status.code = OTLPStatusCode(rawValue: try reader.int32(tag, "code"))
            default: try reader.skip(tag) // 1 was the deprecated_code, reserved since
            }
        }
    }

    /// An id field's bytes; an absent field reads as empty, proto3's default.
    private static func slice(_ reader: ProtobufReader, _ field: IDField?) -> Slice<UnsafeBufferPointer<UInt8>> {
        reader.slice(field?.range ?? reader.end..<reader.end)
    }

    /// The id, or the error naming the field at its key's offset (the message's start if it was absent).
    private static func checked<ID>(_ result: Result<ID, OTLPIdentifierProblem>, _ name: String, _ field: IDField?,
                                    _ messageStart: Int) throws(OTLPDecodingError) -> ID {
        switch result {
        case .success(let id): return id
        case .failure(let problem):
            throw OTLPDecodingError(problem.message(field: name), at: .byteOffset(field?.offset ?? messageStart))
        }
    }
}
