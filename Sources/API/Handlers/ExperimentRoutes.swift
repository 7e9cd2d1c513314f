import HTTPTransport
import JSON
import Storage
import TrackingCore

/// experiments/*: create, get, get-by-name, search, update, delete, restore, tags.
struct ExperimentRoutes {
    let store: any TrackingStore
    /// With access control, what each caller may read: searches answer only that.
    var visibility: (any SearchVisibility)? = nil

    var routes: [Route] {
        [
            Route("POST", "/mlflow/experiments/create",
                  access: .all([.create(.experiment), .experimentArtifactLocation]), create),
            Route("GET", "/mlflow/experiments/get", access: .experiment(.read, field: "experiment_id"), get),
            Route("GET", "/mlflow/experiments/get-by-name", access: .experimentByName(.read), getByName),
            Route("POST", "/mlflow/experiments/search", access: .filteredSearch, search),
            Route("GET", "/mlflow/experiments/search", access: .filteredSearch, search),
            Route("POST", "/mlflow/experiments/update", access: .experiment(.update, field: "experiment_id"), update),
            Route("POST", "/mlflow/experiments/delete", access: .experiment(.delete, field: "experiment_id"), delete),
            Route("POST", "/mlflow/experiments/restore", access: .experiment(.delete, field: "experiment_id"), restore),
            Route("POST", "/mlflow/experiments/set-experiment-tag", access: Self.tagWrite, setTag),
            Route("POST", "/mlflow/experiments/delete-experiment-tag", access: Self.tagWrite, deleteTag),
        ]
    }

    func create(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.requiredString("name")
        // Resolved as the access rule read it (a relative path made absolute, as MLflow stores it).
        let artifactLocation = try fields.experimentArtifactLocation()
        let tags = try fields.tags()
        try Validation.validateExperimentName(name)
        for tag in tags { try Validation.validateExperimentTag(tag) }
        if let artifactLocation { try Validation.validateArtifactLocation(artifactLocation) }
        if let artifactLocation, artifactLocation.hasPrefix("runs:") {
            throw MLflowError.invalidParameter("Artifact location cannot be a runs:/ URI. Given: '\(artifactLocation)'")
        }
        let id = try store.createExperiment(name: name, artifactLocation: artifactLocation, tags: tags)
        request.events.emit(.experimentCreated(id: id))
        return jsonResponse(.object([("experiment_id", .string(id))]))
    }

    func get(_ request: RouteRequest) throws -> HTTPResponse {
        let id = try request.fields().experimentId()
        return jsonResponse(.object([("experiment", try store.getExperiment(id: id).json)]))
    }

    func getByName(_ request: RouteRequest) throws -> HTTPResponse {
        let name = try request.fields().experimentName()
        guard let experiment = try store.getExperimentByName(name) else {
            throw MLflowError.notFound("Could not find experiment with name '\(name)'")
        }
        return jsonResponse(.object([("experiment", experiment.json)]))
    }

    func search(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let maxResults = try fields.int64("max_results").map { Int(clamping: $0) } ?? 1000
        try Validation.validateMaxResults(maxResults)
        let query = ExperimentSearchQuery(
            filter: try fields.string("filter") ?? "",
            orderBy: try fields.stringList("order_by"),
            maxResults: maxResults,
            pageToken: try fields.string("page_token").flatMap { $0.isEmpty ? nil : $0 },
            viewType: try fields.viewType("view_type") ?? .activeOnly,
            visibleExperiments: try visibility?.readableExperiments(request) ?? .all)
        let page = try store.searchExperiments(query)
        var members: [(String, JSONValue)] = []
        if !page.items.isEmpty { members.append(("experiments", .array(page.items.map(\.json)))) }
        if let token = page.nextPageToken { members.append(("next_page_token", .string(token))) }
        return jsonResponse(.object(members))
    }

    func update(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let id = try fields.experimentId()
        let newName = try fields.requiredString("new_name")
        try Validation.validateExperimentName(newName)
        try store.renameExperiment(id: id, newName: newName)
        return emptyJSONResponse
    }

    func delete(_ request: RouteRequest) throws -> HTTPResponse {
        try store.deleteExperiment(id: try request.fields().experimentId())
        return emptyJSONResponse
    }

    func restore(_ request: RouteRequest) throws -> HTTPResponse {
        try store.restoreExperiment(id: try request.fields().experimentId())
        return emptyJSONResponse
    }

    /// EDIT writes a tag; the trace retention tag also takes DELETE (it deletes traces).
    static let tagWrite = AccessRule.all([.experiment(.update, field: "experiment_id"),
                                          .experimentTagKey(.delete, key: TraceRetention.tag)])

    func setTag(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let id = try fields.experimentId()
        let tag = Tag(key: try fields.requiredString("key"), value: try fields.string("value") ?? "")
        try Validation.validateExperimentTag(tag)
        try store.setExperimentTag(id: id, tag: tag)
        return emptyJSONResponse
    }

    func deleteTag(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        try store.deleteExperimentTag(id: try fields.experimentId(), key: try fields.requiredString("key"))
        return emptyJSONResponse
    }
}
