/// OTLP's `Span`, its ids validated (trace id 16 bytes, span id 8, neither all zero; parent absent or 8).
public struct OTLPSpan: Sendable, Equatable {
    public var traceID: OTLPTraceID
    public var spanID: OTLPSpanID
    /// W3C `tracestate` header value, as sent.
    public var traceState: String
    /// nil for a root span (sent empty or all zero).
    public var parentSpanID: OTLPSpanID?
    /// W3C trace flags in the low 8 bits, OTLP's remote-parent bits (0x100, 0x200) above.
    public var flags: UInt32
    public var name: String
    public var kind: OTLPSpanKind
    public var startTimeUnixNano: UInt64
    public var endTimeUnixNano: UInt64
    public var attributes: [OTLPKeyValue]
    public var droppedAttributesCount: UInt32
    public var events: [OTLPSpanEvent]
    public var droppedEventsCount: UInt32
    public var links: [OTLPSpanLink]
    public var droppedLinksCount: UInt32
    public var status: OTLPStatus

    public init(traceID: OTLPTraceID, spanID: OTLPSpanID, traceState: String = "", parentSpanID: OTLPSpanID? = nil,
                flags: UInt32 = 0, name: String = "", kind: OTLPSpanKind = .unspecified,
                startTimeUnixNano: UInt64 = 0, endTimeUnixNano: UInt64 = 0, attributes: [OTLPKeyValue] = [],
                droppedAttributesCount: UInt32 = 0, events: [OTLPSpanEvent] = [], droppedEventsCount: UInt32 = 0,
                links: [OTLPSpanLink] = [], droppedLinksCount: UInt32 = 0, status: OTLPStatus = OTLPStatus()) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceState = traceState
        self.parentSpanID = parentSpanID
        self.flags = flags
        self.name = name
        self.kind = kind
        self.startTimeUnixNano = startTimeUnixNano
        self.endTimeUnixNano = endTimeUnixNano
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.events = events
        self.droppedEventsCount = droppedEventsCount
        self.links = links
        self.droppedLinksCount = droppedLinksCount
        self.status = status
    }
}

/// OTLP's `Span.Event`: a timestamped annotation (MLflow records exceptions as these).
public struct OTLPSpanEvent: Sendable, Equatable {
    public var timeUnixNano: UInt64
    public var name: String
    public var attributes: [OTLPKeyValue]
    public var droppedAttributesCount: UInt32

    public init(timeUnixNano: UInt64 = 0, name: String = "", attributes: [OTLPKeyValue] = [],
                droppedAttributesCount: UInt32 = 0) {
        self.timeUnixNano = timeUnixNano
        self.name = name
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// OTLP's `Span.Link`: a pointer to another span, ids validated as a span's are.
public struct OTLPSpanLink: Sendable, Equatable {
    public var traceID: OTLPTraceID
    public var spanID: OTLPSpanID
    public var traceState: String
    public var attributes: [OTLPKeyValue]
    public var droppedAttributesCount: UInt32
    public var flags: UInt32

    public init(traceID: OTLPTraceID, spanID: OTLPSpanID, traceState: String = "", attributes: [OTLPKeyValue] = [],
                droppedAttributesCount: UInt32 = 0, flags: UInt32 = 0) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceState = traceState
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.flags = flags
    }
}

/// OTLP's `Status`.
public struct OTLPStatus: Sendable, Equatable {
    public var message: String
    public var code: OTLPStatusCode

    public init(message: String = "", code: OTLPStatusCode = .unset) {
        self.message = message
        self.code = code
    }
}

/// OTLP's `Span.SpanKind`. Protobuf enums are open, so a number without a name is kept as sent.
public struct OTLPSpanKind: RawRepresentable, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unspecified = OTLPSpanKind(rawValue: 0)
    public static let `internal` = OTLPSpanKind(rawValue: 1)
    public static let server = OTLPSpanKind(rawValue: 2)
    public static let client = OTLPSpanKind(rawValue: 3)
    public static let producer = OTLPSpanKind(rawValue: 4)
    public static let consumer = OTLPSpanKind(rawValue: 5)

    static let names = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
                        "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"]

    /// The proto enum name (`SPAN_KIND_SERVER`), nil for a number the proto does not name.
    public var name: String? { Self.names.indices.contains(Int(rawValue)) ? Self.names[Int(rawValue)] : nil }
}

/// OTLP's `Status.StatusCode`, open like every protobuf enum.
public struct OTLPStatusCode: RawRepresentable, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unset = OTLPStatusCode(rawValue: 0)
    public static let ok = OTLPStatusCode(rawValue: 1)
    public static let error = OTLPStatusCode(rawValue: 2)

    static let names = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]

    /// The proto enum name (`STATUS_CODE_ERROR`), nil for a number the proto does not name.
    public var name: String? { Self.names.indices.contains(Int(rawValue)) ? Self.names[Int(rawValue)] : nil }
}
