import SQL
import TrackingCore

/// Turns a search's `IdentifierFilter` (what the caller may read) into a WHERE condition on the
/// column that holds the identifier, every identifier bound. `.all` needs no condition (nil);
/// `.only([])` matches nothing; `.allExcept([])` needs no condition.
enum IdentifierFilterSQL {
    /// For an integer id column (experiment ids): identifiers are bound as integers; one that is not
    /// an integer in its canonical spelling names no row, so it is left out (as `allows` would).
    static func integerCondition(_ filter: IdentifierFilter, column: String) -> SQLFragment? {
        func ids(_ identifiers: Set<String>) -> [SQLValue] {
            identifiers.compactMap { text in Int64(text).flatMap { String($0) == text ? $0 : nil } }
                .sorted().map(SQLValue.integer)
        }
        switch filter {
        case .all: return nil
        case .only(let allowed): return membership(column, ids(allowed), negated: false)
        case .allExcept(let refused): return membership(column, ids(refused), negated: true)
        }
    }

    /// For a text column (registered model names): compared as the filters compare names, so
    /// case-sensitively on every engine (MySQL's `BINARY`).
    static func textCondition(_ filter: IdentifierFilter, column: String, dialect: SQLDialect) -> SQLFragment? {
        let lhs = dialect == .mysql ? "BINARY \(column)" : column
        switch filter {
        case .all: return nil
        case .only(let allowed): return membership(lhs, allowed.sorted().map(SQLValue.text), negated: false)
        case .allExcept(let refused): return membership(lhs, refused.sorted().map(SQLValue.text), negated: true)
        }
    }

    /// `lhs [NOT] IN (?, ...)`; with no values, `1 = 0` for IN and no condition for NOT IN.
    private static func membership(_ lhs: String, _ values: [SQLValue], negated: Bool) -> SQLFragment? {
        guard !values.isEmpty else { return negated ? nil : SQLFragment("1 = 0") }
        return SQLFragment("\(lhs) \(negated ? "NOT IN" : "IN") (\(SQLFragment.placeholders(values.count)))", values)
    }
}
