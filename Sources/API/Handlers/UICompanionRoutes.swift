import JSON
import TrackingCore

/// The 3.0 reads MLflow's own UI makes on every page beside the tracking API (see
/// docs/notes/mlflow-ui-calls.md): what the server can do, the (absent) assistant, and the trace
/// and evaluation-dataset lists. Swiftrack stores no traces, so those answer empty, as MLflow's
/// server does for an experiment without traces.
struct UICompanionRoutes {
    var routes: [Route] {
        Router.version3Prefixes.flatMap { prefix in
            [
                Route("GET", prefix + "/mlflow/server-info", access: .publicRoute) { _ in jsonResponse(Self.serverInfo) },
                Route("POST", prefix + "/mlflow/traces/search", access: .filteredSearch, Self.nothingStored),
                Route("POST", prefix + "/mlflow/traces/metrics", access: .filteredSearch, Self.traceMetrics),
                Route("POST", prefix + "/mlflow/datasets/search", access: .filteredSearch, Self.nothingStored),
            ]
        } + [
            Route("GET", "/ajax-api/3.0/mlflow/assistant/config", access: .signedIn) { _ in
                jsonResponse(.object([("providers", .object([])), ("projects", .object([])),
                                      ("remote_access_allowed", .bool(false))]))
            },
            Route("GET", "/ajax-api/3.0/mlflow/assistant/providers", access: .signedIn) { _ in
                jsonResponse(.object([("providers", .array([]))]))
            },
            Route("GET", "/ajax-api/2.0/mlflow/gateway-proxy", access: .signedIn, Self.gatewayProxy),
            Route("POST", "/ajax-api/2.0/mlflow/gateway-proxy", access: .signedIn, Self.gatewayProxy),
        ]
    }

    /// No AI gateway runs here: its endpoint list is empty, and anything else it would proxy is absent.
    static func gatewayProxy(_ request: RouteRequest) throws -> HTTPResponse {
        let path = try request.fields().string("gateway_path") ?? ""
        if request.method == "GET", path.split(separator: "/") == ["api", "2.0", "endpoints"] {
            return jsonResponse(.object([("endpoints", .array([]))]))
        }
        throw MLflowError(.resourceDoesNotExist, "No AI gateway is configured on this server: "
                          + "'\(path)' cannot be proxied.")
    }

    /// What clients learn before signing in. Multipart and presigned transfers through the
    /// server are not offered, so clients upload through the artifact proxy.
    static let serverInfo = JSONValue.object([
        ("store_type", .string("SqlStore")),
        ("workspaces_enabled", .bool(false)),
        ("trace_archival_enabled", .bool(false)),
        ("multipart_uploads_enabled", .bool(false)),
        ("multipart_downloads_enabled", .bool(false)),
        ("presigned_upload_run_id_supported", .bool(false)),
        ("presigned_upload_model_id_supported", .bool(false)),
        ("features_enabled", .object([("gateway", .bool(false))])),
    ])

    /// A search of what Swiftrack does not store: an empty answer, once the body is read as a request's.
    static func nothingStored(_ request: RouteRequest) throws -> HTTPResponse {
        _ = try request.fields()
        return jsonResponse(.object([]))
    }

    /// With no traces, a plain count is one zero point; anything bucketed or averaged has no points.
    static func traceMetrics(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        guard fields.raw("experiment_ids") != nil else { throw RequestFields.missing("experiment_ids") }
        guard let metric = try fields.string("metric_name") else { throw RequestFields.missing("metric_name") }
        let counts: Bool
        if case .array(let aggregations)? = fields.raw("aggregations") {
            counts = aggregations.contains { $0["aggregation_type"] == .string("COUNT") }
        } else {
            counts = false
        }
        let bucketed = fields.raw("time_interval_seconds") != nil
        let grouped: Bool
        if case .array(let dimensions)? = fields.raw("dimensions") { grouped = !dimensions.isEmpty } else { grouped = false }
        guard counts, !bucketed, !grouped else { return jsonResponse(.object([])) }
        return jsonResponse(.object([("data_points", .array([.object([
            ("metric_name", .string(metric)), ("values", .object([("COUNT", .double(0))])),
        ])]))]))
    }
}
