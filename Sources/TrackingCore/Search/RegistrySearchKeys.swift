/// The keys registry searches accept (MLflow's `SearchModelUtils` / `SearchModelVersionUtils`), with the
/// set literals its messages print (in the order MLflow 3.17.2 was seen printing them).
enum RegistrySearchKeys {
    enum Target {
        case registeredModels
        case modelVersions

        var attributes: [String] {
            switch self {
            case .registeredModels: return ["name"]
            case .modelVersions: return ["run_id", "source_path", "name", "version_number"]
            }
        }

        var listAttributes: [String] {
            switch self {
            case .registeredModels: return ["name"]
            case .modelVersions: return ["name", "run_id"]
            }
        }

        var numericAttributes: [String] {
            switch self {
            case .registeredModels: return []
            case .modelVersions: return ["version_number"]
            }
        }
    }

    /// Every numeric attribute of model versions, as `Only the '{...}' attributes ...` prints them.
    static let modelVersionNumericAttributes = ["version_number", "creation_timestamp", "last_updated_timestamp"]
    static let modelVersionOrderKeys = ["name", "creation_timestamp", "last_updated_timestamp", "version_number"]

    /// `attribute`, `tag` or `tags` before the dot; a bare name is an attribute.
    static func entity(of identifier: SearchIdentifier) throws(MLflowError) -> SearchEntity {
        guard let word = identifier.entity else { return .attribute }
        switch word {
        case "attribute": return .attribute
        case "tag", "tags": return .tag
        default:
            throw .invalidParameter(
                "Invalid entity type '\(word)'. Valid entity types are ('attribute', 'tag', 'tags')")
        }
    }

    static func resolve(_ identifier: SearchIdentifier, valid: [String]) throws(MLflowError) -> SearchKey {
        let entity = try entity(of: identifier)
        if entity == .attribute, !valid.contains(identifier.key) {
            throw .invalidParameter("Invalid attribute key '\(identifier.key)' specified. "
                + "Valid keys are '\(SearchMessages.pythonSet(valid))'")
        }
        return SearchKey(entity, identifier.key)
    }
}
