/// What the mlflow client loads for a `runs:/<run_id>/<name>[/<path>]` source: the run's folder
/// `<name>/<path>` AND, merged over it, the artifacts of a logged model named `<name>` whose source
/// run is that run (MLflow 3's `RunsArtifactRepository.download_artifacts`). A seal of the run's
/// folder alone does not cover the second, so a version with such a source is sealed only while no
/// such logged model exists, and none may be made while the seal (or its job) stands.
public struct RunsModelBinding: Sendable, Equatable {
    public var runId: String
    /// The source's first path segment: the logged-model name the client looks for.
    public var modelName: String

    public init(runId: String, modelName: String) {
        self.runId = runId
        self.modelName = modelName
    }

    /// The source written as `runs:/<run_id>/<name>`: the versions' sources a logged model named
    /// `name` from `runId` would be merged into are this text or start with it and `/`.
    public var sourcePrefix: String { "runs:/\(runId)/\(modelName)" }

    /// nil for a source that is not a `runs:` URI; INVALID_STATE for one not written plainly as
    /// `runs:/<run_id>/<segment>[/<segment>...]` (other spellings reach the same files, and the
    /// checks above compare sources as text).
    public static func of(source: String) throws -> RunsModelBinding? {
        guard source.lowercased().hasPrefix("runs:") else { return nil }
        let segments = source.hasPrefix("runs:/") ? source.dropFirst("runs:/".count).split(separator: "/", omittingEmptySubsequences: false) : []
        guard segments.count >= 2, segments.allSatisfy({ !$0.isEmpty }) else {
            throw MLflowError(.invalidState, "A version whose source is '\(source)' cannot be sealed: write it as "
                              + "runs:/<run_id>/<path> (one slash after the scheme, no empty segments).")
        }
        let name = String(segments[1])
        // The client looks the logged model up with `filter_string=f"name = '{name}'"`: a quote or a
        // backslash in the name changes what that search finds (`m' AND name != 'z` finds `m`), so the
        // comparison above would not be the client's.
        if let odd = name.unicodeScalars.first(where: { "'\"\\`".unicodeScalars.contains($0) }) {
            throw MLflowError(.invalidState, "A version whose source is '\(source)' cannot be sealed: the mlflow client "
                              + "searches logged models for the name '\(name)', and its '\(odd)' would change what that "
                              + "search finds.")
        }
        return RunsModelBinding(runId: String(segments[0]), modelName: name)
    }
}
