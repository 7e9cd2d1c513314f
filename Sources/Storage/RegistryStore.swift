public import TrackingCore

/// The model registry store: every engine implements it. Each call is one transaction; failures are
/// thrown as `MLflowError` with MLflow's `SqlAlchemyStore` messages. Versions are taken as the request
/// sends them (decimal strings) and checked here, as MLflow's store does.
public protocol RegistryStore: Sendable {
    // Registered models
    func createRegisteredModel(name: String, tags: [Tag], description: String?) throws -> RegisteredModel
    func getRegisteredModel(name: String) throws -> RegisteredModel
    /// Renames the model; its versions, tags, aliases and history follow.
    func renameRegisteredModel(name: String, newName: String) throws -> RegisteredModel
    func updateRegisteredModel(name: String, description: String?) throws -> RegisteredModel
    /// Deletes the model with its versions, tags, aliases and history.
    func deleteRegisteredModel(name: String) throws
    func searchRegisteredModels(_ query: RegistrySearchQuery) throws -> Page<RegisteredModel>
    /// The newest version in each requested stage (every stage when `stages` is empty), with aliases.
    func getLatestVersions(name: String, stages: [String]) throws -> [ModelVersion]
    func setRegisteredModelTag(name: String, tag: Tag) throws
    /// Deleting a tag that is not there is fine (MLflow answers 200).
    func deleteRegisteredModelTag(name: String, key: String) throws

    // Model versions
    func createModelVersion(_ request: CreateModelVersionRequest) throws -> ModelVersion
    func getModelVersion(name: String, version: String) throws -> ModelVersion
    /// nil leaves no description (MLflow clears it when the request has none).
    func updateModelVersion(name: String, version: String, description: String?) throws -> ModelVersion
    func deleteModelVersion(name: String, version: String, userId: String?) throws
    func searchModelVersions(_ query: RegistrySearchQuery) throws -> Page<ModelVersion>
    func setModelVersionTag(name: String, version: String, tag: Tag) throws
    func deleteModelVersionTag(name: String, version: String, key: String) throws
    /// `approve` judges the move inside the write, after the version was found under the model's lock;
    /// then `sealing` is applied (`SealRequirement`).
    func transitionModelVersionStage(name: String, version: String, stage: String, archiveExistingVersions: Bool,
                                     userId: String?, approve: (RegistryMove) throws -> Void,
                                     sealing: SealRequirement) throws -> ModelVersion
    func getModelVersionDownloadURI(name: String, version: String) throws -> String

    // Aliases
    /// `approve` and `sealing` as for `transitionModelVersionStage`.
    func setRegisteredModelAlias(name: String, alias: String, version: String, userId: String?,
                                 approve: (RegistryMove) throws -> Void, sealing: SealRequirement) throws
    func deleteRegisteredModelAlias(name: String, alias: String, userId: String?) throws
    /// `latest` (any case) is the highest version; an unknown alias of an existing model is a 400.
    func getModelVersionByAlias(name: String, alias: String) throws -> ModelVersion

    /// Every stage transition and alias move of the model, oldest first.
    func history(name: String) throws -> [RegistryHistoryEntry]
    /// Swiftrack's rollback: in one transaction, moves the alias (or the stage's holder) back to where
    /// it was before its newest move not yet undone, and records that as a rollback of the move.
    /// `approve` sees the plan inside the write, before anything moves, and may refuse it (the promotion policy).
    func rollback(name: String, target: RegistryRollbackTarget, userId: String?,
                  approve: (RegistryRollbackPlan) throws -> Void) throws -> RegistryRollback

    // Seals (docs/REGISTRY.md, "Sealed versions")
    /// The version's seal, nil when it is not sealed.
    func modelVersionSeal(name: String, version: String) throws -> ModelVersionSeal?
    /// The model's sealed versions, by version.
    func modelVersionSeals(name: String) throws -> [ModelVersionSeal]
    /// Every sealed version's artifact location (what artifact writes are checked against).
    func sealedLocations() throws -> [SealedLocation]
    /// Removes the seal and its tags, answering what was removed, once `approve` accepted the version
    /// as the write found it; a version being sealed has its job cancelled instead (nil).
    func unsealModelVersion(name: String, version: String, approve: (ModelVersion) throws -> Void) throws -> ModelVersionSeal?

