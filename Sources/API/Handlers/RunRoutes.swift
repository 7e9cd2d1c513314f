import HTTPTransport
import JSON
import Storage
import TrackingCore

/// runs/*: create, get, update, delete, restore, search.
struct RunRoutes {
    let store: any TrackingStore
    var events = APIEvents()
    /// With access control, what each caller may read: searches answer only that.
    var visibility: (any SearchVisibility)? = nil

    var routes: [Route] {
        [
            Route("POST", "/mlflow/runs/create", access: .experiment(.update, field: "experiment_id"), create),
            Route("GET", "/mlflow/runs/get", access: .run(.read), get),
            Route("POST", "/mlflow/runs/update", access: .run(.update), update),
            Route("POST", "/mlflow/runs/delete", access: .run(.delete), delete),
            Route("POST", "/mlflow/runs/restore", access: .run(.delete), restore),
            Route("POST", "/mlflow/runs/search", access: .filteredSearch, search),
        ]
    }

    func create(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let run = try store.createRun(CreateRunRequest(
            // MLflow fails here on a foreign key; a missing experiment id is a clear 400 instead.
            experimentId: try fields.experimentId(),
            userId: try fields.string("user_id") ?? "",
            runName: try fields.string("run_name").flatMap { $0.isEmpty ? nil : $0 },
            startTime: try fields.int64("start_time"),
            tags: try fields.tags().enumerated().map { index, tag throws in
                try Validation.validatedTag(tag, path: "tags[\(index)]")
            }))
        events.runCreated()
        request.events.emit(.runCreated(id: run.info.runId))
        return jsonResponse(.object([("run", run.json)]))
    }

    func get(_ request: RouteRequest) throws -> HTTPResponse {
        let runId = try request.fields().runId()
        return jsonResponse(.object([("run", try store.getRun(id: runId).json(alwaysWithOutputs: true))]))
    }

    func update(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let runId = try fields.runId()
        let info = try store.updateRun(id: runId, status: fields.runStatus("status"), endTime: try fields.int64("end_time"),
                                       runName: try fields.string("run_name"))
        return jsonResponse(.object([("run_info", info.json)]))
    }

    func delete(_ request: RouteRequest) throws -> HTTPResponse {
        try store.deleteRun(id: try request.fields().requiredString("run_id"))
        return emptyJSONResponse
    }

    func restore(_ request: RouteRequest) throws -> HTTPResponse {
        try store.restoreRun(id: try request.fields().requiredString("run_id"))
        return emptyJSONResponse
    }

    func search(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let maxResults = try fields.int64("max_results").map { Int(clamping: $0) } ?? 1000
        if maxResults > Validation.maxSearchResults, let raw = fields.raw("max_results") {
            throw RequestFields.typeError("max_results", raw)
        }
        try Validation.validateMaxResults(maxResults)
        var experimentIds = try fields.stringList("experiment_ids")
        if let visibility {
            experimentIds = try visibility.readableExperiments(request).readable(experimentIds: experimentIds)
        }
        let query = RunSearchQuery(
            experimentIds: experimentIds,
            filter: try fields.string("filter") ?? "",
            orderBy: try fields.stringList("order_by"),
            maxResults: maxResults,
            pageToken: try fields.string("page_token").flatMap { $0.isEmpty ? nil : $0 },
            viewType: try fields.viewType("run_view_type") ?? .activeOnly)
        let page = try store.searchRuns(query)
        var members: [(String, JSONValue)] = []
        if !page.items.isEmpty { members.append(("runs", .array(page.items.map { $0.json(alwaysWithOutputs: true) }))) }
        if let token = page.nextPageToken { members.append(("next_page_token", .string(token))) }
        return jsonResponse(.object(members))
    }
}

extension RequestFields {
    /// A `RunStatus` given by name or number; an unknown value is ignored, as MLflow does.
    func runStatus(_ name: String) -> RunStatus? {
        switch raw(name) {
        case .string(let text)?:
            return RunStatus(rawValue: text) ?? Int(text).flatMap(RunStatus.init(number:))
        case .integer(let number)?:
            return RunStatus(number: Int(truncatingIfNeeded: number))
        default:
            return nil
        }
    }
}

extension RunStatus {
    init?(number: Int) {
        switch number {
        case 1: self = .running
        case 2: self = .scheduled
        case 3: self = .finished
        case 4: self = .failed
        case 5: self = .killed
        default: return nil
        }
    }
}
