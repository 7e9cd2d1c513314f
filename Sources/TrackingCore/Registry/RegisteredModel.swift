/// A registered model, as MLflow's `RegisteredModel` message describes it.
public struct RegisteredModel: Sendable, Equatable {
    public var name: String
    public var creationTimestamp: Int64?
    public var lastUpdatedTimestamp: Int64?
    public var description: String?
    /// The newest version in each stage (without their aliases, as MLflow).
    public var latestVersions: [ModelVersion]
    public var tags: [Tag]
    public var aliases: [RegisteredModelAlias]

    public init(name: String, creationTimestamp: Int64?, lastUpdatedTimestamp: Int64?, description: String? = nil,
                latestVersions: [ModelVersion] = [], tags: [Tag] = [], aliases: [RegisteredModelAlias] = []) {
        self.name = name
        self.creationTimestamp = creationTimestamp
        self.lastUpdatedTimestamp = lastUpdatedTimestamp
        self.description = description
        self.latestVersions = latestVersions
        self.tags = tags
        self.aliases = aliases
    }
}

/// A named pointer from a registered model to one of its versions.
public struct RegisteredModelAlias: Sendable, Equatable {
    public var alias: String
    public var version: String
    public init(alias: String, version: String) { self.alias = alias; self.version = version }
}
