import Foundation
import SQL
import TrackingCore

/// A create request's source after MLflow's checks: what is stored and where the artifacts are.
struct ResolvedModelSource: Sendable {
    var source: String
    var storageLocation: String
    var runId: String
    var modelId: String?
}

extension SQLRegistryStore {
    /// MLflow's `_create_model_version` source handling: refuse host-addressed URIs, resolve `models:/`
    /// lineage, then require the run (or logged model) named in the request to contain the source.
    static func resolveSource(_ request: CreateModelVersionRequest, _ connection: any SQLConnection) throws
        -> ResolvedModelSource {
        if PromptVersionSource.isPromptRequest(request.tags) {
            // A prompt version names no artifacts: its source is a placeholder, kept as given.
            try PromptVersionSource.validate(request.source)
            return ResolvedModelSource(source: request.source, storageLocation: request.source,
                                       runId: request.runId ?? "", modelId: request.modelId)
        }
        try ModelSourceRules.refuseRemoteFileHost(request.source)
        if let scheme = ModelSourceRules.rejectedHostAddressedScheme(request.source) {
            throw MLflowError.invalidParameter(ModelSourceRules.hostAddressedMessage(scheme: scheme))
        }
        var resolved = ResolvedModelSource(source: request.source, storageLocation: request.source,
                                           runId: request.runId ?? "", modelId: request.modelId)
        let uri = ModelSourceURI(request.source)
        if uri.scheme == "models" {
            if !uri.netloc.isEmpty {
                throw MLflowError.invalidParameter("Invalid model version source: '\(request.source)'. Registered "
                    + "model sources must use the active model registry.")
            }
            guard let parsed = ModelsURI(request.source) else {
                throw ModelSourceRules.invalidSource(request.source, idName: "model_id")
            }
            if case .modelId = parsed {} else { try resolveRegistryLineage(parsed, request, connection, &resolved) }
        }
        let modelId = resolved.modelId ?? ""
        if modelId.isEmpty {
            try validateSourceRun(resolved.source, runId: resolved.runId, connection)
        } else {
            try validateSourceModel(resolved.source, modelId: modelId, connection)
        }
        if case .modelId(let id)? = ModelsURI(resolved.source) {
            guard let model = try loggedModel(connection, id) else {
                throw MLflowError.invalidParameter("Unable to fetch model from model URI source artifact location "
                    + "'\(resolved.source)'.Error: Logged model with ID '\(id)' not found.")
            }
            resolved.storageLocation = model.artifactLocation
            if resolved.runId.isEmpty { resolved.runId = model.sourceRunId ?? "" }
        }
        if resolved.runId.isEmpty, !modelId.isEmpty, let model = try loggedModel(connection, modelId) {
            resolved.runId = model.sourceRunId ?? ""
        }
        return resolved
    }

    /// `models:/<name>/<version|stage|latest>` and `models:/<name>@<alias>` point at an existing version:
    /// the new version records it as `models:/<name>/<version>` and shares its artifacts and lineage.
    private static func resolveRegistryLineage(_ parsed: ModelsURI, _ request: CreateModelVersionRequest,
                                               _ connection: any SQLConnection,
                                               _ resolved: inout ResolvedModelSource) throws {
        let name: String
        switch parsed {
        case .version(let model, _), .stage(let model, _), .latest(let model), .alias(let model, _): name = model
        case .modelId: return
        }
        try requireModel(connection, name)
        let isPrompt = try connection.queryFirst(
            "SELECT value FROM registered_model_tags WHERE name = ? AND key = ?",
            [.text(name), .text(RegistrySearchCompiler.promptTagKey)]) { $0.string(0) }
        if isPrompt?.lowercased() == "true" {
            throw MLflowError.invalidParameter("Invalid model version source: '\(request.source)'. Prompt versions "
                + "cannot be used as model version sources.")
        }
        let number: Int64
        switch parsed {
        case .version(_, let version):
            number = try Validation.modelVersionNumber(version)
        case .alias(_, let alias):
            guard let target = try aliasTarget(connection, name, alias) else {
                throw MLflowError.invalidParameter("Registered model alias \(alias) not found.")
            }
            number = target
        case .stage(_, let stage):
            let canonical = try ModelStage.canonical(stage)
            let latest = try connection.queryFirst(
                "SELECT MAX(version) FROM model_versions WHERE name = ? AND current_stage = ?",
                [.text(name), .text(canonical.rawValue)]) { $0.optionalInt64(0) } ?? nil
            guard let latest else {
                throw MLflowError.notFound("No versions of model with name '\(name)' and stage '\(stage)' found")
            }
            number = latest
        default:
            let latest = try connection.queryFirst(
                "SELECT MAX(version) FROM model_versions WHERE name = ?", [.text(name)]) { $0.optionalInt64(0) } ?? nil
            guard let latest else { throw MLflowError.notFound("Latest version not found for model \(name).") }
            number = latest
        }
        let source = try loadVersion(connection, name, number)
        if (request.runId != nil && (request.runId ?? "") != (source.runId ?? ""))
            || (request.modelId != nil && (request.modelId ?? "") != (source.modelId ?? "")) {
            throw MLflowError.invalidParameter("Invalid model version source: '\(request.source)'. The run_id and "
                + "model_id request parameters must match the referenced model version.")
        }
        resolved.source = "models:/\(name)/\(number)"
        resolved.runId = request.runId ?? source.runId ?? ""
        resolved.modelId = request.modelId ?? source.modelId
        resolved.storageLocation = try connection.queryFirst(
            "SELECT storage_location, source FROM model_versions WHERE name = ? AND version = ?",
            [.text(name), .integer(number)]) { row -> String in
                let stored = row.optionalString(0) ?? ""
                return stored.isEmpty ? row.string(1) : stored
            } ?? resolved.source
    }

