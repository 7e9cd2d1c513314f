import JSON
import TrackingCore

/// The 3.0 reads MLflow's own UI makes on every page beside the tracking API (see
/// docs/notes/mlflow-ui-calls.md): what the server can do, the (absent) assistant and UI telemetry
/// (off: Swiftrack sends nothing anywhere). (Traces are served by `TraceRoutes`, the
/// evaluation-dataset list by `DatasetRoutes`.)
struct UICompanionRoutes {
    var routes: [Route] {
        Router.version3Prefixes.map { prefix in
            Route("GET", prefix + "/mlflow/server-info", access: .publicRoute) { _ in jsonResponse(Self.serverInfo) }
        } + [
            Route("GET", "/ajax-api/3.0/mlflow/assistant/config", access: .signedIn) { _ in
                jsonResponse(.object([("providers", .object([])), ("projects", .object([])),
                                      ("remote_access_allowed", .bool(false))]))
            },
            Route("GET", "/ajax-api/3.0/mlflow/assistant/providers", access: .signedIn) { _ in
                jsonResponse(.object([("providers", .array([]))]))
            },
            // The evaluation views ask whether to report usage; the answer is MLflow's own with its
            // telemetry disabled, and records posted anyway are dropped as MLflow drops them then.
            Route("GET", "/ajax-api/3.0/mlflow/ui-telemetry", access: .signedIn) { _ in jsonResponse(Self.telemetryOff) },
            Route("POST", "/ajax-api/3.0/mlflow/ui-telemetry", access: .signedIn) { _ in
                jsonResponse(.object([("status", .string("disabled"))]))
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

    /// MLflow's `FALLBACK_UI_CONFIG`, what its server answers when telemetry is disabled.
    static let telemetryOff = JSONValue.object([
        ("disable_ui_telemetry", .bool(true)),
        ("disable_ui_events", .array([])),
        ("ui_rollout_percentage", .integer(0)),
    ])

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

    /// With no traces, a plain count is one zero point; anything bucketed or averaged has no points.
}
