import Artifacts
import HTTPTransport
import JSON
import Storage
import TrackingCore

/// MLflow 3 logged models (`/mlflow/logged-models...`) and run outputs (`/mlflow/runs/outputs`).
struct LoggedModelRoutes {
    let store: any LoggedModelStore
    /// With access control, what each caller may read: searches answer only that.
    var visibility: (any SearchVisibility)? = nil

    var routes: [Route] {
        [
            Route("POST", "/mlflow/logged-models",
                  access: .all([.experiment(.update, field: "experiment_id"), .runNamed(.read, field: "source_run_id")]), create),
            Route("POST", "/mlflow/logged-models/search", access: .filteredSearch, search),
            Route("GET", "/mlflow/logged-models/{model_id}", access: .loggedModel(.read), get),
            Route("PATCH", "/mlflow/logged-models/{model_id}", access: .loggedModel(.update), finalize),
            Route("DELETE", "/mlflow/logged-models/{model_id}", access: .loggedModel(.delete), delete),
            Route("PATCH", "/mlflow/logged-models/{model_id}/tags", access: .loggedModel(.update), setTags),
            Route("DELETE", "/mlflow/logged-models/{model_id}/tags/{tag_key}", access: .loggedModel(.delete), deleteTag),
            Route("POST", "/mlflow/logged-models/{model_id}/params", access: .loggedModel(.update), logParams),
            Route("GET", "/mlflow/logged-models/{model_id}/artifacts/directories", access: .loggedModel(.read), listArtifacts),
            Route("POST", "/mlflow/runs/outputs", access: .all([.run(.update), .loggedModelsNamed(.update, .inMessages("models"))]), logOutputs),
        ]
    }

    func create(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let model = try store.createLoggedModel(CreateLoggedModelRequest(
            experimentId: try fields.experimentId(),
            name: try fields.string("name").flatMap { $0.isEmpty ? nil : $0 },
            // MLflow stores the proto's "" for an absent type or source run, and answers it back.
            modelType: try fields.string("model_type") ?? "",
            sourceRunId: try fields.string("source_run_id") ?? "",
            params: try fields.keyValues("params").map { Param(key: $0.key, value: $0.value) },
            tags: try fields.keyValues("tags").map { Tag(key: $0.key, value: $0.value) }))
        request.events.emit(.loggedModelCreated(id: model.modelId))
        return jsonResponse(.object([("model", model.json)]))
    }

    func get(_ request: RouteRequest) throws -> HTTPResponse {
        let allowDeleted = request.queryItems.first { $0.name == "allow_deleted" }?.value.lowercased() == "true"
        let model = try store.getLoggedModel(id: request.parameters["model_id"] ?? "", allowDeleted: allowDeleted)
        return jsonResponse(.object([("model", model.json)]))
    }

    /// MLflow finalizes the model named in the body (required); the path must name the same one,
    /// since the access rule checked the path's model.
    func finalize(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let modelId = try fields.requiredString("model_id")
        guard modelId == request.parameters["model_id"] else {
            throw MLflowError.invalidParameter("The model_id in the request body ('\(modelId)') must match the logged "
                + "model in the path ('\(request.parameters["model_id"] ?? "")').")
        }
        guard let status = try fields.loggedModelStatus("status") else { throw RequestFields.missing("status") }
        return jsonResponse(.object([("model", try store.finalizeLoggedModel(id: modelId, status: status).json)]))
    }

    func delete(_ request: RouteRequest) throws -> HTTPResponse {
        try store.deleteLoggedModel(id: request.parameters["model_id"] ?? "")
        return emptyJSONResponse
    }

    func setTags(_ request: RouteRequest) throws -> HTTPResponse {
        let tags = try request.fields().keyValues("tags").map { Tag(key: $0.key, value: $0.value) }
        try store.setLoggedModelTags(id: request.parameters["model_id"] ?? "", tags: tags)
        return emptyJSONResponse
    }

    func deleteTag(_ request: RouteRequest) throws -> HTTPResponse {
        try store.deleteLoggedModelTag(id: request.parameters["model_id"] ?? "", key: request.parameters["tag_key"] ?? "")
        return emptyJSONResponse
    }

    /// The body must name the model too (MLflow's schema), but the path's model is the one logged to.
    func logParams(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        _ = try fields.requiredString("model_id")
        let params = try fields.keyValues("params").map { Param(key: $0.key, value: $0.value) }
        try store.logLoggedModelParams(id: request.parameters["model_id"] ?? "", params: params)
        return emptyJSONResponse
    }

    /// The files under the model's artifact location when it is on local disk; other stores list nothing yet.
    func listArtifacts(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let relative = try fields.string("artifact_directory_path").map { try ArtifactPath.validated($0) } ?? ""
        let model = try store.getLoggedModel(id: request.parameters["model_id"] ?? "", allowDeleted: false)
        let root = model.artifactLocation
        var members: [(String, JSONValue)] = [("root_uri", .string(root))]
        if root.hasPrefix("/") || root.hasPrefix("file:") {
            let files = try LocalArtifactRepository(root: root).list(relative)
            if !files.isEmpty { members.append(("files", .array(files.map(\.json)))) }
        }
        return jsonResponse(.object(members))
    }

    func logOutputs(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runId = try fields.requiredString("run_id")
        guard let raw = fields.raw("models"), raw != .null else { throw RequestFields.missing("models") }
        let models = try fields.messages("models").map { entry throws in
            ModelOutput(modelId: try entry.string("model_id") ?? "", step: try entry.int64("step") ?? 0)
        }
        try store.logOutputs(runId: runId, models: models)
        return emptyJSONResponse
    }
}

extension RequestFields {
    /// `[{key, value}]` messages as MLflow's logged-model handlers read them: absent parts are "".
    func keyValues(_ name: String) throws(MLflowError) -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        for entry in try messages(name) {
            pairs.append((key: try entry.string("key") ?? "", value: try entry.string("value") ?? ""))
        }
        return pairs
    }

    /// A `LoggedModelStatus` by proto name or number; an unknown one reads as UNSPECIFIED, as MLflow's parse does.
    func loggedModelStatus(_ name: String) throws(MLflowError) -> LoggedModelStatus? {
        switch raw(name) {
        case nil, .null?: return nil
        case .string(let text)?:
            return LoggedModelStatus(rawValue: text) ?? Int(text).flatMap(LoggedModelStatus.init(number:)) ?? .unspecified
        case .integer(let number)?:
            return LoggedModelStatus(number: Int(truncatingIfNeeded: number)) ?? .unspecified
        case let value?:
            throw Self.typeError(name, value)
        }
    }
}
