import SQL
import TrackingCore

/// Compiles a datasets/search request into one SELECT of dataset ids, in result order, as MLflow's
/// `search_datasets` filters and orders (default `created_time DESC`, ties broken by
/// `dataset_id DESC`).
enum DatasetSearchCompiler {
    static func compile(_ query: DatasetSearchQuery, limit: Int, offset: Int, dialect: SQLDialect) throws -> CompiledQuery {
        let filter = try SearchFilter.parseDatasets(query.filter)
        let order = try OrderByClause.parseDatasets(query.orderBy)
        var conditions: [SQLFragment] = []
        if !query.experimentIds.isEmpty {
            let ids = try query.experimentIds.map { SQLValue.text(String(try ExperimentSearchKeys.experimentId($0))) }
            conditions.append(linked(SQLFragment("a.destination_id IN (\(SQLFragment.placeholders(ids.count)))", ids)))
        }
        if let visible = IdentifierFilterSQL.textCondition(query.visibleExperiments, column: "a.destination_id",
                                                           dialect: dialect) {
            conditions.append(linked(visible))
        }
        for (index, comparison) in filter.comparisons.enumerated() {
            conditions.append(try condition(comparison, alias: "t\(index + 1)", dialect: dialect))
        }
        var terms = order.map { "evaluation_datasets.\($0.key.name) \($0.ascending ? "ASC" : "DESC")" }
        terms.append("evaluation_datasets.dataset_id DESC")
        let whereClause = conditions.isEmpty ? SQLFragment("1 = 1") : SQLFragment.searchConditions(conditions, dialect: dialect)
        let sql = "SELECT evaluation_datasets.dataset_id FROM evaluation_datasets WHERE \(whereClause.sql) "
            + "ORDER BY \(terms.joined(separator: ", ")) LIMIT ? OFFSET ?"
        return try CompiledQuery.checked(sql: sql,
                                         bindings: whereClause.bindings + [.integer(Int64(limit)), .integer(Int64(offset))])
    }

    /// The dataset has a link to an experiment for which `experiment` holds (on `a.destination_id`).
    private static func linked(_ experiment: SQLFragment) -> SQLFragment {
        SQLFragment("EXISTS (SELECT 1 FROM entity_associations AS a WHERE a.source_type = ? "
                    + "AND a.source_id = evaluation_datasets.dataset_id AND a.destination_type = ? AND \(experiment.sql))",
                    [.text(SQLTrackingStore.datasetSource), .text(SQLTrackingStore.experimentDestination)] + experiment.bindings)
    }

    private static func condition(_ comparison: SearchComparison, alias: String, dialect: SQLDialect) throws -> SQLFragment {
        let key = comparison.key
        switch key.entity {
        case .attribute:
            let column: String
            switch key.name {
            case "name", "created_time", "last_update_time", "created_by", "last_updated_by":
                column = "evaluation_datasets.\(key.name)"
            default:
                throw MLflowError.invalidParameter("Invalid attribute key '\(key.name)' specified.")
            }
            return try dialect.compareAttribute(column, comparison)
        case .tag:
            return try KeyValueFilterSQL.condition(
                table: "evaluation_dataset_tags", alias: alias, owner: "\(alias).dataset_id = evaluation_datasets.dataset_id",
                key: key.name, comparison.comparator, comparison.value, dialect: dialect)
        default:
            throw MLflowError.invalidParameter("Invalid token type: \(key.entity.mlflowName)")
        }
    }
}
