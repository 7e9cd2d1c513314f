import Auth

/// What a route asks of a caller who is not an admin (admins pass every rule), after MLflow's
/// basic-auth validators (docs/notes/mlflow-auth.md §5). The resource is found in the request:
/// a field of the JSON body (or of the query for GET), or a path parameter.
enum AccessRule: Sendable {
    /// Any signed-in user (server info, the caller's own account).
    case signedIn
    /// Admins only.
    case admin
    /// The experiment named by a field (`experiment_id`) needs the capability.
    case experiment(Permission.Need, field: String)
    /// The experiment found by `experiment_name` (404 when there is none).
    case experimentByName(Permission.Need)
    /// The run (`run_id`, else `run_uuid`) of an experiment that needs the capability; an unknown run is 403.
    case run(Permission.Need)
    /// Every run listed in a repeated field (`run_id`, `run_ids`); an unknown run is 404.
    case runs(Permission.Need, field: String)
    /// The logged model named by the `{model_id}` path parameter; its experiment needs the capability.
    case loggedModel(Permission.Need)
    /// The registered model named by `name`. `mustExist`: an unknown model is 403 (versions,
    /// deletes), else an unknown name resolves to the default permission.
    case registeredModel(Permission.Need, mustExist: Bool)
    /// The transition request named by `request_id`: its registered model needs the capability;
    /// an unknown request is 403.
    case transitionRequest(Permission.Need)
    /// Creating an experiment or a registered model: allowed unless a DENY covers it.
    case create(ResourceType)
    /// A search: allowed; the handler answers only what the caller may read.
    case filteredSearch
}

/// Which rule each route follows, by method and path below the API prefix.
enum AccessRules {
    static func rule(method: String, path: String) -> AccessRule? {
        table[(method == "HEAD" ? "GET" : method) + " " + path]
    }

    /// `/api/2.0/mlflow/runs/get` → `/mlflow/runs/get`; paths outside the API prefixes as they are.
    static func routePath(_ template: String) -> String {
        for prefix in ["/api/2.0", "/ajax-api/2.0", "/api/3.0", "/ajax-api/3.0"] where template.hasPrefix(prefix + "/") {
            return String(template.dropFirst(prefix.count))
        }
        return template
    }

