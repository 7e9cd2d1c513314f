import Foundation
import HTTPTransport
import JSON
import OTLP
import Testing
import TrackingCore
@testable import API

/// `POST /v1/traces`: OTLP spans kept as MLflow keeps them, the trace made from them, read back by
/// `traces/get`, `traces/batchGet` and the UI's trace artifact; the experiment header is what the
/// access rule checks and what the spans are written to.
@Suite("Traces: OTLP ingestion")
struct OTLPRouteTests {
    private static let traceHex = "0af7651916cd43dd8448eb211c80319c"

    private static func exportBody(parent: String? = nil, spanId: String = "b7ad6b7169203331", status: Int = 1,
                                   name: String = "GET /home") -> String {
        let parentField = parent.map { #""parentSpanId":"\#($0)","# } ?? ""
        return #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}},"#
            + #"{"key":"telemetry.sdk.name","value":{"stringValue":"opentelemetry"}},"#
            + #"{"key":"mlflow.trace.spansLocation","value":{"stringValue":"ARTIFACT_REPO"}}]},"#
            + #""scopeSpans":[{"spans":[{"traceId":"\#(traceHex)","spanId":"\#(spanId)",\#(parentField)"#
            + #""name":"\#(name)","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000250000000","#
            + #""status":{"code":\#(status),"message":"boom"},"attributes":["#
            + #"{"key":"mlflow.spanInputs","value":{"kvlistValue":{"values":[{"key":"q","value":{"stringValue":"hé"}}]}}},"#
            + #"{"key":"mlflow.spanType","value":{"stringValue":"\"LLM\""}},"#
            + #"{"key":"mlflow.traceTag.team","value":{"stringValue":"red"}},"#
            + #"{"key":"mlflow.traceRequestId","value":{"stringValue":"\"tr-someone-else\""}},"#
            + #"{"key":"n","value":{"intValue":"7"}},{"key":"user.id","value":{"stringValue":"ann"}}]}]}]}]}"#
    }

    private func export(_ harness: AuthHarness, _ body: String, experiment: String?, as user: String,
                        contentType: String = "application/json") -> Reply {
        var headers: [(name: String, value: String)] = [(name: "Content-Type", value: contentType)]
        if let experiment { headers.append((name: "x-mlflow-experiment-id", value: experiment)) }
        let token = Data("\(user):\(AuthHarness.password(user))".utf8).base64EncodedString()
        headers.append((name: "Authorization", value: "Basic \(token)"))
        return Reply(harness.api.handle(HTTPRequest(method: "POST", target: "/v1/traces", headers: headers,
                                                    body: Array(body.utf8))))
    }

    @Test func spansAreKeptAsMLflowKeepsThem() throws {
        let request = try OTLPTraceRequestDecoder.decodeJSON(Array(Self.exportBody(status: 2).utf8))
        let batches = OTLPSpanRecords.batches(request)
        #expect(batches.count == 1)
        let batch = try #require(batches.first)
        #expect(batch.traceId == "tr-" + Self.traceHex)
        // Not OpenTelemetry's own attributes, nor a reserved mlflow.* key.
        #expect(batch.resourceTags == [Tag(key: "service.name", value: "shop")])
        #expect(batch.user == "ann")
        let root = try #require(batch.root)
        #expect(root.state == .error)
        #expect(root.requestPreview == #"{"q": "hé"}"#)
        #expect(root.tags == [Tag(key: "team", value: "red")])
        #expect(batch.spans.count == 1)
        let span = try #require(batch.spans.first)
        #expect(span.spanId == "b7ad6b7169203331")
        #expect(span.parentSpanId == nil)
        #expect(span.spanType == "LLM")
        #expect(span.status == "ERROR")
        #expect(span.startTimeUnixNano == 1_700_000_000_000_000_000)
        #expect(span.endTimeUnixNano == 1_700_000_000_250_000_000)
        // MLflow's Span.to_dict(): ids base64, attribute values JSON text (a pre-serialized string
        // kept as it is), the request id the server's own.
        #expect(span.content == #"{"trace_id":"CvdlGRbNQ92ESOshHIAxnA==","span_id":"t61rcWkgMzE=","parent_span_id":null,"#
            + #""name":"GET /home","start_time_unix_nano":1700000000000000000,"end_time_unix_nano":1700000000250000000,"#
            + #""events":[],"status":{"code":"STATUS_CODE_ERROR","message":"boom"},"attributes":{"#
            + #""mlflow.spanInputs":"{\"q\": \"hé\"}","mlflow.spanType":"\"LLM\"","mlflow.traceTag.team":"\"red\"","#
            + #""mlflow.traceRequestId":"\"tr-0af7651916cd43dd8448eb211c80319c\"","n":"7","user.id":"\"ann\""},"links":[]}"#)
        // Read back as an OpenTelemetry span, each attribute typed again.
        let otel = span.otelJSON
        #expect(otel["span_id"]?.stringValue == "t61rcWkgMzE=")
        #expect(otel["start_time_unix_nano"]?.stringValue == "1700000000000000000")
        #expect(otel["status"]?["code"]?.stringValue == "STATUS_CODE_ERROR")
        let attributes = try #require(otel["attributes"]?.arrayValue)
        #expect(attributes.first?["value"]?["kvlist_value"]?["values"]?.arrayValue?.first?["value"]?["string_value"]?
            .stringValue == "hé")
        #expect(attributes.first { $0["key"]?.stringValue == "n" }?["value"]?["int_value"]?.stringValue == "7")
    }

