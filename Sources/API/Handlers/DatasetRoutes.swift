import HTTPTransport
import JSON
import Storage
import TrackingCore

/// MLflow 3's evaluation datasets (`/api/3.0/mlflow/datasets/...`), as `mlflow/server/handlers.py`
/// serves them to `mlflow.genai.datasets` and the UI. A dataset takes its experiments' permissions
/// (`AccessRule.dataset`, docs/SECURITY.md); a search answers only datasets linked to an experiment
/// the caller may read.
struct DatasetRoutes {
    let store: any DatasetStore
    /// With access control, what each caller may read: searches answer only that.
    var visibility: (any SearchVisibility)? = nil

    /// The routes under `/api/3.0` and `/ajax-api/3.0` (`create` and `search` are exact paths, so
    /// no `{dataset_id}` route takes them).
    var version3: [Route] {
        [
            Route("POST", "/mlflow/datasets/create", access: .datasetExperiments(.update), create),
            Route("POST", "/mlflow/datasets/search", access: .filteredSearch, search),
            Route("GET", "/mlflow/datasets/search", access: .filteredSearch, search),
            Route("GET", "/mlflow/datasets/{dataset_id}", access: .dataset(.read), get),
            Route("DELETE", "/mlflow/datasets/{dataset_id}", access: .dataset(.delete), delete),
            Route("PATCH", "/mlflow/datasets/{dataset_id}/tags", access: .dataset(.update), setTags),
            Route("DELETE", "/mlflow/datasets/{dataset_id}/tags/{key}", access: .dataset(.update), deleteTag),
            Route("POST", "/mlflow/datasets/{dataset_id}/records", access: .dataset(.update), upsertRecords),
            Route("GET", "/mlflow/datasets/{dataset_id}/records", access: .dataset(.read), records),
            Route("DELETE", "/mlflow/datasets/{dataset_id}/records", access: .dataset(.update), deleteRecords),
            Route("GET", "/mlflow/datasets/{dataset_id}/experiment-ids", access: .dataset(.read), experimentIds),
            // Linking needs EDIT on the dataset's experiments and on each one added.
            Route("POST", "/mlflow/datasets/{dataset_id}/add-experiments",
                  access: .all([.dataset(.update), .datasetExperiments(.update)]), addExperiments),
            // Unlinking takes DELETE on each experiment it removes: EDIT on a dataset's only
            // experiment could otherwise move it to one's own and delete it (break-in review).
            Route("POST", "/mlflow/datasets/{dataset_id}/remove-experiments",
                  access: .all([.dataset(.update), .datasetExperiments(.delete)]), removeExperiments),
        ]
    }

    func create(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let dataset = try store.createDataset(name: try fields.requiredString("name"),
                                              experimentIds: try fields.datasetExperimentIds(),
                                              tags: try fields.datasetTags("tags", required: false))
        return jsonResponse(.object([("dataset", dataset.json)]))
    }

    func get(_ request: RouteRequest) throws -> HTTPResponse {
        jsonResponse(.object([("dataset", try store.getDataset(id: try request.parameters.required("dataset_id")).json)]))
    }

    func delete(_ request: RouteRequest) throws -> HTTPResponse {
        try store.deleteDataset(id: try request.parameters.required("dataset_id"))
        return emptyJSONResponse
    }

    /// MLflow reads an absent or zero `max_results` as its default (1000). With access control the
    /// experiments named are narrowed to those the caller may read (as runs/search does): naming only
    /// others finds nothing, never everything.
    func search(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let maxResults = try fields.int64("max_results").map { Int(clamping: $0) } ?? 0
        var experimentIds = try fields.stringList("experiment_ids")
        let visible = try visibility?.readableExperiments(request) ?? .all
        if visibility != nil, !experimentIds.isEmpty {
            experimentIds = try visible.readable(experimentIds: experimentIds)
            if experimentIds.isEmpty { return jsonResponse(.object([])) }
        }
        let page = try store.searchDatasets(DatasetSearchQuery(
            experimentIds: experimentIds, filter: try fields.string("filter_string") ?? "",
            maxResults: maxResults == 0 ? DatasetLimits.defaultSearchResults : maxResults,
            orderBy: try fields.stringList("order_by"),
            pageToken: try fields.string("page_token").flatMap { $0.isEmpty ? nil : $0 },
            visibleExperiments: visible))
        var members: [(String, JSONValue)] = []
        if !page.items.isEmpty { members.append(("datasets", .array(page.items.map(\.json)))) }
        if let token = page.nextPageToken { members.append(("next_page_token", .string(token))) }
        return jsonResponse(.object(members))
    }

