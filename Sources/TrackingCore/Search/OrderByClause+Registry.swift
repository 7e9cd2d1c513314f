extension OrderByClause {
    /// Parses registered-models/search `order_by` as SqlAlchemyStore does: `name`, `timestamp` or
    /// `last_updated_timestamp` (both order by the last update time, returned as `last_updated_timestamp`).
    public static func parseRegisteredModels(_ entries: [String]) throws -> [OrderByClause] {
        var clauses: [OrderByClause] = []
        for entry in entries {
            let (identifier, ascending) = try split(entry)
            let written = identifier.entity.map { "\($0).\(identifier.key)" } ?? identifier.key
            let name: String
            switch written {
            case "name": name = "name"
            case "timestamp", "last_updated_timestamp": name = "last_updated_timestamp"
            default:
                throw MLflowError.invalidParameter(
                    "Invalid order by key '\(written)' specified. Valid keys are '{'name', 'timestamp'}'")
            }
            try appendUnique(OrderByClause(key: SearchKey(.attribute, name), ascending: ascending),
                             to: &clauses, entries: entries)
        }
        return clauses
    }

    /// Parses model-versions/search `order_by`: `name`, `version_number`, `creation_timestamp`,
    /// `last_updated_timestamp`.
    public static func parseModelVersions(_ entries: [String]) throws -> [OrderByClause] {
        var clauses: [OrderByClause] = []
        let valid = RegistrySearchKeys.modelVersionOrderKeys
        for entry in entries {
            let (identifier, ascending) = try split(entry)
            let key = try RegistrySearchKeys.resolve(identifier, valid: valid)
            guard key.entity == .attribute else {
                throw MLflowError.invalidParameter(
                    "Invalid order by key '\(key.name)' specified. Valid keys are \(SearchMessages.pythonSet(valid))")
            }
            try appendUnique(OrderByClause(key: key, ascending: ascending), to: &clauses, entries: entries)
        }
        return clauses
    }

    private static func appendUnique(_ clause: OrderByClause, to clauses: inout [OrderByClause],
                                     entries: [String]) throws {
        if clauses.contains(where: { $0.key == clause.key }) {
            throw MLflowError.invalidParameter(
                "`order_by` contains duplicate fields: \(SearchMessages.pythonList(entries))")
        }
        clauses.append(clause)
    }
}
