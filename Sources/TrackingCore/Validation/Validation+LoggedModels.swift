extension Validation {
    static let loggedModelNameForbidden: [Character] = ["/", ":", ".", "%", "\"", "'"]

    /// MLflow's `_validate_logged_model_name`: a given name must be non-empty and free of `/ : . % " '`.
    public static func validateLoggedModelName(_ name: String?) throws(MLflowError) {
        guard let name else { return }
        if name.isEmpty || name.contains(where: { loggedModelNameForbidden.contains($0) }) {
            let forbidden = "('/', ':', '.', '%', '\"', \"'\")"
            throw .invalidParameter(
                "Invalid model name (\(SearchMessages.pythonString(name))) provided. Model name must be a non-empty "
                + "string and cannot contain the following characters: \(forbidden)")
        }
    }
}
