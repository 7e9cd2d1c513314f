/// One validated comparison of a filter: `key comparator value`.
public struct SearchComparison: Sendable, Equatable {
    public var key: SearchKey
    public var comparator: SearchComparator
    public var value: SearchValue

    public init(key: SearchKey, comparator: SearchComparator, value: SearchValue) {
        self.key = key
        self.comparator = comparator
        self.value = value
    }
}
