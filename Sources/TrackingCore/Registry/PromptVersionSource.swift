/// Prompts are registered models tagged `mlflow.prompt.is_prompt = true`; a prompt version keeps
/// its template in tags and names no artifacts, so MLflow's senders give model-versions/create a
/// placeholder source (the client "dummy-source", the store "prompt-template") and MLflow's
/// server refuses any other for a prompt. The access check and the store both judge a request by
/// these functions, on the same parsed tags.
public enum PromptVersionSource {
    public static let isPromptTagKey = "mlflow.prompt.is_prompt"
    public static let placeholders: Set<String> = ["dummy-source", "prompt-template"]

    /// MLflow's `_is_prompt_request`: the tags collapse by key, the last value winning, and only
    /// a value of "true" (any case) makes the request a prompt version.
    public static func isPromptRequest(_ tags: [Tag]) -> Bool {
        tags.last(where: { $0.key == isPromptTagKey })?.value.lowercased() == "true"
    }

    /// A prompt version's source must be one of the placeholders.
    public static func validate(_ source: String) throws {
        guard placeholders.contains(source) else {
            throw MLflowError.invalidParameter(
                "Invalid prompt source: '\(source)'. Prompt sources must use an MLflow placeholder.")
        }
    }
}
