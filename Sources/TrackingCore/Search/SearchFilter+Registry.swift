extension SearchFilter {
    /// Parses a registered-models/search filter (`name` and tags) as MLflow's `SearchModelUtils` and
    /// `SqlAlchemyStore` check it, with their messages.
    public static func parseRegisteredModels(_ filter: String?) throws -> SearchFilter {
        try parseRegistry(filter, target: .registeredModels)
    }

    /// Parses a model-versions/search filter (`name`, `version_number`, `run_id`, `source_path`, tags).
    public static func parseModelVersions(_ filter: String?) throws -> SearchFilter {
        try parseRegistry(filter, target: .modelVersions)
    }

    private static func parseRegistry(_ filter: String?, target: RegistrySearchKeys.Target) throws -> SearchFilter {
        let clauses = try SearchClauseParser.parse(filter ?? "", style: .bare)
        return SearchFilter(comparisons: try clauses.map { try registryComparison($0, target: target) })
    }

    private static func registryComparison(_ clause: RawSearchClause,
                                           target: RegistrySearchKeys.Target) throws -> SearchComparison {
        guard let identifier = SearchIdentifier(clause.identifier) else {
            throw MLflowError.invalidParameter(
                "Invalid comparison clause. Expected 'Identifier' found '\(clause.identifier.text)'")
        }
        let key = try RegistrySearchKeys.resolve(identifier, valid: target.attributes)
        let written = clause.comparator
        if case .none = clause.operand {
            throw MLflowError.invalidParameter(
                "Invalid comparator for \(key.entity == .tag ? "tag" : "attribute"): \(written)")
        }
        if key.entity == .tag {
            let value = try SearchValueReader.string(clause.operand, entity: .tag)
            guard let comparator = SearchComparator(rawValue: written),
                  [.equal, .notEqual, .like, .ilike].contains(comparator) else {
                throw MLflowError.invalidParameter("Invalid comparator for tag: \(written)")
            }
            return SearchComparison(key: key, comparator: comparator, value: value)
        }
        let value = try registryAttributeValue(clause.operand, key: key.name, target: target)
        let comparator: SearchComparator
        var checkedValue = value
        if target.numericAttributes.contains(key.name) {
            guard let parsed = SearchComparator(rawValue: written), SearchComparator.numeric.contains(parsed) else {
                throw MLflowError.invalidParameter("Invalid comparator for attribute \(key.name): \(written)")
            }
            comparator = parsed
            checkedValue = try integerValue(value, key: key.name)
        } else {
            guard let parsed = SearchComparator(rawValue: written),
                  [.equal, .notEqual, .like, .ilike, .in, .notIn].contains(parsed),
                  !((parsed == .in || parsed == .notIn) && !target.listAttributes.contains(key.name)) else {
                throw MLflowError.invalidParameter("Invalid comparator for attribute: \(written)")
            }
            comparator = parsed
        }
        try checkListUse(comparator, checkedValue)
        return SearchComparison(key: key, comparator: comparator, value: checkedValue)
    }

    /// `_get_value` of the registry utils: a quoted string, a list (where allowed), or a number (versions).
    private static func registryAttributeValue(_ operand: RawSearchClause.Operand, key: String,
                                               target: RegistrySearchKeys.Target) throws -> SearchValue {
        switch operand {
        case .token(let token):
            if let body = try SearchValueReader.quotedString(token) { return .string(body) }
            if target == .modelVersions, let number = SearchValueReader.number(token) {
                guard RegistrySearchKeys.modelVersionNumericAttributes.contains(key) else {
                    throw MLflowError.invalidParameter(
                        "Only the '\(SearchMessages.pythonSet(RegistrySearchKeys.modelVersionNumericAttributes))' "
                            + "attributes support comparison with numeric values.")
                }
                return number
            }
        case .list(let items, let text):
            guard target.listAttributes.contains(key) else {
                throw MLflowError.invalidParameter(
                    "Only \(SearchMessages.pythonList(target.listAttributes.sorted())) attributes support "
                        + "comparison with a list of quoted string values.")
            }
            return .list(try SearchValueReader.stringList(items, text: text))
        case .none:
            break
        }
        throw MLflowError.invalidParameter("Expected a quoted string value or a list of quoted string values for "
            + "attributes. Got value \(SearchValueReader.text(operand))")
    }

    /// A numeric attribute's value as SqlAlchemyStore coerces it: `int(value)`, floats refused.
    private static func integerValue(_ value: SearchValue, key: String) throws -> SearchValue {
        switch value {
        case .integer: return value
        case .number(let number):
            throw MLflowError.invalidParameter(
                "Invalid value for numeric attribute '\(key)': \(PythonFormatting.float(number))")
        case .string(let text):
            guard let number = Int64(text.trimmingPythonWhitespace()) else {
                throw MLflowError.invalidParameter(
                    "Invalid value for numeric attribute '\(key)': \(PythonFormatting.repr(text))")
            }
            return .integer(number)
        default:
            throw MLflowError.invalidParameter("Invalid value for numeric attribute '\(key)'")
        }
    }
}

extension RegistrySearchKeys.Target: Equatable {}