    private static let table: [String: AccessRule] = [
        // Server
        "GET /version": .signedIn,
        "GET /metrics": .admin,
        // Experiments
        "POST /mlflow/experiments/create": .create(.experiment),
        "GET /mlflow/experiments/get": .experiment(.read, field: "experiment_id"),
        "GET /mlflow/experiments/get-by-name": .experimentByName(.read),
        "GET /mlflow/experiments/search": .filteredSearch,
        "POST /mlflow/experiments/search-datasets": .filteredSearch,
        // What MLflow's UI reads beside the tracking API: no traces or evaluation datasets are stored.
        "POST /mlflow/traces/search": .filteredSearch,
        "POST /mlflow/traces/metrics": .filteredSearch,
        "POST /mlflow/datasets/search": .filteredSearch,
        "GET /mlflow/assistant/config": .signedIn,
        "GET /mlflow/assistant/providers": .signedIn,
        "GET /mlflow/gateway-proxy": .signedIn,
        "POST /mlflow/gateway-proxy": .signedIn,
        "POST /mlflow/experiments/search": .filteredSearch,
        "POST /mlflow/experiments/update": .experiment(.update, field: "experiment_id"),
        "POST /mlflow/experiments/set-experiment-tag": .experiment(.update, field: "experiment_id"),
        "POST /mlflow/experiments/delete-experiment-tag": .experiment(.update, field: "experiment_id"),
        "POST /mlflow/experiments/delete": .experiment(.delete, field: "experiment_id"),
        "POST /mlflow/experiments/restore": .experiment(.delete, field: "experiment_id"),
        // Runs
        "POST /mlflow/runs/create": .experiment(.update, field: "experiment_id"),
        "GET /mlflow/runs/get": .run(.read),
        "POST /mlflow/runs/update": .run(.update),
        "POST /mlflow/runs/set-tag": .run(.update),
        "POST /mlflow/runs/delete-tag": .run(.update),
        "POST /mlflow/runs/log-parameter": .run(.update),
        "POST /mlflow/runs/log-metric": .run(.update),
        "POST /mlflow/runs/log-batch": .run(.update),
        "POST /mlflow/runs/log-inputs": .run(.update),
        "POST /mlflow/runs/outputs": .run(.update),
        "POST /mlflow/runs/delete": .run(.delete),
        "POST /mlflow/runs/restore": .run(.delete),
        "POST /mlflow/runs/search": .filteredSearch,
        "GET /mlflow/metrics/get-history": .run(.read),
        "GET /mlflow/metrics/get-history-bulk": .runs(.read, field: "run_id"),
        "GET /mlflow/metrics/get-history-bulk-interval": .runs(.read, field: "run_ids"),
        "GET /mlflow/artifacts/list": .run(.read),
        "GET /get-artifact": .run(.read),
        "GET /mlflow/get-artifact": .run(.read),
        // Logged models
        "POST /mlflow/logged-models": .experiment(.update, field: "experiment_id"),
        "POST /mlflow/logged-models/search": .filteredSearch,
        "GET /mlflow/logged-models/{model_id}": .loggedModel(.read),
        "GET /mlflow/logged-models/{model_id}/artifacts/directories": .loggedModel(.read),
        "PATCH /mlflow/logged-models/{model_id}": .loggedModel(.update),
        "PATCH /mlflow/logged-models/{model_id}/tags": .loggedModel(.update),
        "POST /mlflow/logged-models/{model_id}/params": .loggedModel(.update),
        "DELETE /mlflow/logged-models/{model_id}": .loggedModel(.delete),
        "DELETE /mlflow/logged-models/{model_id}/tags/{tag_key}": .loggedModel(.delete),
        // Registered models
        "POST /mlflow/registered-models/create": .create(.registeredModel),
        "GET /mlflow/registered-models/get": .registeredModel(.read, mustExist: false),
        "GET /mlflow/registered-models/search": .filteredSearch,
        "PATCH /mlflow/registered-models/update": .registeredModel(.update, mustExist: false),
        "POST /mlflow/registered-models/rename": .registeredModel(.update, mustExist: false),
        "POST /mlflow/registered-models/set-tag": .registeredModel(.update, mustExist: false),
        "DELETE /mlflow/registered-models/delete-tag": .registeredModel(.update, mustExist: false),
        "DELETE /mlflow/registered-models/delete": .registeredModel(.delete, mustExist: true),
        "GET /mlflow/registered-models/get-latest-versions": .registeredModel(.read, mustExist: true),
        "POST /mlflow/registered-models/get-latest-versions": .registeredModel(.read, mustExist: true),
        "POST /mlflow/registered-models/alias": .registeredModel(.update, mustExist: true),
        "DELETE /mlflow/registered-models/alias": .registeredModel(.delete, mustExist: true),
        "GET /mlflow/registered-models/alias": .registeredModel(.read, mustExist: true),
        "GET /swiftrack/registered-models/history": .registeredModel(.read, mustExist: true),
        "POST /swiftrack/registered-models/rollback": .registeredModel(.update, mustExist: true),
        // Webhooks: admins only, as MLflow's auth (sender_is_admin)
        "POST /mlflow/webhooks": .admin,
        "GET /mlflow/webhooks": .admin,
        "GET /mlflow/webhooks/{webhook_id}": .admin,
        "PATCH /mlflow/webhooks/{webhook_id}": .admin,
        "DELETE /mlflow/webhooks/{webhook_id}": .admin,
        "POST /mlflow/webhooks/{webhook_id}/test": .admin,
        "GET /swiftrack/webhooks/{webhook_id}/deliveries": .admin,
        // Model versions
        "POST /mlflow/model-versions/create": .registeredModel(.update, mustExist: true),
        "GET /mlflow/model-versions/get": .registeredModel(.read, mustExist: true),
        "GET /mlflow/model-versions/get-download-uri": .registeredModel(.read, mustExist: true),
        "GET /mlflow/model-versions/search": .filteredSearch,
        "PATCH /mlflow/model-versions/update": .registeredModel(.update, mustExist: true),
        "POST /mlflow/model-versions/transition-stage": .registeredModel(.update, mustExist: true),
        "POST /mlflow/model-versions/set-tag": .registeredModel(.update, mustExist: true),
        "DELETE /mlflow/model-versions/delete-tag": .registeredModel(.delete, mustExist: true),
        "DELETE /mlflow/model-versions/delete": .registeredModel(.delete, mustExist: true),
        "GET /model-versions/get-artifact": .registeredModel(.read, mustExist: true),
        // Transition requests: deciding one is also the promotion policy's (AccessControl+Promotion).
        "POST /mlflow/transition-requests/create": .registeredModel(.update, mustExist: true),
        "GET /mlflow/transition-requests/list": .registeredModel(.read, mustExist: true),
        "POST /mlflow/transition-requests/approve": .transitionRequest(.update),
        "POST /mlflow/transition-requests/reject": .transitionRequest(.update),
        "DELETE /mlflow/transition-requests/delete": .transitionRequest(.read),
        // Users and grants: the handlers check admin / self themselves (UserRoutes).
        "POST /mlflow/users/create": .admin,
        "GET /mlflow/users/get": .signedIn,
        "GET /mlflow/users/current": .signedIn,
        "GET /mlflow/users/list": .signedIn,
        "PATCH /mlflow/users/update-password": .signedIn,
        "PATCH /mlflow/users/update-admin": .admin,
        "DELETE /mlflow/users/delete": .admin,
        "GET /mlflow/users/current/permissions": .signedIn,
        "GET /mlflow/users/permissions/list": .signedIn,
        "POST /mlflow/users/permissions/grant": .signedIn,
        "POST /mlflow/users/permissions/revoke": .signedIn,
        "GET /mlflow/users/permissions/get": .signedIn,
        "GET /mlflow/users/roles/list": .signedIn,
        // Roles: managed by admins (workspaces, whose admins MLflow also lets in, are not served).
        "POST /mlflow/roles/create": .admin,
        "GET /mlflow/roles/get": .admin,
        "GET /mlflow/roles/list": .admin,
        "PATCH /mlflow/roles/update": .admin,
        "DELETE /mlflow/roles/delete": .admin,
        "POST /mlflow/roles/permissions/add": .admin,
        "PATCH /mlflow/roles/permissions/update": .admin,
        "DELETE /mlflow/roles/permissions/remove": .admin,
        "GET /mlflow/roles/permissions/list": .admin,
        "POST /mlflow/roles/assign": .admin,
        "DELETE /mlflow/roles/unassign": .admin,
        "GET /mlflow/roles/users/list": .admin,
        "GET /mlflow/model-versions/get-artifact": .registeredModel(.read, mustExist: true),
        // Groups: managed by admins; a user may list their own (GroupRoutes checks self or admin).
        "POST /swiftrack/groups/create": .admin,
        "GET /swiftrack/groups/get": .admin,
        "GET /swiftrack/groups/list": .admin,
        "DELETE /swiftrack/groups/delete": .admin,
        "POST /swiftrack/groups/members/add": .admin,
        "DELETE /swiftrack/groups/members/remove": .admin,
        "POST /swiftrack/groups/roles/assign": .admin,
        "DELETE /swiftrack/groups/roles/unassign": .admin,
        "GET /swiftrack/users/groups/list": .signedIn,
    ]
}
