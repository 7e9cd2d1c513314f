/// The keys a run search accepts (MLflow's `SearchUtils` constants) and how a written key resolves.
enum RunSearchKeys {
    static let attributes = ["artifact_uri", "end_time", "run_id", "run_name", "start_time", "status", "user_id"]
    static let numericAttributes = ["start_time", "end_time", "created", "Created"]
    static let searchableAttributes = attributes + ["created", "Created", "run name", "Run name", "Run Name"]
    static let orderableAttributes = attributes + ["created", "Created"]
    static let datasetKeys = ["name", "digest", "context"]
    static let listAttributes = ["run_id"]

    /// The entity words MLflow accepts, with their aliases.
    static func entity(_ word: String) -> SearchEntity? {
        switch word {
        case "metric", "metrics": return .metric
        case "parameter", "parameters", "param", "params": return .param
        case "tag", "tags": return .tag
        case "attribute", "attr", "attributes", "run": return .attribute
        case "dataset", "datasets": return .dataset
        default: return nil
        }
    }

    /// `created` is `start_time` and `run name` is `run_name`, as MLflow's `translate_key_alias`.
    static func canonicalAttribute(_ name: String) -> String {
        switch name {
        case "created", "Created": return "start_time"
        case "run name", "Run name", "Run Name": return "run_name"
        default: return name
        }
    }

    /// Resolves an identifier to an entity and key (not yet canonical), checking attribute and dataset keys.
    static func resolve(_ identifier: SearchIdentifier, validAttributes: [String]) throws -> SearchKey {
        var entity = SearchEntity.attribute
        if let word = identifier.entity {
            guard let resolved = self.entity(word) else {
                throw MLflowError.invalidParameter(
                    "Invalid entity type '\(word)'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']")
            }
            entity = resolved
        }
        let key = identifier.key
        if entity == .attribute, !validAttributes.contains(key) {
            throw MLflowError.invalidParameter(
                "Invalid attribute key '\(key)' specified. Valid keys are '\(SearchMessages.pythonSet(validAttributes.sorted()))'")
        }
        if entity == .dataset, !datasetKeys.contains(key) {
            throw MLflowError.invalidParameter(
                "Invalid dataset key '\(key)' specified. Valid keys are '\(SearchMessages.pythonSet(datasetKeys))'")
        }
        return SearchKey(entity, key)
    }
}
