public import SQL
public import TrackingCore

/// Compiles registered-models/search and model-versions/search into one SELECT of keys in result order,
/// as MLflow's SqlAlchemyStore filters and orders them (prompts left out unless the filter asks for them).
public enum RegistrySearchCompiler {
    static let promptTagKey = "mlflow.prompt.is_prompt"

    /// `SELECT registered_models.name ... ORDER BY ... LIMIT ? OFFSET ?`; `name ASC` breaks ties.
    /// Only models `visible` allows (by name) are selected.
    public static func compileRegisteredModels(filter: String, orderBy: [String], limit: Int, offset: Int,
                                               dialect: SQLDialect, visible: IdentifierFilter = .all) throws -> CompiledQuery {
        let comparisons = try SearchFilter.parseRegisteredModels(filter).comparisons
        var order = try OrderByClause.parseRegisteredModels(orderBy)
        if !order.contains(where: { $0.key.name == "name" }) {
            order.append(OrderByClause(key: SearchKey(.attribute, "name"), ascending: true))
        }
        let terms = order.map { clause in
            let column = clause.key.name == "name" ? "registered_models.name" : "registered_models.last_updated_time"
            return "\(column) \(clause.ascending ? "ASC" : "DESC")"
        }
        var conditions = try conditions(comparisons, table: "registered_model_tags", owner: "registered_models",
                                        keyColumns: ["name"], dialect: dialect) { name in
            guard name == "name" else { throw MLflowError.invalidParameter("Invalid attribute name: \(name)") }
            return ("registered_models.name", false)
        }
        if let visibility = IdentifierFilterSQL.textCondition(visible, column: "registered_models.name", dialect: dialect) {
            conditions.insert(visibility, at: 0)
        }
        return try finish(select: "SELECT registered_models.name FROM registered_models", conditions: conditions,
                      terms: terms, limit: limit, offset: offset, dialect: dialect)
    }

    /// `SELECT model_versions.name, model_versions.version ...`; default order is MLflow's
    /// `last_updated_timestamp DESC, name ASC, version_number DESC`. Only versions of models `visible`
    /// allows (by name) are selected.
    public static func compileModelVersions(filter: String, orderBy: [String], limit: Int, offset: Int,
                                            dialect: SQLDialect, visible: IdentifierFilter = .all) throws -> CompiledQuery {
        let comparisons = try SearchFilter.parseModelVersions(filter).comparisons
        var order = try OrderByClause.parseModelVersions(
            orderBy.isEmpty ? ["last_updated_timestamp DESC", "name ASC", "version_number DESC"] : orderBy)
        if !order.contains(where: { $0.key.name == "name" }) {
            order.append(OrderByClause(key: SearchKey(.attribute, "name"), ascending: true))
        }
        if !order.contains(where: { $0.key.name == "version_number" }) {
            order.append(OrderByClause(key: SearchKey(.attribute, "version_number"), ascending: false))
        }
        let terms = try order.map { "\(try modelVersionColumn($0.key.name).column) \($0.ascending ? "ASC" : "DESC")" }
        var conditions = try conditions(comparisons, table: "model_version_tags", owner: "model_versions",
                                        keyColumns: ["name", "version"], dialect: dialect, modelVersionColumn)
        if let visibility = IdentifierFilterSQL.textCondition(visible, column: "model_versions.name", dialect: dialect) {
            conditions.insert(visibility, at: 0)
        }
        return try finish(select: "SELECT model_versions.name, model_versions.version FROM model_versions",
                      conditions: conditions, terms: terms, limit: limit, offset: offset, dialect: dialect)
    }

    /// The column of a model version attribute, and whether it is numeric.
    static func modelVersionColumn(_ name: String) throws -> (column: String, numeric: Bool) {
        switch name {
        case "name": return ("model_versions.name", false)
        case "run_id": return ("model_versions.run_id", false)
        case "source_path": return ("model_versions.source", false)
        case "version_number": return ("model_versions.version", true)
        case "creation_timestamp": return ("model_versions.creation_time", true)
        case "last_updated_timestamp": return ("model_versions.last_updated_time", true)
        default: throw MLflowError.invalidParameter("Invalid attribute name: \(name)")
        }
    }

    private static func conditions(_ comparisons: [SearchComparison], table: String, owner: String,
                                   keyColumns: [String], dialect: SQLDialect,
                                   _ column: (String) throws -> (column: String, numeric: Bool)) throws -> [SQLFragment] {
        let queriesPrompts = comparisons.contains(where: isPromptQuery)
        var conditions: [SQLFragment] = []
        for (index, comparison) in comparisons.enumerated() {
            let key = comparison.key
            switch key.entity {
            case .attribute:
                let (name, numeric) = try column(key.name)
                if numeric, let number = comparison.value.numericSQLValue {
                    conditions.append(try dialect.compareNumber(name, comparison.comparator, number))
                } else {
                    conditions.append(try dialect.compareText(name, comparison.comparator, comparison.value))
                }
            case .tag:
                if !queriesPrompts && key.name == promptTagKey { continue }
                let alias = "f\(index + 1)"
                let body = SQLFragment.joined(
                    keyColumns.map { SQLFragment("\(alias).\($0) = \(owner).\($0)") } + [
                        try dialect.compareText("\(alias).key", .equal, .string(key.name)),
                        try dialect.compareText("\(alias).value", comparison.comparator, comparison.value),
                    ], separator: " AND ")
                conditions.append(SQLFragment("EXISTS (SELECT 1 FROM \(table) AS \(alias) WHERE \(body.sql))",
                                              body.bindings))
            default:
                throw MLflowError.invalidParameter("Invalid token type: \(key.entity.mlflowName)")
            }
        }
        if !queriesPrompts {
            // Prompts are registered models tagged mlflow.prompt.is_prompt = 'true': left out by default.
            let body = SQLFragment.joined([
                SQLFragment("p.name = \(owner).name"),
                try dialect.compareText("p.key", .equal, .string(promptTagKey)),
                try dialect.compareText("p.value", .equal, .string("true")),
            ], separator: " AND ")
            conditions.append(SQLFragment("NOT EXISTS (SELECT 1 FROM \(table) AS p WHERE \(body.sql))", body.bindings))
        }
        return conditions
    }

    /// `_is_querying_prompt`: the filter asks for prompts explicitly.
    private static func isPromptQuery(_ comparison: SearchComparison) -> Bool {
        guard comparison.key.entity == .tag, comparison.key.name == promptTagKey,
              case .string(let value) = comparison.value else { return false }
        return (comparison.comparator == .equal && value.lowercased() == "true")
            || (comparison.comparator == .notEqual && value.lowercased() == "false")
    }

    private static func finish(select: String, conditions: [SQLFragment], terms: [String], limit: Int,
                               offset: Int, dialect: SQLDialect) throws -> CompiledQuery {
        let whereClause = SQLFragment.searchConditions(conditions, dialect: dialect)
        var sql = select
        if !whereClause.sql.isEmpty { sql += " WHERE " + whereClause.sql }
        sql += " ORDER BY " + terms.joined(separator: ", ") + " LIMIT ? OFFSET ?"
        return try CompiledQuery.checked(sql: sql, bindings: whereClause.bindings
                                + [.integer(Int64(max(0, limit))), .integer(Int64(max(0, offset)))])
    }
}
