@testable import OTLP

/// What the fixtures of OTLPFixtures.swift hold, written out by hand from make_fixtures.py.
enum OTLPExpectedRequests {
    typealias S = OTLPTestSupport
    static let start: UInt64 = 1_733_583_000_123_456_789
    static let traceA = S.traceID("0af7651916cd43dd8448eb211c80319c")
    static let traceB = S.traceID("4bf92f3577b34da6a3ce929d0e0e4736")
    static let root = S.spanID("b7ad6b7169203331")
    static let child = S.spanID("00f067aa0ba902b7")
    static let client = S.spanID("5fb397be34d26b51")
    static let linked = S.spanID("e457b5a2e4d86bd1")
    static let producer = S.spanID("c0ffee0000000001")

    static let rootSpan = OTLPSpan(
        traceID: traceA, spanID: root, flags: 0x101, name: "predict ✓ 日本語", kind: .server,
        startTimeUnixNano: start, endTimeUnixNano: start + 1_500_000_000,
        attributes: [
            S.kv("mlflow.traceRequestId", .string(#""tr-0af7651916cd43dd8448eb211c80319c""#)),
            S.kv("mlflow.spanType", .string(#""CHAIN""#)),
            S.kv("mlflow.spanInputs", .string(#"{"question": "What is MLflow?", "k": 3}"#)),
            S.kv("mlflow.spanOutputs",
                 .string(#"{"answer": "Un outil \u2014 \u00ab open source \u00bb", "scores": [0.9, 0.1]}"#)),
        ],
        status: OTLPStatus(code: .ok))

    static let childSpan = OTLPSpan(
        traceID: traceA, spanID: child, traceState: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", parentSpanID: root,
        name: "retrieve", kind: .internal, startTimeUnixNano: start + 1_000, endTimeUnixNano: start + 900_000_000,
        attributes: [
            S.kv("mixed", .array([
                .int(1), .string("two"), .double(3.5), .bool(true), .array([.int(-7), .array([])]),
                .keyValueList([S.kv("inner", .keyValueList([S.kv("deep", .string("yes"))])), S.kv("none", .empty)]),
            ])),
            S.kv("blob", .bytes([0x00, 0x01, 0xFE, 0xFF])),
            S.kv("negative", .int(-9_007_199_254_740_993)),
            S.kv("ratio", .double(-0.25)),
            S.kv("infinite", .double(.infinity)),
            S.kv("nothing", .empty),
            S.kv("empty.list", .array([])),
            S.kv("empty.map", .keyValueList([])),
        ],
        droppedAttributesCount: 3,
        events: [
            OTLPSpanEvent(timeUnixNano: start + 2_000, name: "exception", attributes: [
                S.kv("exception.type", .string("ValueError")),
                S.kv("exception.message", .string("boom – ünïcode")),
                S.kv("exception.stacktrace", .string("Traceback (most recent call last):\n  ...\nValueError")),
            ]),
            OTLPSpanEvent(timeUnixNano: start + 3_000, name: "checkpoint", droppedAttributesCount: 1),
        ],
        droppedEventsCount: 2,
        links: [
            OTLPSpanLink(traceID: traceB, spanID: linked, traceState: "vendor=value",
                         attributes: [S.kv("link.reason", .string("retry"))], droppedAttributesCount: 4, flags: 0x301),
        ],
        droppedLinksCount: 5,
        status: OTLPStatus(message: "ValueError: boom – ünïcode", code: .error))

    static let clientSpan = OTLPSpan(
        traceID: traceA, spanID: client, parentSpanID: root, name: "chat.completions", kind: .client,
        startTimeUnixNano: start + 5_000, endTimeUnixNano: start + 800_000_000)

    static let producerSpan = OTLPSpan(
        traceID: traceB, spanID: producer, name: "enqueue", kind: .producer,
        startTimeUnixNano: 9_223_372_036_854_775_813, endTimeUnixNano: UInt64.max)

    static let mlflow = OTLPExportRequest(resourceSpans: [
        OTLPResourceSpans(
            resource: OTLPResource(attributes: [
                S.kv("service.name", .string("mlflow-app")),
                S.kv("telemetry.sdk.language", .string("python")),
                S.kv("process.pid", .int(4242)),
            ]),
            scopeSpans: [
                OTLPScopeSpans(
                    scope: OTLPInstrumentationScope(name: "mlflow.tracing", version: "3.17.2",
                                                    attributes: [S.kv("mlflow.tracing.sampled", .bool(true))]),
                    spans: [rootSpan, childSpan]),
                OTLPScopeSpans(
                    scope: OTLPInstrumentationScope(name: "opentelemetry.instrumentation.openai", version: "0.1"),
                    spans: [clientSpan], schemaURL: "https://opentelemetry.io/schemas/1.24.0"),
            ],
            schemaURL: "https://opentelemetry.io/schemas/1.21.0"),
        OTLPResourceSpans(
            resource: OTLPResource(attributes: [S.kv("service.name", .string("worker"))], droppedAttributesCount: 6),
            scopeSpans: [OTLPScopeSpans(spans: [producerSpan])]),
    ])

    static let singleSpan = OTLPExportRequest(resourceSpans: [
        OTLPResourceSpans(
            resource: OTLPResource(attributes: [S.kv("service.name", .string("tiny"))]),
            scopeSpans: [OTLPScopeSpans(spans: [
                OTLPSpan(traceID: traceB, spanID: child, parentSpanID: root, name: "tiny", kind: .consumer,
                         startTimeUnixNano: start, endTimeUnixNano: start + 1,
                         attributes: [S.kv("k", .string("v")), S.kv("n", .int(1)),
                                      S.kv("list", .array([.bool(true), .double(2.5)]))]),
            ])]),
    ])
}
