extension Validation {
    /// An experiment's `artifact_location` may hold no control character, written or percent-encoded:
    /// a NUL ends a path where the C library reads it, so `<location>/<run>/artifacts/<file>` would
    /// open `<location>` itself.
    public static func validateArtifactLocation(_ location: String) throws(MLflowError) {
        if containsControlCharacter(location) || containsControlCharacter(PercentUnquote.unquoteFully(location)) {
            throw .invalidParameter("Invalid artifact location \(PythonFormatting.jsonString(location)): "
                + "it may not contain control characters.")
        }
    }

    static func containsControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
