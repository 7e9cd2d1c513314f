/// OTLP's `ExportTraceServiceRequest`, the body of `POST /v1/traces`: spans grouped by the resource
/// that produced them and then by instrumentation scope.
public struct OTLPExportRequest: Sendable, Equatable {
    public var resourceSpans: [OTLPResourceSpans]

    public init(resourceSpans: [OTLPResourceSpans] = []) {
        self.resourceSpans = resourceSpans
    }

    /// Every span of the request, in the order sent.
    public var spanCount: Int { resourceSpans.reduce(0) { $0 + $1.scopeSpans.reduce(0) { $0 + $1.spans.count } } }
}

/// OTLP's `ResourceSpans`.
public struct OTLPResourceSpans: Sendable, Equatable {
    public var resource: OTLPResource
    public var scopeSpans: [OTLPScopeSpans]
    public var schemaURL: String

    public init(resource: OTLPResource = OTLPResource(), scopeSpans: [OTLPScopeSpans] = [], schemaURL: String = "") {
        self.resource = resource
        self.scopeSpans = scopeSpans
        self.schemaURL = schemaURL
    }
}

/// OTLP's `ScopeSpans`.
public struct OTLPScopeSpans: Sendable, Equatable {
    public var scope: OTLPInstrumentationScope
    public var spans: [OTLPSpan]
    public var schemaURL: String

    public init(scope: OTLPInstrumentationScope = OTLPInstrumentationScope(), spans: [OTLPSpan] = [],
                schemaURL: String = "") {
        self.scope = scope
        self.spans = spans
        self.schemaURL = schemaURL
    }
}
