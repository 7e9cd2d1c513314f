public import SQL
public import TrackingCore

/// Compiles an experiments/search request into one SELECT of experiment ids, in result order.
public enum ExperimentSearchCompiler {
    /// `SELECT experiments.experiment_id FROM experiments WHERE ... ORDER BY ... LIMIT ? OFFSET ?`.
    /// Default order is MLflow's `creation_time DESC, experiment_id ASC`; otherwise `experiment_id DESC`
    /// breaks ties unless the caller orders by it. Only experiments `visible` allows are selected.
    public static func compile(filter: String, orderBy: [String], viewType: ViewType,
                               limit: Int, offset: Int, dialect: SQLDialect,
                               visible: IdentifierFilter = .all) throws -> CompiledQuery {
        guard limit >= 0, offset >= 0 else {
            throw MLflowError.invalidParameter("Invalid limit or offset: \(limit), \(offset)")
        }
        let parsedFilter = try SearchFilter.parseExperiments(filter)
        var order = try OrderByClause.parseExperiments(orderBy.isEmpty ? ["creation_time DESC", "experiment_id ASC"] : orderBy)
        // A key ordered by again changes nothing (its first mention decides), so each is kept once:
        // MLflow takes any number of entries, and a thousand terms would pass SQLite's 2,000-term limit.
        var seen = Set<String>()
        order = order.filter { seen.insert($0.key.name).inserted }
        if !order.contains(where: { $0.key.name == "experiment_id" }) {
            order.append(OrderByClause(key: SearchKey(.attribute, "experiment_id"), ascending: false))
        }
        let terms = try order.map {
            "\(try ExperimentFilterSQL.column(ofAttribute: $0.key.name)) \($0.ascending ? "ASC" : "DESC")"
        }

        var conditions = [
            SQLFragment("experiments.lifecycle_stage IN (\(SQLFragment.placeholders(viewType.stages.count)))",
                        viewType.stages.map { .text($0.rawValue) }),
        ]
        if let visibility = IdentifierFilterSQL.integerCondition(visible, column: "experiments.experiment_id") {
            conditions.append(visibility)
        }
        for (index, comparison) in parsedFilter.comparisons.enumerated() {
            conditions.append(try ExperimentFilterSQL.condition(comparison, alias: "f\(index + 1)", dialect: dialect))
        }
        let whereClause = SQLFragment.searchConditions(conditions, dialect: dialect)
        let sql = "SELECT experiments.experiment_id FROM experiments WHERE \(whereClause.sql) "
            + "ORDER BY \(terms.joined(separator: ", ")) LIMIT ? OFFSET ?"
        return try CompiledQuery.checked(sql: sql,
                                         bindings: whereClause.bindings + [.integer(Int64(limit)), .integer(Int64(offset))])
    }
}
