import SQL
import TrackingCore

/// Turns one run filter comparison into a WHERE condition on `runs`, as SqlAlchemyStore filters runs.
/// Metrics, params, tags and datasets become EXISTS subqueries (no joins, so no duplicate rows).
enum RunFilterSQL {
    /// The `runs` column of a canonical run attribute (the name is never taken from the request).
    static func column(ofAttribute name: String) throws -> String {
        switch name {
        case "run_id": return "runs.run_uuid"
        case "run_name": return "runs.name"
        case "status": return "runs.status"
        case "user_id": return "runs.user_id"
        case "artifact_uri": return "runs.artifact_uri"
        case "start_time": return "runs.start_time"
        case "end_time": return "runs.end_time"
        default: throw MLflowError.invalidParameter("Invalid attribute key '\(name)' specified.")
        }
    }

    static func condition(_ comparison: SearchComparison, alias: String, dialect: SQLDialect) throws -> SQLFragment {
        let key = comparison.key
        switch key.entity {
        case .attribute:
            let column = try column(ofAttribute: key.name)
            return try dialect.compareAttribute(column, comparison)
        case .metric:
            return try metric(comparison, alias: alias, dialect: dialect)
        case .param:
            return try keyValue(table: "params", comparison, alias: alias, dialect: dialect)
        case .tag:
            return try keyValue(table: "tags", comparison, alias: alias, dialect: dialect)
        case .dataset:
            return try dataset(comparison, alias: alias, dialect: dialect)
        }
    }

    /// Latest value of the metric; NaN (stored with is_nan = 1) fails every comparison but `!=`.
    private static func metric(_ comparison: SearchComparison, alias: String, dialect: SQLDialect) throws -> SQLFragment {
        let keyMatch = try dialect.compareText("\(alias).key", .equal, .string(comparison.key.name))
        let valueRule = try metricValue(comparison, alias: alias, dialect: dialect)
        return exists(from: "latest_metrics AS \(alias)", alias: alias, conditions: [keyMatch, valueRule])
    }

    /// The value part of a metric comparison on the `latest_metrics` row `alias` (its key already matched).
    static func metricValue(_ comparison: SearchComparison, alias: String, dialect: SQLDialect) throws -> SQLFragment {
        guard let number = comparison.value.numericSQLValue else {
            throw MLflowError.invalidParameter("Expected numeric value type for metric.")
        }
        let valueMatch = try dialect.compareNumber("\(alias).value", comparison.comparator, number)
        return comparison.comparator == .notEqual
            ? SQLFragment("(\(valueMatch.sql) OR \(alias).is_nan = 1)", valueMatch.bindings)
            : SQLFragment("\(valueMatch.sql) AND \(alias).is_nan = 0", valueMatch.bindings)
    }

    /// A param or tag: `IS [NOT] NULL` tests presence; other comparators need the key present and matching.
    private static func keyValue(table: String, _ comparison: SearchComparison, alias: String,
                                 dialect: SQLDialect) throws -> SQLFragment {
        try KeyValueFilterSQL.condition(table: table, alias: alias, owner: "\(alias).run_uuid = runs.run_uuid",
                                        key: comparison.key.name, comparison.comparator, comparison.value, dialect: dialect)
    }

    /// A dataset logged as an input of the run, by name, digest or context (the input tag mlflow.data.context).
    private static func dataset(_ comparison: SearchComparison, alias: String, dialect: SQLDialect) throws -> SQLFragment {
        let input = "\(alias)i", dataset = "\(alias)d", tag = "\(alias)t"
        var from = "inputs AS \(input) JOIN datasets AS \(dataset) ON \(dataset).dataset_uuid = \(input).source_id"
        var conditions = [
            SQLFragment("\(input).destination_id = runs.run_uuid"),
            SQLFragment("\(input).destination_type = ?", [.text("RUN")]),
            SQLFragment("\(input).source_type = ?", [.text("DATASET")]),
        ]
        switch comparison.key.name {
        case "name":
            conditions.append(try dialect.compareText("\(dataset).name", comparison.comparator, comparison.value))
        case "digest":
            conditions.append(try dialect.compareText("\(dataset).digest", comparison.comparator, comparison.value))
        case "context":
            from += " JOIN input_tags AS \(tag) ON \(tag).input_uuid = \(input).input_uuid"
            conditions.append(SQLFragment("\(tag).name = ?", [.text("mlflow.data.context")]))
            conditions.append(try dialect.compareText("\(tag).value", comparison.comparator, comparison.value))
        default:
            throw MLflowError.invalidParameter("Invalid dataset key '\(comparison.key.name)' specified.")
        }
        let body = SQLFragment.joined(conditions, separator: " AND ")
        return SQLFragment("EXISTS (SELECT 1 FROM \(from) WHERE \(body.sql))", body.bindings)
    }

    /// `EXISTS (SELECT 1 FROM <from> WHERE <alias>.run_uuid = runs.run_uuid AND <conditions>)`.
    private static func exists(from: String, alias: String, conditions: [SQLFragment]) -> SQLFragment {
        let body = SQLFragment.joined([SQLFragment("\(alias).run_uuid = runs.run_uuid")] + conditions, separator: " AND ")
        return SQLFragment("EXISTS (SELECT 1 FROM \(from) WHERE \(body.sql))", body.bindings)
    }
}
