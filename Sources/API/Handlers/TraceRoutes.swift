import HTTPTransport
import JSON
import Storage
import TrackingCore

/// MLflow 3's trace records (`/api/3.0/mlflow/traces...`, and the 2.0 paths the client still
/// uses for some calls), as `mlflow/server/handlers.py` serves them. A trace takes its
/// experiment's permissions. The spans travel as the trace's `traces.json` artifact (the client
/// uploads and downloads it under the `mlflow.artifactLocation` tag the store sets), so the
/// routes that return spans from the store (`traces/get`, `batchGet`, OTLP) are not served yet.
struct TraceRoutes {
    let store: any TraceStore
    /// With access control, what each caller may read: searches answer only that.
    var visibility: (any SearchVisibility)? = nil

    /// The routes under `/api/3.0` and `/ajax-api/3.0`.
    var version3: [Route] {
        [
            Route("POST", "/mlflow/traces", access: .newTrace(.update), start),
            Route("GET", "/mlflow/traces/{trace_id}", access: .trace(.read), info),
            Route("POST", "/mlflow/traces/batchGetInfos", access: .traces(.read, field: "trace_ids"), batchGetInfos),
            Route("POST", "/mlflow/traces/search", access: .filteredSearch, search),
            Route("PATCH", "/mlflow/traces/{trace_id}/tags", access: .trace(.update), setTag),
            Route("DELETE", "/mlflow/traces/{trace_id}/tags", access: .trace(.delete), deleteTag),
        ] + shared
    }

    /// The routes under `/api/2.0` and `/ajax-api/2.0`.
    var version2: [Route] {
        [
            Route("PATCH", "/mlflow/traces/{trace_id}/tags", access: .trace(.update), setTag),
            Route("DELETE", "/mlflow/traces/{trace_id}/tags", access: .trace(.delete), deleteTag),
        ] + shared
    }

    private var shared: [Route] {
        [Route("POST", "/mlflow/traces/delete-traces", access: .experiment(.delete, field: "experiment_id"), delete)]
    }

    func start(_ request: RouteRequest) throws -> HTTPResponse {
        let info = try store.startTrace(try request.fields().startedTrace())
        return jsonResponse(.object([("trace", info.traceJSON)]))
    }

    func info(_ request: RouteRequest) throws -> HTTPResponse {
        let info = try store.getTraceInfo(traceId: try request.parameters.required("trace_id"))
        return jsonResponse(.object([("trace", info.traceJSON)]))
    }

    func batchGetInfos(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let experimentIds = fields.has("experiment_ids") ? try fields.stringList("experiment_ids") : nil
        let infos = try store.batchGetTraceInfos(traceIds: try fields.stringList("trace_ids", required: true),
                                                 experimentIds: experimentIds)
        return jsonResponse(infos.isEmpty ? .object([]) : .object([("trace_infos", .array(infos.map(\.json)))]))
    }

    func search(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let maxResults = try fields.int64("max_results").map { Int(clamping: $0) } ?? 100
        guard maxResults <= 500 else {
            throw MLflowError.invalidParameter("Invalid value \(maxResults) for parameter 'max_results' supplied. "
                                               + "It must be at most 500.")
        }
        guard maxResults > 0 else {
            throw MLflowError.invalidParameter("Invalid value \(maxResults) for parameter 'max_results' supplied.")
        }
        var experimentIds: [String] = []
        for location in try fields.messages("locations") {
            if let id = try location.message("mlflow_experiment")?.string("experiment_id") { experimentIds.append(id) }
        }
        if let visibility {
            experimentIds = try visibility.readableExperiments(request).readable(experimentIds: experimentIds)
        }
        let page = try store.searchTraces(TraceSearchQuery(
            experimentIds: experimentIds, filter: try fields.string("filter") ?? "", maxResults: maxResults,
            orderBy: try fields.stringList("order_by"),
            pageToken: try fields.string("page_token").flatMap { $0.isEmpty ? nil : $0 }))
        var members: [(String, JSONValue)] = []
        if !page.items.isEmpty { members.append(("traces", .array(page.items.map(\.json)))) }
        if let token = page.nextPageToken { members.append(("next_page_token", .string(token))) }
        return jsonResponse(.object(members))
    }

    func setTag(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        try store.setTraceTag(traceId: try request.parameters.required("trace_id"), key: try fields.requiredString("key"),
                              value: try fields.string("value") ?? "")
        return emptyJSONResponse
    }

    func deleteTag(_ request: RouteRequest) throws -> HTTPResponse {
        try store.deleteTraceTag(traceId: try request.parameters.required("trace_id"), key: try request.fields().requiredString("key"))
        return emptyJSONResponse
    }

    func delete(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let deleted = try store.deleteTraces(
            experimentId: try fields.experimentId(), maxTimestampMillis: try fields.int64("max_timestamp_millis"),
            maxTraces: try fields.int64("max_traces").map { Int(clamping: $0) },
            traceIds: try fields.stringList("request_ids"))
        return jsonResponse(.object([("traces_deleted", .integer(Int64(deleted)))]))
    }
}
