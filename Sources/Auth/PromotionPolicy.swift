/// Separation of duties for the registry: which stages and aliases are protected, and the role
/// whose holders alone may move a version into them. Whoever created a version may not promote
/// it themselves (four eyes). Read from the `[swiftrack]` section of the auth configuration.
public struct PromotionPolicy: Sendable, Equatable {
    /// Stage names, compared without case (MLflow accepts `production` for `Production`).
    public var protectedStages: Set<String> = ["production"]
    /// Alias names, compared without case.
    public var protectedAliases: Set<String> = ["production", "champion"]
    public var governanceRole = "governance"

    public init() {}

    public func protects(stage: String) -> Bool { protectedStages.contains(stage.lowercased()) }

    public func protects(alias: String) -> Bool { protectedAliases.contains(alias.lowercased()) }

    /// A comma-separated list from the configuration, as lowercased names.
    static func names(_ text: String) -> Set<String> {
        Set(text.split(separator: ",").map { $0.trimmingCharacters(in: " ").lowercased() }.filter { !$0.isEmpty })
    }
}
