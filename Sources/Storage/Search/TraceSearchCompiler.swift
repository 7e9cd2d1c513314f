import SQL
import TrackingCore

/// Compiles a traces/search request into one SELECT of trace ids, in result order, as
/// SqlAlchemyStore orders traces: the requested keys (rows without a value last), then
/// `timestamp_ms DESC` and `request_id` as tie-breaker unless asked for.
enum TraceSearchCompiler {
    static func compile(experimentIds: [String], filter: String, orderBy: [String], limit: Int, offset: Int,
                        dialect: SQLDialect) throws -> CompiledQuery {
        let parsed = try TraceSearchFilter.parse(filter)
        let order = try TraceSearchFilter.parseOrder(orderBy)
        let ids = try RunSearchCompiler.uniqueExperimentIds(experimentIds)

        var joins: [SQLFragment] = []
        var terms: [String] = []
        var ordered = Set<String>()
        for (index, clause) in order.enumerated() {
            let direction = clause.ascending ? "ASC" : "DESC"
            switch clause.key {
            case .attribute(let name):
                ordered.insert(name)
                if name == "execution_time_ms" { terms.append("CASE WHEN t.\(name) IS NULL THEN 1 ELSE 0 END") }
                terms.append("t.\(name) \(direction)")
            case .tag(let key), .metadata(let key):
                let table = clause.key == .tag(key) ? "trace_tags" : "trace_request_metadata"
                let alias = "o\(index + 1)"
                joins.append(SQLFragment(
                    "LEFT OUTER JOIN (SELECT request_id, value FROM \(table) WHERE key = ?) AS \(alias) "
                        + "ON \(alias).request_id = t.request_id", [.text(key)]))
                terms.append("CASE WHEN \(alias).value IS NULL THEN 1 ELSE 0 END")
                terms.append("\(alias).value \(direction)")
            }
        }
        if !ordered.contains("timestamp_ms") { terms.append("t.timestamp_ms DESC") }
        if !ordered.contains("request_id") { terms.append("t.request_id ASC") }

        var conditions: [SQLFragment] = [
            ids.isEmpty ? SQLFragment("1 = 0")
                : SQLFragment("t.experiment_id IN (\(SQLFragment.placeholders(ids.count)))", ids),
        ]
        for (index, comparison) in parsed.comparisons.enumerated() {
            conditions.append(try condition(comparison, alias: "f\(index + 1)", dialect: dialect))
        }
        let joined = SQLFragment.joined(joins, separator: " ")
        let whereClause = SQLFragment.searchConditions(conditions, dialect: dialect)
        var sql = "SELECT t.request_id FROM trace_info AS t"
        if !joined.sql.isEmpty { sql += " " + joined.sql }
        sql += " WHERE " + whereClause.sql + " ORDER BY " + terms.joined(separator: ", ") + " LIMIT ? OFFSET ?"
        return try CompiledQuery.checked(
            sql: sql, bindings: joined.bindings + whereClause.bindings + [.integer(Int64(limit)), .integer(Int64(offset))])
    }

    private static func condition(_ comparison: TraceSearchFilter.Comparison, alias: String,
                                  dialect: SQLDialect) throws -> SQLFragment {
        switch comparison.key {
        case .attribute(let name):
            // The column name is one of TraceSearchFilter's canonical attributes, never the request's text.
            let column = "t.\(name)"
            if let number = comparison.value.numericSQLValue {
                return try dialect.compareNumber(column, comparison.comparator, number)
            }
            return try dialect.compareText(column, comparison.comparator, comparison.value)
        case .tag(let key) where key == TraceKeys.linkedPrompts:
            return try linkedPrompt(comparison, alias: alias, dialect: dialect)
        case .tag(let key):
            return try keyValue("trace_tags", key, comparison, alias: alias, dialect: dialect)
        case .metadata(let key):
            let recorded = try keyValue("trace_request_metadata", key, comparison, alias: alias, dialect: dialect)
            guard key == TraceKeys.sourceRun, comparison.comparator == .equal else { return recorded }
            // `run_id = '<id>'` also finds the traces linked to the run afterwards (MLflow's
            // entity associations, `traces/link-to-run`).
            let linked = try dialect.compareText("\(alias)l.destination_id", .equal, comparison.value)
            return SQLFragment(
                "(\(recorded.sql) OR EXISTS (SELECT 1 FROM entity_associations AS \(alias)l WHERE \(alias)l.source_type = 'TRACE' "
                    + "AND \(alias)l.source_id = t.request_id AND \(alias)l.destination_type = 'RUN' AND \(linked.sql)))",
                recorded.bindings + linked.bindings)
        }
    }

    /// `tags.mlflow.linkedPrompts = "name/version"`: traces linked to that prompt version (MLflow reads
    /// the links, not the tag's JSON); only `=`, only `name/version`.
    private static func linkedPrompt(_ comparison: TraceSearchFilter.Comparison, alias: String,
                                     dialect: SQLDialect) throws -> SQLFragment {
        guard comparison.comparator == .equal else {
            throw MLflowError.invalidParameter("Invalid comparator '\(comparison.comparator.rawValue)' for prompts filter. "
                                               + "Only '=' is supported with format: prompt = \"name/version\"")
        }
        guard case .string(let value) = comparison.value, value.count(where: { $0 == "/" }) == 1 else {
            let shown: String
            if case .string(let text) = comparison.value { shown = text } else { shown = "\(comparison.value)" }
            throw MLflowError.invalidParameter("Invalid prompts filter value '\(shown)'. Expected format: prompt = \"name/version\"")
        }
        return SQLFragment(
            "EXISTS (SELECT 1 FROM entity_associations AS \(alias) WHERE \(alias).source_type = 'TRACE' "
                + "AND \(alias).source_id = t.request_id AND \(alias).destination_type = 'PROMPT_VERSION' "
                + "AND \(alias).destination_id = ?)", [.text(value)])
    }

    /// `IS [NOT] NULL` tests presence; other comparators need the key present and its value matching.
    private static func keyValue(_ table: String, _ key: String, _ comparison: TraceSearchFilter.Comparison,
                                 alias: String, dialect: SQLDialect) throws -> SQLFragment {
        var conditions = [SQLFragment("\(alias).request_id = t.request_id"),
                          try dialect.compareText("\(alias).key", .equal, .string(key))]
        switch comparison.comparator {
        case .isNull, .isNotNull:
            break
        default:
            conditions.append(try dialect.compareText("\(alias).value", comparison.comparator, comparison.value))
        }
        let body = SQLFragment.joined(conditions, separator: " AND ")
        let exists = SQLFragment("EXISTS (SELECT 1 FROM \(table) AS \(alias) WHERE \(body.sql))", body.bindings)
        return comparison.comparator == .isNull ? SQLFragment("NOT \(exists.sql)", exists.bindings) : exists
    }
}
