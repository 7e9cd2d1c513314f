import Auth
import HTTPTransport
import Storage
import TrackingCore

extension AccessControl {
    /// The transition request `id` (read by the handler's own accessor): a lookup that fails
    /// refuses; an unknown request is 404 for an admin (as the handler would answer) and 403 for
    /// anyone else, so ids cannot be probed.
    func transitionRequest(id: Int64, for user: AuthUser) throws -> TransitionRequest {
        guard let transitionRequests else { throw Self.denied("there is no transition request \(id) you may see.") }
        do {
            return try transitionRequests.transitionRequest(id: id)
        } catch let error as MLflowError where error.code == .resourceDoesNotExist {
            if user.isAdmin { throw error }
            throw Self.denied("there is no transition request \(id) you may see.")
        }
    }

    /// Separation of duties for transition requests (admins are bound too):
    /// - approving or rejecting a request for a protected stage or alias needs the governance
    ///   role; approving it also needs someone other than its author and the version's creator
    ///   (when the creator is known: the request's author is the first pair of eyes);
    /// - only the author (or an admin) cancels a request.
    func checkTransitionDecision(_ user: AuthUser, method: String, path: String, request: RouteRequest) throws {
        let approving = method == "POST" && path == "/mlflow/transition-requests/approve"
        let rejecting = method == "POST" && path == "/mlflow/transition-requests/reject"
        let cancelling = method == "DELETE" && path == "/mlflow/transition-requests/delete"
        guard approving || rejecting || cancelling else { return }
        let found = try transitionRequest(id: try request.fields().transitionRequestId(), for: user)
        if cancelling {
            guard user.isAdmin || found.requestedBy == user.username else {
                throw Self.denied("only its author (\(found.requestedBy ?? "unknown")) or an admin may cancel "
                                  + "transition request \(found.id).")
            }
            return
        }
        guard protects(found.target) else { return }
        let verb = approving ? "approving" : "rejecting"
        try requireGovernance(user, "\(verb) a move to \(found.target.description)")
        guard approving else { return }
        guard let author = found.requestedBy, !author.isEmpty else {
            throw Self.denied("transition request \(found.id) has no recorded author, so approving it cannot show four "
                              + "eyes: ask again as a signed-in user.")
        }
        if author == user.username {
            throw Self.denied("\(user.username) asked for transition request \(found.id) and may not approve it "
                              + "themselves (four eyes): another holder of the '\(promotion.governanceRole)' role must.")
        }
        guard let registry else { throw Self.denied("there is no model registry to check the request against.") }
        let version: ModelVersion
        do {
            version = try registry.getModelVersion(name: found.name, version: found.version)
        } catch let error as MLflowError where error.code == .resourceDoesNotExist {
            throw Self.denied("there is no version \(found.version) of '\(found.name)' you may see.")
        }
        if let creator = version.userId, creator == user.username {
            throw Self.denied("\(user.username) created version \(found.version) of '\(found.name)' and may not move it "
                              + "to \(found.target.description) themselves (four eyes): another holder of the "
                              + "'\(promotion.governanceRole)' role must.")
        }
    }

    func protects(_ target: TransitionRequest.Target) -> Bool {
        switch target {
        case .stage(let stage): return promotion.protects(stage: stage.rawValue)
        case .alias(let alias): return promotion.protects(alias: alias)
        }
    }
}
