import Artifacts
import HTTPTransport
import Storage
import TrackingCore

/// `/ajax-api/{2,3}.0/mlflow/get-trace-artifact?request_id=..[&path=..]`: the MLflow UI's read of a
/// trace's spans (`traces.json` under the trace's `mlflow.artifactLocation`) or, with `path`, of
/// one of its attachments (`attachments/<path>`), as MLflow's `get_trace_artifact_handler`. Spans
/// that came through OTLP are in the store, and are answered from there in the same shape.
struct TraceArtifactDownloadRoutes {
    let store: any TraceStore
    let artifacts: ArtifactService

    var routes: [Route] {
        ["/ajax-api/2.0/mlflow/get-trace-artifact", "/ajax-api/3.0/mlflow/get-trace-artifact"].map {
            Route("GET", $0, access: .traceNamed(.read, field: "request_id"), download)
        }
    }

    func download(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        guard let traceId = try fields.string("request_id"), !traceId.isEmpty else {
            throw MLflowError(.badRequest, "Request must include the \"request_id\" query parameter.")
        }
        let relative: String
        if let path = try fields.string("path"), !path.isEmpty {
            relative = "attachments/" + (try ArtifactPath.validated(path))
        } else {
            relative = "traces.json"
        }
        let trace = try store.getTraceInfo(traceId: traceId)
        if relative == "traces.json", trace.tag(TraceKeys.spansLocation) == TraceKeys.spansInTrackingStore {
            return try storedSpans(traceId)
        }
        // The server's own location for the trace, not its tag: a tag is data a client once sent.
        let root = try store.traceArtifactLocation(traceId: traceId)
        let (repository, path) = try artifacts.locate(root: root, relative: relative)
        return try ArtifactDownload.response(for: request.http, repository: repository, path: path,
                                             scratchDirectory: artifacts.scratchDirectory)
    }

    /// `traces.json` built from the stored spans: `{"spans": [...]}`, each span's stored content as is.
    private func storedSpans(_ traceId: String) throws -> HTTPResponse {
        let spans = try store.spans(ofTraces: [traceId])[traceId] ?? []
        var body = Array(#"{"spans": ["#.utf8)
        for (position, span) in spans.enumerated() {
            if position > 0 { body.append(contentsOf: ", ".utf8) }
            body.append(contentsOf: span.content.utf8)
        }
        body.append(contentsOf: "]}".utf8)
        return HTTPResponse(status: 200, headers: [(name: "Content-Type", value: "application/octet-stream")], body: body)
    }
}
