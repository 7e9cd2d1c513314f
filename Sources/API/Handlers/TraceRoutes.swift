import HTTPTransport
import JSON
import Storage
import TrackingCore

/// MLflow 3's traces (`/api/3.0/mlflow/traces...`, and the 2.0 paths the client still uses for
/// some calls), as `mlflow/server/handlers.py` serves them. A trace takes its experiment's
/// permissions. Spans that came through OTLP (`OTLPRoutes`) are read back with `traces/get` and
/// `traces/batchGet`; a client that sent none uploads them as the trace's `traces.json` artifact.
struct TraceRoutes {
    let store: any TraceStore
    /// With access control, what each caller may read: searches answer only that.
    var visibility: (any SearchVisibility)? = nil

    /// The routes under `/api/3.0` and `/ajax-api/3.0`.
    var version3: [Route] {
        [
            Route("POST", "/mlflow/traces", access: .newTrace(.update), start),
            Route("GET", "/mlflow/traces/{trace_id}", access: .trace(.read), info),
            Route("GET", "/mlflow/traces/get", access: .traceNamed(.read, field: "trace_id"), trace),
            Route("GET", "/mlflow/traces/batchGet", access: .traces(.read, field: "trace_ids"), batchGet),
            Route("POST", "/mlflow/traces/batchGetInfos", access: .traces(.read, field: "trace_ids"), batchGetInfos),
            Route("POST", "/mlflow/traces/search", access: .filteredSearch, search),
            Route("POST", "/mlflow/traces/metrics", access: .filteredSearch, metrics),
            Route("PATCH", "/mlflow/traces/{trace_id}/tags", access: .trace(.update), setTag),
            Route("DELETE", "/mlflow/traces/{trace_id}/tags", access: .trace(.delete), deleteTag),
        ] + shared
    }

    /// The routes under `/api/2.0` and `/ajax-api/2.0`.
    var version2: [Route] {
        [
            // Writes to the run (EDIT on its experiment); each trace must be one the caller may read.
            Route("POST", "/mlflow/traces/link-to-run",
                  access: .all([.run(.update), .traces(.read, field: "trace_ids")]), linkToRun),
            Route("POST", "/mlflow/traces/link-prompts", access: .traceNamed(.update, field: "trace_id"), linkPrompts),
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

    /// A trace with its stored spans. Its spans not all there yet (the client's `mlflow.trace.sizeStats`
    /// metadata counts more) is MLflow's 404 "not fully exported yet" unless `allow_partial`.
    func trace(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        guard let traceId = try fields.string("trace_id"), !traceId.isEmpty else { throw RequestFields.missing("trace_id") }
        let info = try store.getTraceInfo(traceId: traceId)
        let spans = try store.spans(ofTraces: [traceId])[traceId] ?? []
        if try !(fields.bool("allow_partial") ?? false), let expected = Self.expectedSpanCount(info), spans.count < expected {
            throw MLflowError.notFound("Trace with ID \(traceId) is not fully exported yet, please try again later.")
        }
        return jsonResponse(.object([("trace", info.traceJSON(spans: spans))]))
    }

    func batchGet(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let experimentIds = fields.has("experiment_ids") ? try fields.stringList("experiment_ids") : nil
        let infos = try store.batchGetTraceInfos(traceIds: try fields.stringList("trace_ids", required: true),
                                                 experimentIds: experimentIds)
        let spans = try store.spans(ofTraces: infos.map(\.traceId))
        return jsonResponse(.object([("traces", .array(infos.map { $0.traceJSON(spans: spans[$0.traceId] ?? []) }))]))
    }

    /// How many spans the client said the trace has (`num_spans` of its size statistics), if it did.
    static func expectedSpanCount(_ info: TraceInfo) -> Int? {
        guard let stats = info.metadata.last(where: { $0.key == "mlflow.trace.sizeStats" })?.value,
              case .integer(let count)? = (try? JSONParser.parse(Array(stats.utf8)))?["num_spans"] else { return nil }
        return Int(clamping: count)
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

    /// The UI overview's aggregates, over the listed experiments the caller may read.
    func metrics(_ request: RouteRequest) throws -> HTTPResponse {
        var query = try request.fields().traceMetricsQuery()
        if let visibility {
            query.experimentIds = try visibility.readableExperiments(request).readable(experimentIds: query.experimentIds)
        }
        let points = try store.queryTraceMetrics(query)
        guard !points.isEmpty else { return emptyJSONResponse }
        return jsonResponse(.object([("data_points", .array(points.map { point in
            // Protobuf JSON leaves an empty map out.
            .object([("metric_name", .string(point.metricName))]
                    + (point.dimensions.isEmpty ? [] : [("dimensions", .object(point.dimensions.map { ($0.0, .string($0.1)) }))])
                    + [("values", .object(point.values.map { ($0.0, .double($0.1)) }))])
        }))]))
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

    func linkToRun(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        try store.linkTracesToRun(traceIds: try fields.stringList("trace_ids", required: true), runId: try fields.runId())
        return emptyJSONResponse
    }

    func linkPrompts(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        guard let traceId = try fields.string("trace_id"), !traceId.isEmpty else { throw RequestFields.missing("trace_id") }
        guard fields.has("prompt_versions") else { throw RequestFields.missing("prompt_versions") }
        let prompts = try fields.messages("prompt_versions").map { reference throws(MLflowError) in
            (name: try reference.requiredString("name"), version: try reference.requiredString("version"))
        }
        try store.linkPromptsToTrace(traceId: traceId, prompts: prompts)
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
