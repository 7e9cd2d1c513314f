import HTTPTransport
import JSON
import Storage
import TrackingCore

extension LoggedModelRoutes {
    /// The proto's default page size: MLflow's handler passes it on when `max_results` is absent.
    static let defaultMaxResults = 50
    /// What the store uses when MLflow's handler passes `max_results: 0` on (as None).
    static let storeDefaultMaxResults = 100

    func search(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        guard let ids = fields.raw("experiment_ids"), ids != .null else { throw RequestFields.missing("experiment_ids") }
        var maxResults = Self.defaultMaxResults
        if let requested = try fields.int64("max_results") {
            // A negative or over-int32 size is refused (MLflow would fail the proto parse or page oddly).
            guard requested >= 0, requested <= Int64(Int32.max) else {
                throw RequestFields.typeError("max_results", fields.raw("max_results") ?? .integer(requested))
            }
            maxResults = requested == 0 ? Self.storeDefaultMaxResults : Int(requested)
        }
        var experimentIds = try fields.stringList("experiment_ids")
        if let visibility {
            experimentIds = try visibility.readableExperiments(request).readable(experimentIds: experimentIds)
        }
        let query = LoggedModelSearchQuery(
            experimentIds: experimentIds,
            filter: try fields.string("filter").flatMap { $0.isEmpty ? nil : $0 },
            datasets: try fields.messages("datasets").map { entry throws in
                LoggedModelDatasetFilter(name: try entry.string("dataset_name") ?? "",
                                         digest: try entry.string("dataset_digest").flatMap { $0.isEmpty ? nil : $0 })
            },
            orderBy: try fields.messages("order_by").map { entry throws in
                LoggedModelOrderBy(fieldName: try entry.string("field_name") ?? "",
                                   // proto2 bool: absent is false (descending), whatever the python default says.
                                   ascending: try entry.bool("ascending") ?? false,
                                   datasetName: try entry.string("dataset_name").flatMap { $0.isEmpty ? nil : $0 },
                                   datasetDigest: try entry.string("dataset_digest").flatMap { $0.isEmpty ? nil : $0 })
            },
            maxResults: maxResults,
            pageToken: try fields.string("page_token").flatMap { $0.isEmpty ? nil : $0 })
        let page = try store.searchLoggedModels(query)
        var members: [(String, JSONValue)] = []
        if !page.items.isEmpty { members.append(("models", .array(page.items.map(\.json)))) }
        if let token = page.nextPageToken { members.append(("next_page_token", .string(token))) }
        return jsonResponse(.object(members))
    }
}
