/// The model registry's name, tag, version and alias rules (mlflow/utils/validation.py), with MLflow's messages.
extension Validation {
    public static let maxRegistryTagKeyLength = 250
    public static let maxRegistryTagValueLength = 100_000
    public static let maxAliasLength = 255
    public static let maxRegisteredModelSearchResults = 1000
    public static let maxModelVersionSearchResults = 200_000

    /// `_validate_model_name`: not blank, no `/` or `:`, and not a path that normalises elsewhere.
    public static func validateModelName(_ name: String) throws(MLflowError) {
        if name.trimmingPythonWhitespace().isEmpty { throw .invalidParameter(missingValue("name")) }
        if name.contains("/") || name.contains(":") {
            throw .invalidParameter("Invalid model name '\(name)'. Names cannot contain '/' or ':'.")
        }
        if pathNotUnique(name) {
            throw .invalidParameter(invalidValue("name", PythonFormatting.jsonString(name), badPathMessage(name)))
        }
    }

    /// `_validate_model_renaming`.
    public static func validateModelRenaming(_ newName: String) throws(MLflowError) {
        if newName.trimmingPythonWhitespace().isEmpty { throw .invalidParameter(missingValue("new_name")) }
        try validateModelName(newName)
    }

    /// `_validate_registered_model_tag` and `_validate_model_version_tag` (the same checks for plain tags).
    public static func validateRegistryTag(_ tag: Tag) throws(MLflowError) {
        try validateName(tag.key, path: "key")
        try checkLength("key", maxRegistryTagKeyLength, tag.key)
        try checkLength("value", maxRegistryTagValueLength, tag.value)
    }

    /// `_validate_tag_name` for a tag key being deleted.
    public static func validateRegistryTagKey(_ key: String) throws(MLflowError) {
        try validateName(key, path: "key")
    }

    /// `_validate_model_version`: Python's `int(version)`.
    public static func modelVersionNumber(_ text: String) throws(MLflowError) -> Int64 {
        guard let number = Int64(text.trimmingPythonWhitespace()) else {
            throw .invalidParameter("Parameter 'version' must be an integer, got '\(text)'.")
        }
        return number
    }

    /// `_validate_model_alias_name`: not empty, `^[\w\-]*$`, at most 255 characters.
    public static func validateAliasName(_ alias: String) throws(MLflowError) {
        if alias.isEmpty { throw .invalidParameter("Registered model alias name cannot be empty.") }
        let valid = alias.unicodeScalars.allSatisfy { $0 == "-" || isPythonWordCharacter($0) }
        if !valid {
            throw .invalidParameter("Invalid alias name: '\(alias)'. Names may only contain alphanumerics, "
                + "underscores (_), and dashes (-).")
        }
        try checkLength("Registered model alias name", maxAliasLength, alias)
    }

    /// `_validate_model_alias_name_reserved`: `latest` and version-like names (`v1`, `V20`) are taken.
    public static func validateAliasNameNotReserved(_ alias: String) throws(MLflowError) {
        if alias.lowercased() == "latest" {
            throw .invalidParameter("'latest' alias name (case insensitive) is reserved.")
        }
        let scalars = Array(alias.unicodeScalars)
        if scalars.count >= 2, scalars[0] == "v" || scalars[0] == "V",
           scalars.dropFirst().allSatisfy({ $0.properties.numericType == .decimal }) {
            throw .invalidParameter("Version alias name '\(alias)' is reserved.")
        }
    }
}

extension String {
    /// Python's `str.strip()` with no argument.
    func trimmingPythonWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
