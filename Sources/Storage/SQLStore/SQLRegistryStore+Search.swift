public import TrackingCore

extension SQLRegistryStore {
    public func searchRegisteredModels(_ query: RegistrySearchQuery) throws -> Page<RegisteredModel> {
        let limit = Validation.maxRegisteredModelSearchResults
        if query.maxResults > limit {
            throw MLflowError.invalidParameter("Invalid value for request parameter max_results. It must be at most "
                + "\(limit), but got value \(query.maxResults)")
        }
        let offset = try PageToken.decode(query.pageToken)
        let pageSize = max(0, query.maxResults)
        let compiled = try RegistrySearchCompiler.compileRegisteredModels(
            filter: query.filter, orderBy: query.orderBy, limit: pageSize + 1, offset: offset, dialect: database.dialect,
            visible: query.visibleModels)
        guard pageSize > 0 else { return Page(items: [], nextPageToken: nil) }
        return try database.read { connection in
            let names = try connection.query(compiled.sql, compiled.bindings) { $0.string(0) }
            let (page, next) = Self.split(names, pageSize: pageSize, offset: offset)
            return Page(items: try SQLRegistryLoader.registeredModels(page, connection), nextPageToken: next)
        }
    }

    /// Versions come without aliases, as MLflow's search returns them.
    public func searchModelVersions(_ query: RegistrySearchQuery) throws -> Page<ModelVersion> {
        let limit = Validation.maxModelVersionSearchResults
        if query.maxResults < 1 {
            throw MLflowError.invalidParameter(
                "Invalid value for max_results. It must be a positive integer, but got \(query.maxResults)")
        }
        if query.maxResults > limit {
            throw MLflowError.invalidParameter("Invalid value for request parameter max_results. It must be at most "
                + "\(limit), but got value \(query.maxResults)")
        }
        let offset = try PageToken.decode(query.pageToken)
        let compiled = try RegistrySearchCompiler.compileModelVersions(
            filter: query.filter, orderBy: query.orderBy, limit: query.maxResults + 1, offset: offset, dialect: database.dialect,
            visible: query.visibleModels)
        return try database.read { connection in
            let keys = try connection.query(compiled.sql, compiled.bindings) { ($0.string(0), $0.int64(1)) }
            let (page, next) = Self.split(keys, pageSize: query.maxResults, offset: offset)
            return Page(items: try SQLRegistryLoader.modelVersions(page, connection, withAliases: false),
                        nextPageToken: next)
        }
    }

    private static func split<T>(_ rows: [T], pageSize: Int, offset: Int) -> ([T], String?) {
        guard rows.count > pageSize else { return (rows, nil) }
        return (Array(rows.prefix(pageSize)), PageToken.encode(offset: offset + pageSize))
    }
}
