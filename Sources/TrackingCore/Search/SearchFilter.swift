/// A parsed filter string: comparisons joined by AND (MLflow has no OR for runs or experiments).
public struct SearchFilter: Sendable, Equatable {
    public var comparisons: [SearchComparison]

    public init(comparisons: [SearchComparison] = []) {
        self.comparisons = comparisons
    }
}
