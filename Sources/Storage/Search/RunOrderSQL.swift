import SQL
import TrackingCore

/// Turns runs/search order_by clauses into outer joins and ORDER BY terms, as SqlAlchemyStore orders runs:
/// for each clause, rows without a value sort last in both directions (for metrics: values, then NaN,
/// then missing); then `start_time DESC` unless ordered by start_time; then `run_uuid` as tie-breaker.
enum RunOrderSQL {
    struct Compiled {
        var joins: SQLFragment
        var terms: [String]
    }

    /// With `leadingMetricPresent` the filter keeps only runs whose first order key, a metric, has a
    /// number (not NaN): that metric's row is inner-joined as `o1` and sorted by its value alone, so
    /// the database can walk the `(key, value)` index in order and stop at the page's end.
    /// The alias of the first order key's joined row.
    static let leadingAlias = "o1"

    static func compile(_ clauses: [OrderByClause], leadingMetricPresent: Bool = false,
                        dialect: SQLDialect) throws -> Compiled {
        var joins: [SQLFragment] = []
        var terms: [String] = []
        var ordersByStartTime = false
        for (index, clause) in clauses.enumerated() {
            let direction = clause.ascending ? "ASC" : "DESC"
            let key = clause.key
            switch key.entity {
            case .attribute:
                let column = try RunFilterSQL.column(ofAttribute: key.name)
                if key.name == "start_time" { ordersByStartTime = true }
                terms.append("CASE WHEN \(column) IS NULL THEN 1 ELSE 0 END")
                terms.append("\(column) \(direction)")
            case .metric, .param, .tag:
                let alias = index == 0 ? leadingAlias : "o\(index + 1)"
                let table = key.entity == .metric ? "latest_metrics" : key.entity == .param ? "params" : "tags"
                let columns = key.entity == .metric ? "run_uuid, value, is_nan" : "run_uuid, value"
                if index == 0, leadingMetricPresent, key.entity == .metric {
                    let keyMatch = try dialect.compareText("\(alias).key", .equal, .string(key.name))
                    joins.append(SQLFragment(
                        "JOIN latest_metrics AS \(alias) ON \(alias).run_uuid = runs.run_uuid AND \(keyMatch.sql)",
                        keyMatch.bindings))
                    terms.append("\(alias).value \(direction)")
                    continue
                }
                let keyMatch = try dialect.compareText("key", .equal, .string(key.name))
                joins.append(SQLFragment(
                    "LEFT OUTER JOIN (SELECT \(columns) FROM \(table) WHERE \(keyMatch.sql)) AS \(alias) "
                        + "ON \(alias).run_uuid = runs.run_uuid", keyMatch.bindings))
                if key.entity == .metric {
                    terms.append("CASE WHEN \(alias).is_nan = 1 THEN 1 WHEN \(alias).value IS NULL THEN 2 ELSE 0 END")
                } else {
                    terms.append("CASE WHEN \(alias).value IS NULL THEN 1 ELSE 0 END")
                }
                terms.append("\(alias).value \(direction)")
            case .dataset:
                throw MLflowError.invalidParameter("Invalid identifier type 'dataset'")
            }
        }
        if !ordersByStartTime { terms.append("runs.start_time DESC") }
        terms.append("runs.run_uuid ASC")
        return Compiled(joins: SQLFragment.joined(joins, separator: " "), terms: terms)
    }
}
