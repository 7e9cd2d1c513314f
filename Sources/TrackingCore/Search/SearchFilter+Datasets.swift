extension SearchFilter {
    /// Parses a datasets/search filter as MLflow's `SearchEvaluationDatasetsUtils` and
    /// `_get_search_datasets_filter_clauses` check it: attributes `name`, `created_time`,
    /// `last_update_time`, `created_by`, `last_updated_by` (bare; no `attribute.` prefix), and
    /// `tags.<key>`; `IN` only for `name`. MLflow also lets `<`, `>` compare names as text; that is
    /// refused here with its message for other string comparators.
    public static func parseDatasets(_ filter: String?) throws -> SearchFilter {
        let clauses = try SearchClauseParser.parse(filter ?? "", style: .bare)
        return SearchFilter(comparisons: try clauses.map(datasetComparison))
    }

    private static func datasetComparison(_ clause: RawSearchClause) throws -> SearchComparison {
        guard let identifier = SearchIdentifier(clause.identifier) else {
            throw MLflowError.invalidParameter(
                "Invalid comparison clause. Expected 'Identifier' found '\(clause.identifier.text)'")
        }
        let key = try DatasetSearchKeys.resolve(identifier, valid: DatasetSearchKeys.attributes)
        let written = clause.comparator
        if written == "IS NULL" || written == "IS NOT NULL" {
            throw MLflowError.invalidParameter(
                "IS NULL / IS NOT NULL is only supported for tags and params, not for "
                    + "'\(key.entity == .tag ? "tag" : "attribute")' '\(key.name)'")
        }
        let comparator = SearchComparator(rawValue: written)
        if key.entity == .tag {
            let value = try SearchValueReader.string(clause.operand, entity: .tag)
            guard let comparator, [.equal, .notEqual, .like, .ilike].contains(comparator) else {
                throw MLflowError.invalidParameter("Invalid comparator for tag: \(written)")
            }
            return SearchComparison(key: key, comparator: comparator, value: value)
        }
        if DatasetSearchKeys.numericAttributes.contains(key.name) {
            let value = try SearchValueReader.numericAttribute(clause.operand, key: key.name)
            guard let comparator, SearchComparator.numeric.contains(comparator) else {
                throw MLflowError.invalidParameter("Invalid comparator for numeric attribute: \(written)")
            }
            if case .number = value {
                throw MLflowError.invalidParameter(
                    "Invalid value for numeric attribute '\(key.name)': '\(SearchValueReader.text(clause.operand))'")
            }
            return SearchComparison(key: key, comparator: comparator, value: value)
        }
        let value = try SearchValueReader.stringAttribute(clause.operand, key: key.name, listKeys: ["name"])
        if case .list = value, comparator != .in {
            throw MLflowError.invalidParameter("List values for 'name' are only supported with the IN comparator.")
        }
        guard let comparator, [.equal, .notEqual, .like, .ilike].contains(comparator) || (comparator == .in && key.name == "name")
        else {
            throw MLflowError.invalidParameter("Invalid comparator for string attribute: \(written)")
        }
        if comparator == .in, case .string = value {
            throw MLflowError.invalidParameter("Invalid comparator for string attribute: \(written)")
        }
        return SearchComparison(key: key, comparator: comparator, value: value)
    }
}

/// The keys a datasets search accepts (MLflow's `SearchEvaluationDatasetsUtils`).
public enum DatasetSearchKeys {
    static let attributes = ["name", "created_time", "last_update_time", "created_by", "last_updated_by"]
    static let orderableAttributes = ["name", "created_time", "last_update_time"]
    static let numericAttributes = ["created_time", "last_update_time"]

    /// A bare name is an attribute; `tags.<key>` a tag; any other prefix is refused.
    static func resolve(_ identifier: SearchIdentifier, valid: [String]) throws -> SearchKey {
        guard let word = identifier.entity else {
            guard valid.contains(identifier.key) else {
                throw MLflowError.invalidParameter(
                    "Invalid attribute key '\(identifier.key)' specified. Valid keys are: \(SearchMessages.pythonSet(valid.sorted()))")
            }
            return SearchKey(.attribute, identifier.key)
        }
        guard word == "tags" else {
            throw MLflowError.invalidParameter("Invalid identifier token '\(word)' specified")
        }
        return SearchKey(.tag, identifier.key)
    }
}

extension OrderByClause {
    /// Parses datasets/search `order_by` entries (`name`, `created_time`, `last_update_time`, with
    /// `ASC`/`DESC`), as MLflow's `parse_order_by_for_search_evaluation_datasets`; none means
    /// `created_time DESC`.
    public static func parseDatasets(_ entries: [String]) throws -> [OrderByClause] {
        try SearchLimits.checkOrderByCount(entries.count)
        return try (entries.isEmpty ? ["created_time DESC"] : entries).map { entry in
            let (identifier, ascending) = try split(entry)
            let key = try DatasetSearchKeys.resolve(identifier, valid: DatasetSearchKeys.orderableAttributes)
            guard key.entity == .attribute else {
                throw MLflowError.invalidParameter("Invalid order_by entity: tag")
            }
            return OrderByClause(key: key, ascending: ascending)
        }
    }
}