    func setTags(_ request: RouteRequest) throws -> HTTPResponse {
        try store.setDatasetTags(id: try request.parameters.required("dataset_id"),
                                 tags: try request.fields().datasetTags("tags", required: true))
        return emptyJSONResponse
    }

    func deleteTag(_ request: RouteRequest) throws -> HTTPResponse {
        try store.deleteDatasetTag(id: try request.parameters.required("dataset_id"), key: try request.parameters.required("key"))
        return emptyJSONResponse
    }

    func upsertRecords(_ request: RouteRequest) throws -> HTTPResponse {
        let result = try store.upsertDatasetRecords(id: try request.parameters.required("dataset_id"),
                                                    records: try request.fields().datasetRecords())
        return jsonResponse(.object([("inserted_count", .integer(Int64(result.inserted))),
                                     ("updated_count", .integer(Int64(result.updated)))]))
    }

    /// A page of records as MLflow answers it: `records` the text of `json.dumps` of their dicts.
    func records(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let maxResults = try fields.int64("max_results").map { Int(clamping: $0) } ?? 0
        guard maxResults >= 0, maxResults <= DatasetLimits.maxSearchResults else {
            throw MLflowError.invalidParameter("Invalid value \(maxResults) for parameter 'max_results' supplied. "
                                               + "It must be a positive integer of at most \(DatasetLimits.maxSearchResults)")
        }
        let page = try store.datasetRecords(id: try request.parameters.required("dataset_id"),
                                            maxResults: maxResults == 0 ? DatasetLimits.defaultRecordPage : maxResults,
                                            pageToken: try fields.string("page_token").flatMap { $0.isEmpty ? nil : $0 })
        var members: [(String, JSONValue)] = [("records", .string(PythonFormatting.jsonDumps(.array(page.items.map(\.dictionary)))))]
        if let token = page.nextPageToken { members.append(("next_page_token", .string(token))) }
        return jsonResponse(.object(members))
    }

    func deleteRecords(_ request: RouteRequest) throws -> HTTPResponse {
        let deleted = try store.deleteDatasetRecords(id: try request.parameters.required("dataset_id"),
                                                     recordIds: try request.fields().stringList("dataset_record_ids"))
        return jsonResponse(.object([("deleted_count", .integer(Int64(deleted)))]))
    }

    /// An unknown dataset has none, as MLflow answers. With access control, only the experiments the
    /// caller may read (one of them shows her the dataset; the others stay unnamed).
    func experimentIds(_ request: RouteRequest) throws -> HTTPResponse {
        var ids = try store.datasetExperimentIds(id: try request.parameters.required("dataset_id")) ?? []
        if let visible = try visibility?.readableExperiments(request) { ids = ids.filter(visible.allows) }
        return jsonResponse(ids.isEmpty ? .object([]) : .object([("experiment_ids", .array(ids.map(JSONValue.string)))]))
    }

    func addExperiments(_ request: RouteRequest) throws -> HTTPResponse {
        let dataset = try store.addDatasetToExperiments(id: try request.parameters.required("dataset_id"),
                                                        experimentIds: try request.fields().datasetExperimentIds())
        return jsonResponse(.object([("dataset", dataset.json)]))
    }

    func removeExperiments(_ request: RouteRequest) throws -> HTTPResponse {
        let dataset = try store.removeDatasetFromExperiments(id: try request.parameters.required("dataset_id"),
                                                             experimentIds: try request.fields().datasetExperimentIds())
        return jsonResponse(.object([("dataset", dataset.json)]))
    }
}
