import HTTPTransport
import JSON
import Storage
import TrackingCore

/// MLflow 3's registered scorers (`/api/3.0/mlflow/scorers/...`) and their online-scoring
/// configuration, as `mlflow/server/handlers.py` serves them (`_register_scorer` ..
/// `_upsert_online_scoring_config`). A scorer takes its experiment's permissions. Scorers are
/// stored and returned, never run: the server executes no Python, so a configuration is kept for
/// the clients that read it and nothing samples traces (README, "Served").
struct ScorerRoutes {
    let store: any ScorerStore
    /// With access control, what each caller may read: the cross-experiment reads answer only that.
    var visibility: (any SearchVisibility)? = nil

    /// The routes under `/api/3.0` and `/ajax-api/3.0`.
    var version3: [Route] {
        [
            Route("POST", "/mlflow/scorers/register", access: .experiment(.update, field: "experiment_id"), register),
            Route("GET", "/mlflow/scorers/list", access: .experimentNamed(.read, field: "experiment_id"), list),
            Route("GET", "/mlflow/scorers/versions", access: .experiment(.read, field: "experiment_id"), versions),
            Route("GET", "/mlflow/scorers/get", access: .experiment(.read, field: "experiment_id"), get),
            Route("DELETE", "/mlflow/scorers/delete", access: .experiment(.delete, field: "experiment_id"), delete),
            // MLflow's internal online-scoring routes (plain JSON rather than protobuf messages).
            Route("GET", "/mlflow/scorers/online-configs", access: .filteredSearch, onlineConfigs),
            Route("PUT", "/mlflow/scorers/online-config", access: .experiment(.update, field: "experiment_id"), upsertConfig),
        ]
    }

    func register(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let experimentId = try fields.experimentId()
        let name = try fields.requiredString("name")
        let registered = try store.registerScorer(experimentId: experimentId, name: name,
                                                  serializedScorer: try fields.requiredString("serialized_scorer"))
        return jsonResponse(registered.registeredJSON)
    }

    /// One experiment (`experiment_id`), several (`experiment_ids`: the unknown, deleted and, with
    /// access control, unreadable ones passed over), or every active one the caller may read.
    func list(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let experimentId = try fields.string("experiment_id") ?? ""
        let scorers: [ScorerVersion]
        if fields.has("experiment_ids") {
            guard experimentId.isEmpty else {
                throw MLflowError.invalidParameter(
                    "Cannot specify both 'experiment_id' and 'experiment_ids'. Use 'experiment_ids' to scope the query to "
                    + "multiple experiments, or 'experiment_id' to scope it to a single experiment.")
            }
            var requested: [String] = []
            for id in try fields.stringList("experiment_ids") where !requested.contains(id) {
                guard Self.isExperimentIdShaped(id) else { throw MLflowError.invalidParameter("Invalid experiment ID: '\(id)'") }
                requested.append(id)
            }
            if let visibility {
                requested = try visibility.readableExperiments(request).readable(experimentIds: requested)
            }
            scorers = try store.listScorers(experimentIds: requested)
        } else if !experimentId.isEmpty {
            // The access rule read the same field and required READ on it.
            scorers = try store.listScorers(experimentId: experimentId)
        } else {
            let readable = try visibility?.readableExperiments(request)
            scorers = try store.listScorers(experimentIds: nil).filter { readable?.allows($0.experimentId) ?? true }
        }
        return Self.scorersResponse(scorers)
    }

    func versions(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        return Self.scorersResponse(try store.listScorerVersions(experimentId: try fields.experimentId(),
                                                                 name: try fields.requiredString("name")))
    }

    func get(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let scorer = try store.getScorer(experimentId: try fields.experimentId(), name: try fields.requiredString("name"),
                                         version: try fields.int64("version"))
        return jsonResponse(.object([("scorer", scorer.json)]))
    }

    func delete(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        try store.deleteScorer(experimentId: try fields.experimentId(), name: try fields.requiredString("name"),
                               version: try fields.int64("version"))
        return emptyJSONResponse
    }

    /// The configurations of the listed scorers; with access control only those of scorers in
    /// experiments the caller may read (the others are left out, as if they had none).
    func onlineConfigs(_ request: RouteRequest) throws -> HTTPResponse {
        let scorerIds = try request.fields().stringList("scorer_ids", required: true)
        let readable = try visibility?.readableExperiments(request)
        let configs = try store.onlineScoringConfigs(scorerIds: scorerIds).filter { readable?.allows($0.experimentId) ?? true }
        return jsonResponse(.object([("configs", .array(configs.map(\.json)))]))
    }

    func upsertConfig(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let experimentId = try fields.experimentId()
        let name = try fields.requiredString("name")
        guard let sampleRate = try fields.double("sample_rate", required: true) else { throw RequestFields.missing("sample_rate") }
        var filterString: String?
        if let raw = fields.raw("filter_string"), raw != .null {
            guard case .string(let text) = raw else {
                throw MLflowError.invalidParameter(
                    "Invalid value \(PythonJSON.repr(raw)) for parameter 'filter_string' supplied: Value was of type "
                    + "'\(PythonFormatting.typeName(raw))'. Expected type 'str' or None.")
            }
            filterString = text
        }
        let config = try store.upsertOnlineScoringConfig(experimentId: experimentId, name: name, sampleRate: sampleRate,
                                                          filterString: filterString)
        return jsonResponse(.object([("config", config.json)]))
    }

    /// `{"scorers": [...]}`, or `{}` for none (protobuf JSON leaves an empty list out).
    static func scorersResponse(_ scorers: [ScorerVersion]) -> HTTPResponse {
        scorers.isEmpty ? emptyJSONResponse : jsonResponse(.object([("scorers", .array(scorers.map(\.json)))]))
    }

    /// MLflow's `_validate_experiment_id` pattern, `^[a-zA-Z0-9][\w\-]{0,63}$` (`\w` as Python reads it).
    static func isExperimentIdShaped(_ id: String) -> Bool {
        let characters = Array(id)
        guard let first = characters.first, characters.count <= 64,
              first.isASCII && (first.isLetter || first.isNumber) else { return false }
        return characters.dropFirst().allSatisfy { $0 == "_" || $0 == "-" || $0.isLetter || $0.isNumber }
    }
}
