import HTTPTransport
import JSON
import OTLP
import Storage
import TrackingCore

/// `POST /v1/traces`: OpenTelemetry's OTLP/HTTP span export, as MLflow's `otel_api.export_traces`
/// serves it. MLflow's own client sends each trace's spans here as they end, then `start_trace`;
/// any OpenTelemetry SDK can send here too. The experiment is the `x-mlflow-experiment-id` header
/// (checked by the route's access rule: the caller must be able to edit it). The body is a protobuf
/// or OTLP/JSON `ExportTraceServiceRequest`, read strictly (`OTLPTraceRequestDecoder`); all its spans
/// are stored in one transaction or none are.
struct OTLPRoutes {
    let store: any TraceStore
    let tracking: any TrackingStore
    var events = APIEvents()

    static let experimentHeader = "x-mlflow-experiment-id"
    /// The run the export's finished traces are linked to (MLflow's `x-mlflow-run-id`).
    static let runHeader = "x-mlflow-run-id"
    /// Spans one request may carry: a trace's worth and more (the Python SDK's batch processor
    /// exports at most 512 at a time), while one request cannot hold the store's writer for long.
    static let maxSpansPerRequest = 10_000

    var routes: [Route] {
        // The body is spans, never request fields: not parsed as fields (an OTLP/JSON body would be
        // read twice, once without the OTLP reader's limits).
        [Route("POST", "/v1/traces", access: .experimentInHeader(.update, header: Self.experimentHeader),
               fieldsFromQuery: true, export)]
    }

    func export(_ request: RouteRequest) throws -> HTTPResponse {
        let experimentId = try request.experimentId(header: Self.experimentHeader)
        let contentType = request.header("content-type") ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
        let isJSON = mediaType == "application/json"
        guard isJSON || mediaType == "application/x-protobuf" else {
            throw MLflowError.invalidParameter(
                "Invalid Content-Type: \(contentType.isEmpty ? "None" : contentType). "
                + "Expected: application/x-protobuf or application/json")
        }
        let body = try OTLPBody.decoded(request.body, contentEncoding: request.header("content-encoding"))
        let decoded: OTLPExportRequest
        do {
            decoded = isJSON ? try OTLPTraceRequestDecoder.decodeJSON(body) : try OTLPTraceRequestDecoder.decodeProtobuf(body)
        } catch {
            throw MLflowError.invalidParameter("Invalid OpenTelemetry format: \(error.description)")
        }
        guard !decoded.resourceSpans.isEmpty else {
            throw MLflowError.invalidParameter("Invalid OpenTelemetry format - no spans found")
        }
        guard decoded.spanCount <= Self.maxSpansPerRequest else {
            throw MLflowError.invalidParameter("Too many spans in one request: \(decoded.spanCount) "
                                               + "(at most \(Self.maxSpansPerRequest)); export them in smaller batches.")
        }
        let batches = OTLPSpanRecords.batches(decoded)
        if !batches.isEmpty {
            try store.logSpans(experimentId: experimentId, batches)
            events.spansIngested(decoded.spanCount)
        }
        try linkFinishedTraces(batches, request, experimentId: experimentId)
        // An empty `ExportTraceServiceResponse` (full success), in the request's encoding.
        return isJSON ? emptyJSONResponse : HTTPResponse(status: 200, headers: [(name: "Content-Type", value: "application/x-protobuf")])
    }

    /// Links the traces whose root span came in this export to the run the header names, as MLflow
    /// does, but only a run of the experiment the caller was checked on (EDIT there covers the link);
    /// another run, or none, is passed over as MLflow passes over a failed link.
    private func linkFinishedTraces(_ batches: [TraceSpanBatch], _ request: RouteRequest, experimentId: String) throws {
        guard let runId = request.header(Self.runHeader).map({ $0[...].trimmingWhitespace() }), !runId.isEmpty else { return }
        let finished = batches.filter { $0.root != nil }.map(\.traceId)
        guard !finished.isEmpty, try tracking.experimentId(ofRun: runId) == experimentId else { return }
        for start in stride(from: 0, to: finished.count, by: Validation.maxTraceLinksPerRequest) {
            try store.linkTracesToRun(traceIds: Array(finished[start..<min(start + Validation.maxTraceLinksPerRequest, finished.count)]),
                                      runId: runId)
        }
    }
}
