import SQL
import TrackingCore

/// A comparison on a key-value child table (a run's tags or params, a trace's tags or request
/// metadata) as one correlated EXISTS: `IS NULL` / `IS NOT NULL` test the key's presence; any other
/// comparator needs the key present and its value matching. `owner` ties the child row (`alias`) to
/// the row being searched, e.g. `t1.run_uuid = runs.run_uuid`.
enum KeyValueFilterSQL {
    static func condition(table: String, alias: String, owner: String, key: String, _ comparator: SearchComparator,
                          _ value: SearchValue, dialect: SQLDialect) throws -> SQLFragment {
        var conditions = [SQLFragment(owner), try dialect.compareText("\(alias).key", .equal, .string(key))]
        if comparator != .isNull && comparator != .isNotNull {
            conditions.append(try dialect.compareText("\(alias).value", comparator, value))
        }
        let body = SQLFragment.joined(conditions, separator: " AND ")
        let exists = SQLFragment("EXISTS (SELECT 1 FROM \(table) AS \(alias) WHERE \(body.sql))", body.bindings)
        return comparator == .isNull ? SQLFragment("NOT \(exists.sql)", exists.bindings) : exists
    }
}
