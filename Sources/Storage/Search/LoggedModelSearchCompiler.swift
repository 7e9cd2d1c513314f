public import SQL
public import TrackingCore

/// Compiles a logged-models/search request into one SELECT of model ids in result order, with
/// MLflow's semantics: deleted models never match; a metric filter matches any observation; a
/// metric order uses each model's latest observation (timestamp, then step) and puts models
/// without it last; ties fall to creation time (newest first), then model id.
public enum LoggedModelSearchCompiler {
    public static func compile(experimentIds: [String], filter: String?, datasets: [LoggedModelDatasetFilter],
                               orderBy: [LoggedModelOrderBy], limit: Int, offset: Int,
                               dialect: SQLDialect) throws -> CompiledQuery {
        guard limit >= 0, offset >= 0 else {
            throw MLflowError.invalidParameter("Invalid limit or offset: \(limit), \(offset)")
        }
        let comparisons = try LoggedModelSearchFilter.parse(filter)
        // Every metric comparison repeats the dataset condition: refuse a product past the bind
        // limit before building it (thousands of datasets times a thousand clauses is millions of values).
        let metricComparisons = comparisons.filter { $0.kind == .metric }.count
        if datasets.count * 2 * max(1, metricComparisons) > CompiledQuery.maxBindings {
            throw CompiledQuery.tooManyBindings(datasets.count * 2 * max(1, metricComparisons))
        }
        let ids = try RunSearchCompiler.uniqueExperimentIds(experimentIds)
        let order = try orderClauses(orderBy)
        let datasetCondition = datasetFragment(datasets, alias: "m")

        var conditions: [SQLFragment] = [
            SQLFragment("lm.lifecycle_stage != 'deleted'"),
            ids.isEmpty ? SQLFragment("1 = 0")
                : SQLFragment("lm.experiment_id IN (\(SQLFragment.placeholders(ids.count)))", ids),
        ]
        var hasMetricFilter = false
        for comparison in comparisons {
            if comparison.kind == .metric { hasMetricFilter = true }
            conditions.append(try condition(comparison, datasets: datasetCondition, dialect: dialect))
        }
        if let datasetCondition, !hasMetricFilter {
            conditions.append(SQLFragment(
                "EXISTS (SELECT 1 FROM logged_model_metrics m WHERE m.model_id = lm.model_id AND \(datasetCondition.sql))",
                datasetCondition.bindings))
        }
        let whereClause = SQLFragment.searchConditions(conditions, dialect: dialect)
        var sql = "SELECT lm.model_id FROM logged_models lm"
        if !order.joins.sql.isEmpty { sql += " " + order.joins.sql }
        sql += " WHERE " + whereClause.sql + " ORDER BY " + order.terms.joined(separator: ", ") + " LIMIT ? OFFSET ?"
        return try CompiledQuery.checked(sql: sql, bindings: order.joins.bindings + whereClause.bindings
                             + [.integer(Int64(limit)), .integer(Int64(offset))])
    }

    private static func condition(_ comparison: LoggedModelComparison, datasets: SQLFragment?,
                                  dialect: SQLDialect) throws -> SQLFragment {
        switch comparison.kind {
        case .attribute:
            let column = "lm." + comparison.key
            if case .number(let number) = comparison.value {
                return try dialect.compareNumber(column, comparison.comparator, .real(number))
            }
            if numericAttributes.contains(comparison.key) {
                return try numericAttribute(column, comparison, dialect: dialect)
            }
            return try dialect.compareText(column, comparison.comparator, comparison.value)
        case .metric:
            guard case .number(let number) = comparison.value else {
                throw MLflowError.invalidParameter("Expected a numeric value for metrics.\(comparison.key)")
            }
            var fragment = try dialect.compareNumber("m.metric_value", comparison.comparator, .real(number))
            if let datasets { fragment = SQLFragment(fragment.sql + " AND " + datasets.sql, fragment.bindings + datasets.bindings) }
            return SQLFragment(
                "EXISTS (SELECT 1 FROM logged_model_metrics m WHERE m.model_id = lm.model_id AND m.metric_name = ? AND "
                + fragment.sql + ")", [.text(comparison.key)] + fragment.bindings)
        case .param, .tag:
            let (table, keyColumn, valueColumn) = comparison.kind == .param
                ? ("logged_model_params", "param_key", "param_value") : ("logged_model_tags", "tag_key", "tag_value")
            let fragment = try dialect.compareText("e.\(valueColumn)", comparison.comparator, comparison.value)
            return SQLFragment(
                "EXISTS (SELECT 1 FROM \(table) e WHERE e.model_id = lm.model_id AND e.\(keyColumn) = ? AND \(fragment.sql))",
                [.text(comparison.key)] + fragment.bindings)
        }
    }