    @Test func attributeTextIsPythonsJSONAndUnwrapsPreSerializedValues() {
        #expect(OTLPSpanRecords.attributeText(.object([("a", .array([.integer(1), .double(2.5), .null]))])) == #"{"a": [1, 2.5, null]}"#)
        #expect(OTLPSpanRecords.attributeText(.string("plain")) == #""plain""#)
        #expect(OTLPSpanRecords.attributeText(.string("[1, 2]")) == "[1, 2]")
        // A string holding a number stays a string (MLflow unwraps only strings, objects and arrays).
        #expect(OTLPSpanRecords.attributeText(.string("12")) == #""12""#)
        #expect(OTLPSpanRecords.attributeText(.string("line\n\"q\"")) == #""line\n\"q\"""#)
    }

    @Test func theExperimentHeaderIsCheckedAndWrittenTo() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        try harness.addUser("reader")
        let experiment = try harness.fixtures("otlp").experiment
        // READ on the experiment is not enough to write spans into it; nothing is stored.
        let refused = export(harness, Self.exportBody(), experiment: experiment, as: "reader")
        #expect(refused.status == 403)
        #expect(try harness.store.spans(ofTraces: ["tr-" + Self.traceHex]).isEmpty)
        let missing = export(harness, Self.exportBody(), experiment: nil, as: "admin")
        #expect(missing.status == 400)
        #expect(missing.errorCode == "INVALID_PARAMETER_VALUE")
        #expect(missing.text.contains("x-mlflow-experiment-id"))
        let wrongType = export(harness, Self.exportBody(), experiment: experiment, as: "admin", contentType: "text/plain")
        #expect(wrongType.status == 400)
        #expect(wrongType.text.contains("Invalid Content-Type: text/plain"))

        let stored = export(harness, Self.exportBody(), experiment: experiment, as: "admin")
        #expect(stored.status == 200, "\(stored.text)")
        #expect(stored.text == "{}")
        let trace = harness.send("GET", "/api/3.0/mlflow/traces/get?trace_id=tr-\(Self.traceHex)", as: "reader")
        #expect(trace.status == 200, "\(trace.text)")
        let info = try #require(trace.json?["trace"]?["trace_info"])
        #expect(info["trace_location"]?["mlflow_experiment"]?["experiment_id"]?.stringValue == experiment)
        #expect(info["state"]?.stringValue == "OK")
        #expect(info["tags"]?["mlflow.trace.spansLocation"]?.stringValue == "TRACKING_STORE")
        #expect(info["tags"]?["service.name"]?.stringValue == "shop")
        #expect(trace.json?["trace"]?["spans"]?.arrayValue?.count == 1)
        // Unknown ids are left out (an admin's call: for others an unknown trace is refused as a hidden one).
        let batch = harness.send("GET", "/api/3.0/mlflow/traces/batchGet?trace_ids=tr-\(Self.traceHex)&trace_ids=tr-none",
                                 as: "admin")
        #expect(harness.send("GET", "/api/3.0/mlflow/traces/batchGet?trace_ids=tr-none", as: "reader").status == 403)
        #expect(batch.json?["traces"]?.arrayValue?.map { $0["trace_info"]?["trace_id"]?.stringValue } == ["tr-\(Self.traceHex)"])
        let artifact = harness.send("GET", "/ajax-api/3.0/mlflow/get-trace-artifact?request_id=tr-\(Self.traceHex)", as: "reader")
        #expect(artifact.status == 200)
        #expect(artifact.text.hasPrefix(#"{"spans": [{"trace_id":"CvdlGRbNQ92ESOshHIAxnA==""#))

