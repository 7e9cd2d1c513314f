extension SearchFilter {
    /// Parses a runs/search filter as MLflow's `SearchUtils.parse_search_filter` and SqlAlchemyStore check it.
    /// Throws `MLflowError(.invalidParameterValue, ...)` with MLflow's messages.
    public static func parseRuns(_ filter: String?) throws -> SearchFilter {
        let clauses = try SearchClauseParser.parse(filter ?? "", style: .quoted)
        return SearchFilter(comparisons: try clauses.map(runComparison))
    }

    private static func runComparison(_ clause: RawSearchClause) throws -> SearchComparison {
        guard let identifier = SearchIdentifier(clause.identifier) else {
            throw MLflowError.invalidParameter(
                "Invalid comparison clause. Expected 'Identifier' found '\(clause.identifier.text)'")
        }
        let written = try RunSearchKeys.resolve(identifier, validAttributes: RunSearchKeys.searchableAttributes)
        if clause.comparator == "IS NULL" || clause.comparator == "IS NOT NULL" {
            guard written.entity == .tag || written.entity == .param else {
                throw MLflowError.invalidParameter(
                    "IS NULL / IS NOT NULL is only supported for tags and params, "
                        + "not for '\(written.entity.mlflowName)' '\(written.name)'")
            }
        }
        let value = try runValue(clause.operand, key: written)
        let key = written.entity == .attribute
            ? SearchKey(.attribute, RunSearchKeys.canonicalAttribute(written.name)) : written
        let comparator = try runComparator(clause.comparator, key: written)
        try checkListUse(comparator, value)
        return SearchComparison(key: key, comparator: comparator, value: value)
    }

    private static func runValue(_ operand: RawSearchClause.Operand, key: SearchKey) throws -> SearchValue {
        if case .none = operand { return .none }
        switch key.entity {
        case .metric:
            return try SearchValueReader.metric(operand)
        case .param, .tag:
            return try SearchValueReader.string(operand, entity: key.entity)
        case .attribute where RunSearchKeys.numericAttributes.contains(key.name):
            return try SearchValueReader.numericAttribute(operand, key: key.name)
        case .attribute:
            return try SearchValueReader.stringAttribute(operand, key: key.name, listKeys: RunSearchKeys.listAttributes)
        case .dataset:
            return try SearchValueReader.dataset(operand)
        }
    }

    /// The comparators each kind of key accepts (SearchUtils.is_metric / is_param / ...), with their messages.
    private static func runComparator(_ written: String, key: SearchKey) throws -> SearchComparator {
        let allowed: [SearchComparator]
        var closingQuote = "'"
        switch key.entity {
        case .metric: allowed = SearchComparator.numeric; closingQuote = ""
        case .param: allowed = SearchComparator.paramOrTag
        case .tag: allowed = SearchComparator.paramOrTag; closingQuote = ""
        case .attribute where RunSearchKeys.numericAttributes.contains(key.name):
            allowed = SearchComparator.numeric; closingQuote = ""
        case .attribute: allowed = SearchComparator.stringAttribute
        case .dataset: allowed = SearchComparator.stringAttribute; closingQuote = ""
        }
        guard let comparator = SearchComparator(rawValue: written), allowed.contains(comparator) else {
            throw MLflowError.invalidParameter(
                "Invalid comparator '\(written)' not one of '\(SearchMessages.comparators(allowed))\(closingQuote)")
        }
        return comparator
    }

    /// A list goes with IN / NOT IN only, and IN / NOT IN with a list only.
    static func checkListUse(_ comparator: SearchComparator, _ value: SearchValue) throws {
        let isList: Bool
        if case .list = value { isList = true } else { isList = false }
        let wantsList = comparator == .in || comparator == .notIn
        if isList != wantsList {
            throw MLflowError.invalidParameter(
                "Invalid comparator '\(comparator.rawValue)' for "
                    + (isList ? "a list of values: use IN or NOT IN" : "a single value"))
        }
    }
}
