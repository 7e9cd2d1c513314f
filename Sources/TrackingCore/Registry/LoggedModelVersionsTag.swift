import JSON

/// The `mlflow.modelVersions` tag MLflow's server keeps on a logged model (`set_model_versions_tags`
/// after `model-versions/create` with a `model_id`): a JSON list of `{"name": ..., "version": <int>}`,
/// one per registered version made from the model, in the order they were created.
public enum LoggedModelVersionsTag {
    public static let key = "mlflow.modelVersions"

    /// The value after registering `name` version `version`, appended to `existing` as `json.dumps`
    /// writes it. A version already listed is not listed twice (MLflow then rewrites the tag to that
    /// one entry alone; keeping the others loses no link). A value that is no JSON list (edited by
    /// hand) starts a new list, where MLflow's `json.loads(...) + [...]` fails after the version exists.
    public static func appending(name: String, version: Int64, to existing: String?) -> String {
        let entry = JSONValue.object([("name", .string(name)), ("version", .integer(version))])
        var entries: [JSONValue] = []
        if let existing, case .array(let listed)? = try? JSONParser.parse(existing) { entries = listed }
        if !entries.contains(entry) { entries.append(entry) }
        return PythonFormatting.jsonDumps(.array(entries))
    }
}
