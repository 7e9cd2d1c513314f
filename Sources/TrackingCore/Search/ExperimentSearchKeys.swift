/// The keys an experiment search accepts (MLflow's `SearchExperimentsUtils`) and how a written key resolves.
public enum ExperimentSearchKeys {
    static let attributes = ["name", "experiment_id", "creation_time", "last_update_time"]
    static let numericAttributes = ["creation_time", "last_update_time"]
    static let listAttributes = ["experiment_id"]

    /// Only `attribute`, `tag` and `tags` prefix an experiment key; a bare name is an attribute.
    static func resolve(_ identifier: SearchIdentifier) throws -> SearchKey {
        var entity = SearchEntity.attribute
        if let word = identifier.entity {
            switch word {
            case "attribute": entity = .attribute
            case "tag", "tags": entity = .tag
            default:
                throw MLflowError.invalidParameter(
                    "Invalid entity type '\(word)'. Valid entity types are ('attribute', 'tag', 'tags')")
            }
        }
        if entity == .attribute, !attributes.contains(identifier.key) {
            throw MLflowError.invalidParameter(
                "Invalid attribute key '\(identifier.key)' specified. "
                    + "Valid keys are '\(SearchMessages.pythonSet(attributes.sorted()))'")
        }
        return SearchKey(entity, identifier.key)
    }

    /// Python's `int(experiment_id)`, with MLflow's message (also used for runs/search `experiment_ids`).
    public static func experimentId(_ text: String) throws -> Int64 {
        var trimmed = Substring(text)
        while trimmed.first?.isWhitespace == true { trimmed.removeFirst() }
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        guard let id = Int64(trimmed) else {
            throw MLflowError.invalidParameter(
                "Invalid experiment ID '\(text)'. Experiment ID must be a valid integer.")
        }
        return id
    }
}
