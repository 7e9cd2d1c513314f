public import TrackingCore

extension SQLTrackingStore {
    /// Compiles the query to a SELECT of model ids (one more than a page, to know whether another
    /// follows), then loads those models in that order. The page token is MLflow's, bound to the query.
    public func searchLoggedModels(_ query: LoggedModelSearchQuery) throws -> Page<LoggedModel> {
        if query.datasets.contains(where: { $0.name.isEmpty }) {
            throw MLflowError.invalidParameter("`dataset_name` in the `datasets` clause must be specified.")
        }
        let filter = (query.filter?.isEmpty ?? true) ? nil : query.filter
        let offset = try LoggedModelPageToken.offset(query.pageToken, experimentIds: query.experimentIds,
                                                     filter: filter, orderBy: query.orderBy)
        let pageSize = max(0, query.maxResults)
        let compiled = try LoggedModelSearchCompiler.compile(
            experimentIds: query.experimentIds, filter: filter, datasets: query.datasets, orderBy: query.orderBy,
            limit: pageSize < Int.max ? pageSize + 1 : pageSize, offset: offset, dialect: database.dialect)
        return try database.read { connection in
            let ids = try connection.query(compiled.sql, compiled.bindings) { $0.string(0) }
            guard ids.count > pageSize else {
                return Page(items: try SQLLoggedModelLoader.models(ids, connection), nextPageToken: nil)
            }
            let token = LoggedModelPageToken.encode(experimentIds: query.experimentIds, filter: filter,
                                                    orderBy: query.orderBy, offset: offset + pageSize)
            return Page(items: try SQLLoggedModelLoader.models(Array(ids.prefix(pageSize)), connection),
                        nextPageToken: token)
        }
    }
}
