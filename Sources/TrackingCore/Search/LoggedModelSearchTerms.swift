/// One `order_by` entry of logged-model search (`SearchLoggedModels.OrderBy`).
public struct LoggedModelOrderBy: Sendable, Equatable {
    /// An attribute (`name`, `creation_time`, ...) or `metrics.<key>`.
    public var fieldName: String
    public var ascending: Bool
    /// For a metric: only observations on this dataset count.
    public var datasetName: String?
    public var datasetDigest: String?

    public init(fieldName: String, ascending: Bool = true, datasetName: String? = nil, datasetDigest: String? = nil) {
        self.fieldName = fieldName
        self.ascending = ascending
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }
}

/// A `datasets` entry of logged-model search: metric filters (or, without any, the models) must
/// have observations on one of the listed datasets.
public struct LoggedModelDatasetFilter: Sendable, Equatable {
    public var name: String
    /// nil: any digest of the named dataset.
    public var digest: String?
    public init(name: String, digest: String? = nil) { self.name = name; self.digest = digest }
}
