/// A comparator of MLflow's search grammar.
public enum SearchComparator: String, Sendable, Equatable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case like = "LIKE"
    case ilike = "ILIKE"
    case `in` = "IN"
    case notIn = "NOT IN"
    case isNull = "IS NULL"
    case isNotNull = "IS NOT NULL"

    /// The comparators metrics and numeric attributes accept, in MLflow's order.
    static let numeric: [SearchComparator] = [.greater, .greaterOrEqual, .notEqual, .equal, .less, .lessOrEqual]
    /// The comparators params and tags accept.
    static let paramOrTag: [SearchComparator] = [.notEqual, .equal, .like, .ilike, .isNull, .isNotNull]
    /// The comparators string attributes and datasets accept.
    static let stringAttribute: [SearchComparator] = [.notEqual, .equal, .like, .ilike, .in, .notIn]
}
