extension OrderByClause {
    /// Parses runs/search `order_by` entries as MLflow's `parse_order_by_for_search_runs` and SqlAlchemyStore.
    /// Attribute names come back canonical (`created` is `start_time`); duplicates are rejected.
    public static func parseRuns(_ entries: [String]) throws -> [OrderByClause] {
        try SearchLimits.checkOrderByCount(entries.count)
        var clauses: [OrderByClause] = []
        for entry in entries {
            let (identifier, ascending) = try split(entry)
            var key = try RunSearchKeys.resolve(identifier, validAttributes: RunSearchKeys.orderableAttributes)
            if key.entity == .dataset {
                throw MLflowError.invalidParameter("Invalid identifier type '\(key.entity.mlflowName)'")
            }
            if key.entity == .attribute { key.name = RunSearchKeys.canonicalAttribute(key.name) }
            if clauses.contains(where: { $0.key == key }) {
                throw MLflowError.invalidParameter(
                    "`order_by` contains duplicate fields: \(SearchMessages.pythonList(entries))")
            }
            clauses.append(OrderByClause(key: key, ascending: ascending))
        }
        return clauses
    }

    /// Parses experiments/search `order_by` entries (attributes only: name, experiment_id, creation_time,
    /// last_update_time), as MLflow's `parse_order_by_for_search_experiments`.
    public static func parseExperiments(_ entries: [String]) throws -> [OrderByClause] {
        try entries.map { entry in
            let (identifier, ascending) = try split(entry)
            let key = try ExperimentSearchKeys.resolve(identifier)
            guard key.entity == .attribute else {
                throw MLflowError.invalidParameter("Invalid order_by entity: \(key.entity.mlflowName)")
            }
            return OrderByClause(key: key, ascending: ascending)
        }
    }

    /// `<identifier> [ASC|DESC]`, nothing else, no surrounding whitespace (MLflow's `_parse_order_by_string`).
    static func split(_ entry: String) throws -> (SearchIdentifier, Bool) {
        let unparsable = MLflowError.invalidParameter("Invalid order_by clause '\(entry)'. Could not be parsed.")
        guard let first = entry.first, let last = entry.last, !first.isWhitespace, !last.isWhitespace else {
            throw unparsable
        }
        let tokens = SearchLexer.tokenize(entry)
        guard let head = tokens.first, let identifier = SearchIdentifier(head), tokens.count <= 2 else {
            throw unparsable
        }
        guard tokens.count == 2 else { return (identifier, true) }
        guard let word = tokens[1].bareWord else { throw unparsable }
        switch word.lowercased() {
        case "asc": return (identifier, true)
        case "desc": return (identifier, false)
        default: throw MLflowError.invalidParameter("Invalid ordering key in order_by clause '\(entry)'.")
        }
    }
}
