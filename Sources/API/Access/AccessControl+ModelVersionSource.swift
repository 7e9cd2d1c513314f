import Auth
import Storage
import TrackingCore

extension AccessControl {
    /// What a new model version is made from must be readable by its creator (MLflow 3.17's
    /// `validate_can_create_model_version`, and stricter for object-store sources): a `models:/`
    /// registered-model source needs READ on that model and nothing else (the registry is the
    /// boundary); otherwise a named `run_id` / `model_id` needs READ (an empty one is refused), a
    /// `models:/<model_id>` or `runs:/<run_id>` source too, and any other source (object store,
    /// `mlflow-artifacts:`, local path) must lie inside the artifact root of the run or logged model
    /// named, so a version cannot be pointed at bytes its creator may not read.
    ///
    /// A prompt version (judged by `PromptVersionSource` on the request's tags, as the store
    /// judges it) names no artifacts: its source must be a placeholder, and only a `run_id` or
    /// `model_id` it names must be readable.
    func checkModelVersionSource(_ user: AuthUser, fields: RequestFields) throws {
        let source = try fields.requiredString("source")
        let isPrompt = PromptVersionSource.isPromptRequest(try fields.tags())
        if isPrompt { try PromptVersionSource.validate(source) }
        let uri = ModelSourceURI(source)
        let parsedModelsURI = isPrompt || uri.scheme != "models" ? nil : ModelsURI(source)
        switch parsedModelsURI {
        case .version(let name, _)?, .stage(let name, _)?, .latest(let name)?, .alias(let name, _)?:
            try requireRegisteredModelExists(name)
            try require(.read, user, .registeredModel, name)
            return
        default:
            break
        }
        var roots: [String] = []
        if fields.has("run_id") {
            guard let runId = try fields.string("run_id"), !runId.isEmpty else {
                throw Self.denied("a model version's run_id may not be empty.")
            }
            try requireRun(.read, user, runId)
            roots.append(try tracking.getRun(id: runId).info.artifactUri)
        }
        if fields.has("model_id") {
            guard let modelId = try fields.string("model_id"), !modelId.isEmpty else {
                throw Self.denied("a model version's model_id may not be empty.")
            }
            try requireLoggedModel(.read, user, modelId)
            roots.append(try loggedModel(modelId).artifactLocation)
        }
        if isPrompt { return }
        if case .modelId(let modelId)? = parsedModelsURI {
            try requireLoggedModel(.read, user, modelId)
            return
        }
        if uri.scheme == "runs" {
            guard let runId = ModelSourceRules.runId(ofRunsURI: source) else {
                throw ModelSourceRules.invalidSource(source, idName: "run_id")
            }
            try requireRun(.read, user, runId)
            return
        }
        if uri.scheme == "models" {
            throw ModelSourceRules.invalidSource(source, idName: "model_id")
        }
        // A local path is checked against the named run's or model's root by the store itself.
        if ModelSourceRules.isLocal(source), !roots.isEmpty { return }
        let parts = ModelSourceRules.normalizedParts(source).2
        guard !parts.contains(where: { $0 == ".." || $0 == "." }),
              roots.contains(where: { ModelSourceRules.isWithinRoot(source, root: $0) }) else {
            throw Self.denied("the source '\(source)' of a new model version must lie inside the artifacts of a run "
                              + "or logged model named in the request that \(user.username) may read.")
        }
    }
}
