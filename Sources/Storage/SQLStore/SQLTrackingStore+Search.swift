public import TrackingCore

extension SQLTrackingStore {
    /// Compiles the query to a SELECT of ids (one row more than a page, to know if another
    /// follows), then loads those experiments in that order.
    public func searchExperiments(_ query: ExperimentSearchQuery) throws -> Page<Experiment> {
        let offset = try PageToken.decode(query.pageToken)
        let pageSize = max(0, query.maxResults)
        let compiled = try ExperimentSearchCompiler.compile(
            filter: query.filter, orderBy: query.orderBy, viewType: query.viewType,
            limit: Self.probeLimit(pageSize), offset: offset, dialect: database.dialect,
            visible: query.visibleExperiments)
        return try database.read { connection in
            let keys = try connection.query(compiled.sql, compiled.bindings) { row -> Int64? in
                switch row.value(0) {
                case .integer(let key): return key
                case .text(let text): return Int64(text)
                default: return nil
                }
            }.compactMap { $0 }
            let (pageKeys, next) = Self.split(keys, pageSize: pageSize, offset: offset)
            return Page(items: try SQLEntityLoader.experiments(pageKeys, connection), nextPageToken: next)
        }
    }

    /// As `searchExperiments`, for runs (model inputs are left out, as MLflow's search does).
    public func searchRuns(_ query: RunSearchQuery) throws -> Page<Run> {
        let offset = try PageToken.decode(query.pageToken)
        let pageSize = max(0, query.maxResults)
        let compiled = try RunSearchCompiler.compile(
            experimentIds: query.experimentIds, filter: query.filter, orderBy: query.orderBy,
            viewType: query.viewType, limit: Self.probeLimit(pageSize), offset: offset, dialect: database.dialect)
        return try database.read { connection in
            let ids = try connection.query(compiled.sql, compiled.bindings) { $0.string(0) }
            let (pageIds, next) = Self.split(ids, pageSize: pageSize, offset: offset)
            return Page(items: try SQLEntityLoader.runs(pageIds, connection, includeModelInputs: false),
                        nextPageToken: next)
        }
    }

    private static func probeLimit(_ pageSize: Int) -> Int { pageSize < Int.max ? pageSize + 1 : pageSize }

    /// The page's ids and, when the probe row came back, the token of the next page.
    private static func split<T>(_ ids: [T], pageSize: Int, offset: Int) -> ([T], String?) {
        guard ids.count > pageSize else { return (ids, nil) }
        return (Array(ids.prefix(pageSize)), PageToken.encode(offset: offset + pageSize))
    }
}
