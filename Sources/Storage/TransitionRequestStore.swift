public import TrackingCore

/// Transition requests: asking for a model version to be moved into a stage or under an alias,
/// and deciding once. Each call is one transaction; approving makes the move in the same one.
public protocol TransitionRequestStore: Sendable {
    /// A pending request; RESOURCE_ALREADY_EXISTS when the same move is already pending.
    func createTransitionRequest(name: String, version: String, target: TransitionRequest.Target,
                                 archiveExistingVersions: Bool, comment: String?,
                                 userId: String?) throws -> TransitionRequest
    func transitionRequest(id: Int64) throws -> TransitionRequest
    /// Oldest first.
    func transitionRequests(_ query: TransitionRequestQuery) throws -> [TransitionRequest]
    /// Marks a pending request approved and makes its move, atomically; `archiveExistingVersions`
    /// nil keeps what the request asked; `approve` judges the move (with the request's author) inside
    /// the write, then `sealing` is applied (`SealRequirement`). Returns the request and the moved version.
    func approveTransitionRequest(id: Int64, archiveExistingVersions: Bool?, comment: String?, userId: String?,
                                  approve: (RegistryMove) throws -> Void,
                                  sealing: SealRequirement) throws -> (request: TransitionRequest, version: ModelVersion)
    /// Ends a pending request without a move: `.rejected` by a reviewer, `.cancelled` by its author.
    func closeTransitionRequest(id: Int64, as status: TransitionRequest.Status, comment: String?,
                                userId: String?) throws -> TransitionRequest
}

extension TransitionRequestStore {
    /// An approval that no policy inspects.
    public func approveTransitionRequest(id: Int64, archiveExistingVersions: Bool?, comment: String?,
                                         userId: String?) throws -> (request: TransitionRequest, version: ModelVersion) {
        try approveTransitionRequest(id: id, archiveExistingVersions: archiveExistingVersions, comment: comment,
                                     userId: userId, approve: { _ in })
    }

    /// An approval that seals nothing.
    public func approveTransitionRequest(id: Int64, archiveExistingVersions: Bool?, comment: String?, userId: String?,
                                         approve: (RegistryMove) throws -> Void) throws -> (request: TransitionRequest, version: ModelVersion) {
        try approveTransitionRequest(id: id, archiveExistingVersions: archiveExistingVersions, comment: comment,
                                     userId: userId, approve: approve, sealing: .none)
    }
}
