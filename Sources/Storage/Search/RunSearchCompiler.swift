public import SQL
public import TrackingCore

/// Compiles a runs/search request into one SELECT of run ids, in result order.
public enum RunSearchCompiler {
    /// `SELECT runs.run_uuid FROM runs ... ORDER BY ... LIMIT ? OFFSET ?`; every value is bound.
    /// `limit` is applied as given (a caller that wants to know whether a next page exists asks for one more).
    public static func compile(experimentIds: [String], filter: String, orderBy: [String], viewType: ViewType,
                               limit: Int, offset: Int, dialect: SQLDialect) throws -> CompiledQuery {
        guard limit >= 0, offset >= 0 else {
            throw MLflowError.invalidParameter("Invalid limit or offset: \(limit), \(offset)")
        }
        let parsedFilter = try SearchFilter.parseRuns(filter)
        let clauses = try OrderByClause.parseRuns(orderBy)
        // A filter that needs a number for the metric the page is sorted by lets that metric's
        // row drive the query (see RunOrderSQL); its comparisons then apply to that joined row.
        let leadingMetric = clauses.first.flatMap { $0.key.entity == .metric ? $0.key.name : nil }
        let onLeadingMetric = { (comparison: SearchComparison) in
            comparison.key.entity == .metric && comparison.key.name == leadingMetric && comparison.comparator != .notEqual
        }
        let leadingMetricPresent = parsedFilter.comparisons.contains(where: onLeadingMetric)
        let order = try RunOrderSQL.compile(clauses, leadingMetricPresent: leadingMetricPresent, dialect: dialect)
        let ids = try uniqueExperimentIds(experimentIds)

        var conditions: [SQLFragment] = [
            ids.isEmpty
                ? SQLFragment("1 = 0")
                : SQLFragment("runs.experiment_id IN (\(SQLFragment.placeholders(ids.count)))", ids),
            SQLFragment("runs.lifecycle_stage IN (\(SQLFragment.placeholders(viewType.stages.count)))",
                        viewType.stages.map { .text($0.rawValue) }),
        ]
        for (index, comparison) in parsedFilter.comparisons.enumerated() {
            conditions.append(leadingMetricPresent && onLeadingMetric(comparison)
                ? try RunFilterSQL.metricValue(comparison, alias: RunOrderSQL.leadingAlias, dialect: dialect)
                : try RunFilterSQL.condition(comparison, alias: "f\(index + 1)", dialect: dialect))
        }
        let whereClause = SQLFragment.searchConditions(conditions, dialect: dialect)

        var sql = "SELECT runs.run_uuid FROM runs"
        if !order.joins.sql.isEmpty { sql += " " + order.joins.sql }
        sql += " WHERE " + whereClause.sql
        sql += " ORDER BY " + order.terms.joined(separator: ", ")
        sql += " LIMIT ? OFFSET ?"
        let bindings = order.joins.bindings + whereClause.bindings + [.integer(Int64(limit)), .integer(Int64(offset))]
        return try CompiledQuery.checked(sql: sql, bindings: bindings)
    }

    /// The requested experiments as bound integers, each once (a client listing every experiment
    /// may repeat some; each repeat would only cost a bind parameter).
    static func uniqueExperimentIds(_ experimentIds: [String]) throws -> [SQLValue] {
        var seen = Set<Int64>()
        var ids: [SQLValue] = []
        for text in experimentIds {
            let id = try ExperimentSearchKeys.experimentId(text)
            if seen.insert(id).inserted { ids.append(.integer(id)) }
        }
        return ids
    }
}
