extension SearchFilter {
    /// Parses an experiments/search filter as MLflow's `SearchExperimentsUtils` and SqlAlchemyStore check it.
    /// `experiment_id` values are checked to be integers; `creation_time` / `last_update_time` values are integers.
    public static func parseExperiments(_ filter: String?) throws -> SearchFilter {
        let clauses = try SearchClauseParser.parse(filter ?? "", style: .bare)
        return SearchFilter(comparisons: try clauses.map(experimentComparison))
    }

    private static func experimentComparison(_ clause: RawSearchClause) throws -> SearchComparison {
        guard let identifier = SearchIdentifier(clause.identifier) else {
            throw MLflowError.invalidParameter(
                "Invalid comparison clause. Expected 'Identifier' found '\(clause.identifier.text)'")
        }
        let key = try ExperimentSearchKeys.resolve(identifier)
        let written = clause.comparator
        if written == "IS NULL" || written == "IS NOT NULL" {
            guard key.entity == .tag else {
                throw MLflowError.invalidParameter(
                    "IS NULL / IS NOT NULL is only supported for tags, not for attribute '\(key.name)'")
            }
            return SearchComparison(key: key, comparator: written == "IS NULL" ? .isNull : .isNotNull, value: .none)
        }
        let isNumeric = key.entity == .attribute && ExperimentSearchKeys.numericAttributes.contains(key.name)
        var value: SearchValue
        if key.entity == .tag {
            value = try SearchValueReader.string(clause.operand, entity: .tag)
        } else if isNumeric {
            value = try SearchValueReader.numericAttribute(clause.operand, key: key.name)
        } else {
            value = try SearchValueReader.stringAttribute(clause.operand, key: key.name,
                                                          listKeys: ExperimentSearchKeys.listAttributes)
        }
        let comparator = try experimentComparator(written, key: key, isNumeric: isNumeric)
        if key.entity == .attribute, key.name == "experiment_id" {
            value = try checkedExperimentIds(value)
        }
        if isNumeric, case .number = value {
            throw MLflowError.invalidParameter(
                "Invalid value for numeric attribute '\(key.name)': '\(SearchValueReader.text(clause.operand))'")
        }
        try checkListUse(comparator, value)
        return SearchComparison(key: key, comparator: comparator, value: value)
    }

    /// The comparator checks of `_get_search_experiments_filter_clauses`, with its messages.
    private static func experimentComparator(_ written: String, key: SearchKey, isNumeric: Bool) throws -> SearchComparator {
        let comparator = SearchComparator(rawValue: written)
        if key.entity == .tag {
            guard let comparator, [.equal, .notEqual, .like, .ilike].contains(comparator) else {
                throw MLflowError.invalidParameter("Invalid comparator for tag: \(written)")
            }
            return comparator
        }
        if key.name == "experiment_id" {
            guard let comparator, [.equal, .notEqual, .in, .notIn].contains(comparator) else {
                throw MLflowError.invalidParameter("Invalid comparator for experiment_id: \(written)")
            }
            return comparator
        }
        if isNumeric {
            guard let comparator, SearchComparator.numeric.contains(comparator) else {
                throw MLflowError.invalidParameter("Invalid comparator for numeric attribute: \(written)")
            }
            return comparator
        }
        guard let comparator, SearchComparator.stringAttribute.contains(comparator) else {
            throw MLflowError.invalidParameter(
                "Invalid comparator '\(written)' not one of '\(SearchMessages.comparators(SearchComparator.stringAttribute))'")
        }
        guard [.equal, .notEqual, .like, .ilike].contains(comparator) else {
            throw MLflowError.invalidParameter("Invalid comparator for string attribute: \(written)")
        }
        return comparator
    }

    /// Experiment ids stay strings in the AST, but only once each one reads as an integer.
    private static func checkedExperimentIds(_ value: SearchValue) throws -> SearchValue {
        switch value {
        case .string(let text): _ = try ExperimentSearchKeys.experimentId(text)
        case .list(let items): for item in items { _ = try ExperimentSearchKeys.experimentId(item) }
        default: break
        }
        return value
    }
}