    /// Attributes stored as integers (MLflow keeps status as its enum number).
    private static let numericAttributes: Set<String> = ["status", "creation_timestamp_ms", "last_updated_timestamp_ms"]

    /// A numeric attribute against a string, as MLflow on SQLite answers it on every engine: a
    /// numeric string compares as the number (`status = '2'`); any other text is greater than
    /// every number, so `status = 'READY'` matches nothing and `status != 'READY'` everything.
    private static func numericAttribute(_ column: String, _ comparison: LoggedModelComparison,
                                         dialect: SQLDialect) throws -> SQLFragment {
        if case .string(let text) = comparison.value, let number = Double(text) {
            return try dialect.compareNumber(column, comparison.comparator, .real(number))
        }
        switch comparison.comparator {
        case .notEqual, .less, .lessOrEqual, .notIn: return SQLFragment("\(column) IS NOT NULL")
        default: return SQLFragment("1 = 0")
        }
    }

    /// `(m.dataset_name = ? [AND m.dataset_digest = ?]) OR ...`, or nil without datasets.
    static func datasetFragment(_ datasets: [LoggedModelDatasetFilter], alias: String) -> SQLFragment? {
        guard !datasets.isEmpty else { return nil }
        let parts = datasets.map { dataset -> SQLFragment in
            guard let digest = dataset.digest else {
                return SQLFragment("\(alias).dataset_name = ?", [.text(dataset.name)])
            }
            return SQLFragment("(\(alias).dataset_name = ? AND \(alias).dataset_digest = ?)",
                               [.text(dataset.name), .text(digest)])
        }
        let joined = SQLFragment.disjunction(parts)
        return SQLFragment("(" + joined.sql + ")", joined.bindings)
    }

    private static func orderClauses(_ orderBy: [LoggedModelOrderBy]) throws -> (joins: SQLFragment, terms: [String]) {
        // Each metric key is a joined table: bounded as runs/search bounds its keys.
        try SearchLimits.checkOrderByCount(orderBy.count)
        var joins: [SQLFragment] = []
        var terms: [String] = []
        var hasCreation = false
        var hasModelId = false
        for (index, entry) in orderBy.enumerated() {
            let direction = entry.ascending ? "ASC" : "DESC"
            guard let dot = entry.fieldName.firstIndex(of: ".") else {
                let column = LoggedModelSearchFilter.aliases[entry.fieldName] ?? entry.fieldName
                guard LoggedModelSearchFilter.attributes.contains(column) else {
                    throw MLflowError.invalidParameter("Invalid order by field name: \(entry.fieldName)")
                }
                if column == "creation_timestamp_ms" { hasCreation = true }
                if column == "model_id" { hasModelId = true }
                terms.append("CASE WHEN lm.\(column) IS NULL THEN 1 ELSE 0 END")
                terms.append("lm.\(column) \(direction)")
                continue
            }
            guard entry.fieldName[..<dot] == "metrics" else {
                throw MLflowError.invalidParameter(
                    "Invalid order by field name: \(entry.fieldName). Only metrics are supported.")
            }
            let alias = "o\(index + 1)"
            var filter = SQLFragment("metric_name = ?", [.text(String(entry.fieldName[entry.fieldName.index(after: dot)...]))])
            if let name = entry.datasetName, !name.isEmpty {
                filter = SQLFragment(filter.sql + " AND dataset_name = ?", filter.bindings + [.text(name)])
            }
            if let digest = entry.datasetDigest, !digest.isEmpty {
                filter = SQLFragment(filter.sql + " AND dataset_digest = ?", filter.bindings + [.text(digest)])
            }
            joins.append(SQLFragment(
                """
                LEFT JOIN (SELECT model_id, metric_value FROM (SELECT model_id, metric_value, ROW_NUMBER() OVER (
                PARTITION BY model_id, metric_name ORDER BY metric_timestamp_ms DESC, metric_step DESC, run_id ASC) AS rn
                FROM logged_model_metrics WHERE \(filter.sql)) ranked WHERE rn = 1) \(alias) ON \(alias).model_id = lm.model_id
                """, filter.bindings))
            terms.append("CASE WHEN \(alias).metric_value IS NULL THEN 1 ELSE 0 END")
            terms.append("\(alias).metric_value \(direction)")
        }
        if !hasCreation { terms.append("lm.creation_timestamp_ms DESC") }
        if !hasModelId { terms.append("lm.model_id ASC") }
        return (SQLFragment.joined(joins, separator: " "), terms)
    }
}
