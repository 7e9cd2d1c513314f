import HTTPTransport
import JSON
import Storage
import TrackingCore

/// model-versions/*: create, get, update, delete, search, tags, transition-stage, get-download-uri.
struct ModelVersionRoutes {
    let registry: any RegistryStore
    let sealer: ModelVersionSealer
    /// With access control, what each caller may read: searches answer only that.
    var visibility: (any SearchVisibility)? = nil

    var routes: [Route] {
        [
            Route("POST", "/mlflow/model-versions/create",
                  access: .all([.registeredModel(.update), .modelVersionSource]), create),
            Route("GET", "/mlflow/model-versions/get", access: .registeredModel(.read), get),
            Route("PATCH", "/mlflow/model-versions/update", access: .registeredModel(.update), update),
            Route("DELETE", "/mlflow/model-versions/delete", access: .registeredModel(.delete), delete),
            Route("GET", "/mlflow/model-versions/search", access: .filteredSearch, search),
            Route("POST", "/mlflow/model-versions/set-tag", access: .registeredModel(.update), setTag),
            Route("DELETE", "/mlflow/model-versions/delete-tag", access: .registeredModel(.delete), deleteTag),
            Route("POST", "/mlflow/model-versions/transition-stage", access: .registeredModel(.update), transitionStage),
            Route("GET", "/mlflow/model-versions/get-download-uri", access: .registeredModel(.read), downloadURI),
        ]
    }

    private func answer(_ version: ModelVersion) -> HTTPResponse {
        jsonResponse(.object([("model_version", version.json)]))
    }

    func create(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let source = try fields.requiredString("source")
        let createRequest = CreateModelVersionRequest(
            name: name, source: source, runId: try fields.string("run_id"), tags: try fields.tags(),
            runLink: try fields.string("run_link"), description: try fields.string("description"),
            modelId: try fields.string("model_id"), userId: request.user)
        let created = try registry.createModelVersion(createRequest)
        request.events.emit(.modelVersionCreated(
            name: name, version: created.version, source: created.source.flatMap { $0.isEmpty ? nil : $0 } ?? source,
            runId: createRequest.runId.flatMap { $0.isEmpty ? nil : $0 }, tags: createRequest.tags,
            description: createRequest.description.flatMap { $0.isEmpty ? nil : $0 }))
        return answer(created)
    }

    func get(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        return answer(try registry.getModelVersion(name: name, version: try fields.version()))
    }

    func update(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let version = try fields.version()
        let description = try fields.string("description")
        return answer(try registry.updateModelVersion(name: name, version: version, description: description))
    }

    func delete(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        try registry.deleteModelVersion(name: name, version: try fields.version(), userId: request.user)
        return emptyJSONResponse
    }

    func search(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let limit = Validation.maxModelVersionSearchResults
        let query = RegistrySearchQuery(
            filter: try fields.string("filter") ?? "",
            orderBy: try fields.stringList("order_by"),
            maxResults: try fields.maxResults(limit: limit, default: limit),
            pageToken: try fields.string("page_token").flatMap { $0.isEmpty ? nil : $0 },
            visibleModels: try visibility?.readableRegisteredModels(request) ?? .all)
        let page = try registry.searchModelVersions(query)
        var members: [(String, JSONValue)] = []
        if !page.items.isEmpty { members.append(("model_versions", .array(page.items.map(\.json)))) }
        if let token = page.nextPageToken { members.append(("next_page_token", .string(token))) }
        return jsonResponse(.object(members))
    }

    func setTag(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let version = try fields.version()
        let tag = Tag(key: try fields.requiredString("key"), value: try fields.string("value") ?? "")
        try registry.setModelVersionTag(name: name, version: version, tag: tag)
        request.events.emit(.modelVersionTagSet(name: name, version: version, key: tag.key, value: tag.value))
        return emptyJSONResponse
    }

    func deleteTag(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let version = try fields.version()
        let key = try fields.requiredString("key")
        try registry.deleteModelVersionTag(name: name, version: version, key: key)
        request.events.emit(.modelVersionTagDeleted(name: name, version: version, key: key))
        return emptyJSONResponse
    }

    func transitionStage(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let version = try fields.version()
        let stage = try fields.requiredString("stage")
        let archive = try fields.bool("archive_existing_versions") ?? false
        let target = TransitionRequest.Target.stage(try ModelStage.canonical(stage))
        let sealing = try sealer.protects(target)
            ? sealer.requirement(for: try sealer.directMove(name: name, version: version, target: target),
                                 approver: request.user, precheck: request.approveMove, events: request.events)
            : .none
        let moved = try registry.transitionModelVersionStage(
            name: name, version: version, stage: stage, archiveExistingVersions: archive, userId: request.user,
            approve: request.approveMove, sealing: sealing)
        return answer(moved)
    }

    func downloadURI(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        // MLflow's handler has no schema here: missing fields reach the store as "".
        let name = try fields.string("name") ?? ""
        let version = try fields.string("version") ?? ""
        let uri = try registry.getModelVersionDownloadURI(name: name, version: version)
        return jsonResponse(.object([("artifact_uri", .string(uri))]))
    }
}