    /// `_validate_source_run`.
    static func validateSourceRun(_ source: String, runId: String, _ connection: any SQLConnection) throws {
        if ModelSourceRules.isLocal(source) {
            var shown = source
            if !runId.isEmpty {
                guard let artifactURI = try runArtifactURI(connection, runId) else {
                    throw ModelSourceRules.invalidSource(source, idName: "run_id")
                }
                let path = resolvedLocalPath(source)
                shown = path
                if ModelSourceRules.isLocal(artifactURI),
                   ModelSourceRules.directory(resolvedLocalPath(artifactURI), contains: path) {
                    return
                }
            }
            throw ModelSourceRules.invalidLocalSource(shown, idName: "run_id")
        }
        try checkNoRelativePaths(source)
        let uri = ModelSourceURI(source)
        if uri.scheme == "runs" {
            guard uri.netloc.isEmpty, let sourceRunId = ModelSourceRules.runId(ofRunsURI: source),
                  !runId.isEmpty, sourceRunId == runId else {
                throw ModelSourceRules.invalidSource(source, idName: "run_id")
            }
            return
        }
        if uri.scheme == "models" {
            guard uri.netloc.isEmpty, let parsed = ModelsURI(source) else {
                throw ModelSourceRules.invalidSource(source, idName: "model_id")
            }
            if case .modelId = parsed { throw ModelSourceRules.invalidSource(source, idName: "model_id") }
        }
        if ModelSourceRules.isMLflowArtifactSource(source) {
            if !runId.isEmpty {
                guard let artifactURI = try runArtifactURI(connection, runId) else {
                    throw ModelSourceRules.invalidSource(source, idName: "run_id")
                }
                if ModelSourceRules.isWithinRoot(source, root: artifactURI) { return }
            }
            throw ModelSourceRules.invalidSource(source, idName: "run_id")
        }
    }

    /// `_validate_source_model`.
    static func validateSourceModel(_ source: String, modelId: String, _ connection: any SQLConnection) throws {
        if ModelSourceRules.isLocal(source) {
            guard let model = try loggedModel(connection, modelId) else {
                throw ModelSourceRules.invalidSource(source, idName: "model_id")
            }
            let path = resolvedLocalPath(source)
            if ModelSourceRules.isLocal(model.artifactLocation),
               ModelSourceRules.directory(resolvedLocalPath(model.artifactLocation), contains: path) {
                return
            }
            throw ModelSourceRules.invalidLocalSource(path, idName: "model_id")
        }
        try checkNoRelativePaths(source)
        let uri = ModelSourceURI(source)
        if uri.scheme == "models" {
            guard uri.netloc.isEmpty, let parsed = ModelsURI(source) else {
                throw ModelSourceRules.invalidSource(source, idName: "model_id")
            }
            if case .modelId(let id) = parsed {
                if id == modelId { return }
                throw ModelSourceRules.invalidSource(source, idName: "model_id")
            }
        }
        if uri.scheme == "runs" { throw ModelSourceRules.invalidSource(source, idName: "model_id") }
        if ModelSourceRules.isMLflowArtifactSource(source) {
            if let model = try loggedModel(connection, modelId),
               ModelSourceRules.isWithinRoot(source, root: model.artifactLocation) {
                return
            }
            throw ModelSourceRules.invalidSource(source, idName: "model_id")
        }
    }

    private static func checkNoRelativePaths(_ source: String) throws {
        if ModelSourceRules.hasRelativePathReferences(source,
                                                      currentDirectory: FileManager.default.currentDirectoryPath) {
            throw ModelSourceRules.relativePathSource(source)
        }
    }

    /// `Path(local_file_uri_to_path(uri)).resolve()`: absolute, normalised, symlinks followed.
    static func resolvedLocalPath(_ uri: String) -> String {
        let lexical = ModelSourceRules.lexicallyResolved(ModelSourceRules.localPath(uri),
                                                         currentDirectory: FileManager.default.currentDirectoryPath)
        return URL(fileURLWithPath: lexical).resolvingSymlinksInPath().path
    }

    static func runArtifactURI(_ connection: any SQLConnection, _ runId: String) throws -> String? {
        try connection.queryFirst("SELECT artifact_uri FROM runs WHERE run_uuid = ?", [.text(runId)]) { $0.string(0) }
    }

    /// A logged model's artifact location and source run.
    static func loggedModel(_ connection: any SQLConnection, _ modelId: String) throws
        -> (artifactLocation: String, sourceRunId: String?)? {
        try connection.queryFirst(
            "SELECT artifact_location, source_run_id FROM logged_models WHERE model_id = ?", [.text(modelId)]) {
                (artifactLocation: $0.string(0), sourceRunId: $0.optionalString(1))
            }
    }
}
