/// MLflow's input limits and name rules (mlflow/utils/validation.py), with its messages.
public enum Validation {
    public static let maxParamsTagsPerBatch = 100
    public static let maxMetricsPerBatch = 1000
    public static let maxEntitiesPerBatch = 1000
    public static let maxBatchRequestBytes = 1_000_000
    public static let maxParamValueLength = 6000
    public static let maxTagValueLength = 8000
    public static let maxExperimentNameLength = 500
    public static let maxExperimentTagKeyLength = 250
    public static let maxExperimentTagValueLength = 20000
    public static let maxEntityKeyLength = 250
    public static let maxSearchResults = 50000
    public static let maxDatasetNameLength = 500
    public static let maxDatasetDigestLength = 36
    public static let maxDatasetSchemaLength = 1_048_575
    public static let maxDatasetSourceLength = 65535
    public static let maxDatasetProfileLength = 16_777_215
    public static let maxInputTagKeyLength = 255
    public static let maxInputTagValueLength = 500

    static let apiDocsSuffix = " See the API docs for more information about request parameters."

    public static func invalidValue(_ path: String, _ renderedValue: String, _ message: String? = nil) -> String {
        if let message { return "Invalid value \(renderedValue) for parameter '\(path)' supplied: \(message)" }
        return "Invalid value \(renderedValue) for parameter '\(path)' supplied."
    }

    public static func missingValue(_ path: String) -> String { "Missing value for required parameter '\(path)'." }

    public static func exceedsMaximumLength(_ path: String, _ limit: Int) -> String {
        "'\(path)' exceeds the maximum length of \(limit) characters"
    }

    static let badCharacterMessage = "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.),"
        + " spaces ( ), colon(:) and slashes (/)."

    static func badPathMessage(_ name: String) -> String {
        "Names may be treated as files in certain cases, and must not resolve to other names"
            + " when treated as such. This name would resolve to \(PythonFormatting.repr(PosixPath.normalize(name)))"
    }

    /// `^[/\w.\- :]*$` with Python's Unicode `\w`.
    static func hasOnlyNameCharacters(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "/", ".", "-", " ", ":": return true
            default: return isPythonWordCharacter(scalar)
            }
        }
    }

    /// Python's `\w` on text: `str.isalnum()` (a letter category, or any numeric type) or `_`.
    /// Combining marks are not word characters there, though Unicode calls some of them alphabetic.
    static func isPythonWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "_" || scalar.properties.numericType != nil { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func pathNotUnique(_ name: String) -> Bool {
        let normalized = PosixPath.normalize(name)
        return normalized != name || normalized == "." || normalized.hasPrefix("..") || normalized.hasPrefix("/")
    }

    /// The checks shared by metric, param and tag names.
    static func validateName(_ name: String, path: String) throws(MLflowError) {
        if !hasOnlyNameCharacters(name) {
            throw .invalidParameter(invalidValue(path, PythonFormatting.jsonString(name), badCharacterMessage))
        }
        if pathNotUnique(name) {
            throw .invalidParameter(invalidValue(path, PythonFormatting.jsonString(name), badPathMessage(name)))
        }
    }

    static func length(_ text: String) -> Int { text.unicodeScalars.count }

    static func truncated(_ text: String, to limit: Int) -> String {
        guard length(text) > limit else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(limit))
        return String(scalars)
    }

    static func checkLength(_ label: String, _ limit: Int, _ text: String) throws(MLflowError) {
        if length(text) > limit { throw .invalidParameter(exceedsMaximumLength(label, limit)) }
    }

    static func joinPath(_ base: String, _ field: String) -> String { base.isEmpty ? field : "\(base).\(field)" }
}