        // The same trace's spans may not go to an experiment the caller may also edit.
        let other = try #require(harness.api("POST", "/mlflow/experiments/create", #"{"name":"otlp-other"}"#, as: "admin")
            .json?["experiment_id"]?.stringValue)
        let moved = export(harness, Self.exportBody(parent: "b7ad6b7169203331", spanId: "00000000000000c1"),
                           experiment: other, as: "admin")
        #expect(moved.status == 400)
        #expect(moved.text.contains("belongs to another experiment"))
        #expect(try harness.store.spans(ofTraces: ["tr-" + Self.traceHex])["tr-" + Self.traceHex]?.count == 1)
    }
}

/// Break-in review 3: a trace's artifact location was a tag any writer could set (PATCH, or a root
/// span's `mlflow.traceTag.*` attribute), and the UI's trace artifact read followed it into another
/// experiment's traces or any local `traces.json`.
@Suite("Traces: server-owned tags")
struct TraceServerOwnedTagTests {
    @Test func clientsCannotMoveWhereATracesArtifactsAreRead() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        let experiment = try harness.fixtures("owned").experiment
        let started = harness.send("POST", "/api/3.0/mlflow/traces",
                                   #"{"trace":{"trace_info":{"trace_id":"tr-own","trace_location":{"type":"MLFLOW_EXPERIMENT","#
                                   + #""mlflow_experiment":{"experiment_id":"\#(experiment)"}},"request_time":"2024-01-01T00:00:00Z","#
                                   + #""state":"OK","tags":{"mlflow.artifactLocation":"/etc","mlflow.trace.spansLocation":"TRACKING_STORE"}}}}"#,
                                   as: "admin")
        #expect(started.status == 200)
        let tags = started.json?["trace"]?["trace_info"]?["tags"]
        #expect(tags?["mlflow.artifactLocation"]?.stringValue == "/tmp/x/\(experiment)/traces/tr-own/artifacts")
        #expect(tags?["mlflow.trace.spansLocation"] == nil)
        for key in ["mlflow.artifactLocation", "mlflow.trace.spansLocation"] {
            let set = harness.send("PATCH", "/api/3.0/mlflow/traces/tr-own/tags", #"{"key":"\#(key)","value":"/etc"}"#, as: "admin")
            #expect(set.status == 400)
            #expect(set.text.contains("is set by the server"))
            let deleted = harness.send("DELETE", "/api/3.0/mlflow/traces/tr-own/tags", #"{"key":"\#(key)"}"#, as: "admin")
            #expect(deleted.status == 400)
        }
        // Through OTLP: the root span's trace tags may not name them either.
        var headers: [(name: String, value: String)] = [(name: "Content-Type", value: "application/json"),
                                                        (name: "x-mlflow-experiment-id", value: experiment)]
        headers.append((name: "Authorization", value: "Basic " + Data("admin:\(AuthHarness.password("admin"))".utf8).base64EncodedString()))
        let body = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"11111111111111111111111111111111","#
            + #""spanId":"2222222222222222","name":"r","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":["#
            + #"{"key":"mlflow.traceTag.mlflow.artifactLocation","value":{"stringValue":"/etc"}},"#
            + #"{"key":"mlflow.traceTag.team","value":{"stringValue":"red"}}]}]}]}]}"#
        let exported = Reply(harness.api.handle(HTTPRequest(method: "POST", target: "/v1/traces", headers: headers,
                                                            body: Array(body.utf8))))
        #expect(exported.status == 200, "\(exported.text)")
        let info = try harness.store.getTraceInfo(traceId: "tr-11111111111111111111111111111111")
        #expect(info.tag("team") == "red")
        #expect(info.tag("mlflow.artifactLocation") == "/tmp/x/\(experiment)/traces/tr-11111111111111111111111111111111/artifacts")
        // The artifact read (`get-trace-artifact`) uses this derived location, never the tag.
        #expect(try harness.store.traceArtifactLocation(traceId: "tr-own") == "/tmp/x/\(experiment)/traces/tr-own/artifacts")
    }
}
