import SQL
import TrackingCore

/// Turns one experiment filter comparison into a WHERE condition on `experiments`, as SqlAlchemyStore does.
enum ExperimentFilterSQL {
    /// The `experiments` column of an attribute (the name is never taken from the request).
    static func column(ofAttribute name: String) throws -> String {
        switch name {
        case "name": return "experiments.name"
        case "experiment_id": return "experiments.experiment_id"
        case "creation_time": return "experiments.creation_time"
        case "last_update_time": return "experiments.last_update_time"
        default: throw MLflowError.invalidParameter("Invalid attribute key '\(name)' specified.")
        }
    }

    static func condition(_ comparison: SearchComparison, alias: String, dialect: SQLDialect) throws -> SQLFragment {
        let key = comparison.key
        switch key.entity {
        case .attribute:
            let column = try column(ofAttribute: key.name)
            if key.name == "experiment_id" { return try experimentId(column, comparison) }
            return try dialect.compareAttribute(column, comparison)
        case .tag:
            let keyMatch = try dialect.compareText("\(alias).key", .equal, .string(key.name))
            var conditions = [SQLFragment("\(alias).experiment_id = experiments.experiment_id"), keyMatch]
            if comparison.comparator != .isNull, comparison.comparator != .isNotNull {
                conditions.append(try dialect.compareText("\(alias).value", comparison.comparator, comparison.value))
            }
            let body = SQLFragment.joined(conditions, separator: " AND ")
            let exists = "EXISTS (SELECT 1 FROM experiment_tags AS \(alias) WHERE \(body.sql))"
            return SQLFragment(comparison.comparator == .isNull ? "NOT " + exists : exists, body.bindings)
        default:
            throw MLflowError.invalidParameter("Invalid token type: \(key.entity.mlflowName)")
        }
    }

    /// experiment_id is an integer column: values are bound as integers.
    private static func experimentId(_ column: String, _ comparison: SearchComparison) throws -> SQLFragment {
        switch (comparison.comparator, comparison.value) {
        case (.equal, .string(let text)), (.notEqual, .string(let text)):
            let id = try ExperimentSearchKeys.experimentId(text)
            return SQLFragment("\(column) \(comparison.comparator.rawValue) ?", [.integer(id)])
        case (.in, .list(let items)), (.notIn, .list(let items)):
            let ids = try items.map { SQLValue.integer(try ExperimentSearchKeys.experimentId($0)) }
            let op = comparison.comparator == .in ? "IN" : "NOT IN"
            return SQLFragment("\(column) \(op) (\(SQLFragment.placeholders(ids.count)))", ids)
        default:
            throw MLflowError.invalidParameter("Invalid comparator for experiment_id: \(comparison.comparator.rawValue)")
        }
    }
}
