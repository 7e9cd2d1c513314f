import SQL

/// A piece of SQL and the values bound to its `?` placeholders, in order.
struct SQLFragment: Sendable, Equatable {
    var sql: String
    var bindings: [SQLValue]

    init(_ sql: String, _ bindings: [SQLValue] = []) {
        self.sql = sql
        self.bindings = bindings
    }

    /// Fragments joined by `separator`, bindings kept in text order.
    static func joined(_ parts: [SQLFragment], separator: String) -> SQLFragment {
        SQLFragment(parts.map(\.sql).joined(separator: separator), parts.flatMap(\.bindings))
    }

    /// The conditions AND-ed as a balanced tree of parenthesised halves. A flat chain
    /// `a AND b AND c ...` parses into a tree as deep as it is long, and SQLite refuses one deeper
    /// than 1,000 ("Expression tree is too large"); halves keep the depth near log2 of the count.
    /// Up to `flatLimit` conditions stay one flat chain (the SQL of every ordinary search).
    static func conjunction(_ parts: [SQLFragment], flatLimit: Int = 16) -> SQLFragment {
        balanced(parts, separator: " AND ", flatLimit: flatLimit)
    }

    /// The WHERE conditions of a search, AND-ed (balanced, see `conjunction`). Past `subqueryLimit`
    /// subquery conditions, PostgreSQL and MariaDB would turn each top-level EXISTS into a semi-join
    /// and search join orders over hundreds of tables (minutes of planning for a filter sqlparse
    /// accepts); wrapped in a CASE they stay correlated subqueries, planned one by one. Ordinary
    /// searches keep their plans; SQLite never flattens EXISTS.
    static func searchConditions(_ conditions: [SQLFragment], dialect: SQLDialect,
                                 subqueryLimit: Int = 8) -> SQLFragment {
        let subqueries = conditions.filter(\.isSubqueryCondition).count
        guard dialect != .sqlite, subqueries > subqueryLimit else { return conjunction(conditions) }
        return conjunction(conditions.map { condition in
            condition.isSubqueryCondition
                ? SQLFragment("(CASE WHEN \(condition.sql) THEN 1 ELSE 0 END) = 1", condition.bindings)
                : condition
        })
    }

    /// An `EXISTS (...)` or `NOT EXISTS (...)` condition.
    var isSubqueryCondition: Bool { sql.hasPrefix("EXISTS (") || sql.hasPrefix("NOT EXISTS (") }

    /// The conditions OR-ed, balanced as `conjunction` balances AND.
    static func disjunction(_ parts: [SQLFragment], flatLimit: Int = 16) -> SQLFragment {
        balanced(parts, separator: " OR ", flatLimit: flatLimit)
    }

    private static func balanced(_ parts: [SQLFragment], separator: String, flatLimit: Int) -> SQLFragment {
        guard parts.count > max(flatLimit, 2) else { return joined(parts, separator: separator) }
        let middle = parts.count / 2
        let left = balanced(Array(parts[..<middle]), separator: separator, flatLimit: flatLimit)
        let right = balanced(Array(parts[middle...]), separator: separator, flatLimit: flatLimit)
        return SQLFragment("(\(left.sql))\(separator)(\(right.sql))", left.bindings + right.bindings)
    }

    /// `?, ?, ?` for `count` values.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
