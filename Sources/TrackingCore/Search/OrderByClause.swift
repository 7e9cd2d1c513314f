/// One validated order_by entry: a key and a direction.
public struct OrderByClause: Sendable, Equatable {
    public var key: SearchKey
    public var ascending: Bool

    public init(key: SearchKey, ascending: Bool) {
        self.key = key
        self.ascending = ascending
    }
}