    // Sealing jobs (`SealingJob`: a seal made off the request path)
    /// Records `job` for its version unless the version is sealed or another live job seals it; a
    /// failed job is handed over once and removed; a job silent since before `staleBefore` is replaced.
    func claimSealing(_ job: SealingJob, staleBefore: Int64) throws -> SealingClaim
    /// The version's job (running or failed), nil when none.
    func sealingJob(name: String, version: String) throws -> SealingJob?
    /// The job's heartbeat and progress; false when `token` no longer owns the version's job
    /// (cancelled, taken over, failed, the version deleted): the job should stop.
    func recordSealingProgress(name: String, version: String, token: String, bytesRead: Int64, now: Int64) throws -> Bool
    /// Stores the seal and ends the job `token`; INVALID_STATE when the job no longer owns the version
    /// or the version's source changed.
    func completeSealing(token: String, seal: ModelVersionSeal) throws
    /// Marks the job `token` failed with `error`, which the next mover is told.
    func failSealing(name: String, version: String, token: String, error: MLflowError, now: Int64) throws
    /// Removes the job `token` (once its failure was told).
    func clearSealing(name: String, version: String, token: String) throws
}

/// Parameters of `model-versions/create`. `runId` / `modelId` nil means the request did not send the field.
public struct CreateModelVersionRequest: Sendable {
    public var name: String
    public var source: String
    public var runId: String?
    public var tags: [Tag]
    public var runLink: String?
    public var description: String?
    public var modelId: String?
    public var userId: String?

    public init(name: String, source: String, runId: String? = nil, tags: [Tag] = [], runLink: String? = nil,
                description: String? = nil, modelId: String? = nil, userId: String? = nil) {
        self.name = name
        self.source = source
        self.runId = runId
        self.tags = tags
        self.runLink = runLink
        self.description = description
        self.modelId = modelId
        self.userId = userId
    }
}

/// Parameters of registered-models/search and model-versions/search.
public struct RegistrySearchQuery: Sendable {
    public var filter: String
    public var orderBy: [String]
    public var maxResults: Int
    public var pageToken: String?
    /// The registered models (by name) the caller may read (access control): other models, and
    /// their versions, are never answered.
    public var visibleModels: IdentifierFilter = .all

    public init(filter: String = "", orderBy: [String] = [], maxResults: Int = 100, pageToken: String? = nil,
                visibleModels: IdentifierFilter = .all) {
        self.filter = filter
        self.orderBy = orderBy
        self.maxResults = maxResults
        self.pageToken = pageToken
        self.visibleModels = visibleModels
    }
}

extension RegistryStore {
    /// A rollback that no policy inspects.
    public func rollback(name: String, target: RegistryRollbackTarget, userId: String?) throws -> RegistryRollback {
        try rollback(name: name, target: target, userId: userId, approve: { _ in })
    }

    /// A stage move that no policy inspects.
    public func transitionModelVersionStage(name: String, version: String, stage: String, archiveExistingVersions: Bool,
                                            userId: String?) throws -> ModelVersion {
        try transitionModelVersionStage(name: name, version: version, stage: stage,
                                        archiveExistingVersions: archiveExistingVersions, userId: userId, approve: { _ in })
    }

    /// A stage move that seals nothing.
    public func transitionModelVersionStage(name: String, version: String, stage: String, archiveExistingVersions: Bool,
                                            userId: String?, approve: (RegistryMove) throws -> Void) throws -> ModelVersion {
        try transitionModelVersionStage(name: name, version: version, stage: stage,
                                        archiveExistingVersions: archiveExistingVersions, userId: userId, approve: approve,
                                        sealing: .none)
    }

    /// An alias move that no policy inspects.
    public func setRegisteredModelAlias(name: String, alias: String, version: String, userId: String?) throws {
        try setRegisteredModelAlias(name: name, alias: alias, version: version, userId: userId, approve: { _ in })
    }

    /// An alias move that seals nothing.
    public func setRegisteredModelAlias(name: String, alias: String, version: String, userId: String?,
                                        approve: (RegistryMove) throws -> Void) throws {
        try setRegisteredModelAlias(name: name, alias: alias, version: version, userId: userId, approve: approve,
                                    sealing: .none)
    }
}
