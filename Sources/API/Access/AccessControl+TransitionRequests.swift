import Auth
import HTTPServer
import Storage
import TrackingCore

extension AccessControl {
    /// The transition request a decision route names by `request_id`: nil when the field is
    /// missing or malformed, or for an admin when there is no such request (the handler answers
    /// those); 403 for anyone else when there is none.
    func transitionRequest(named request: HTTPRequest, for user: AuthUser) throws -> TransitionRequest? {
        let fields = try RequestFields.from(request)
        guard let text = Self.text(fields.raw("request_id")), let id = Int64(text) else { return nil }
        guard let found = try? transitionRequests?.transitionRequest(id: id) else {
            if user.isAdmin { return nil }
            throw Self.denied("there is no transition request \(id) you may see.")
        }
        return found
    }

    /// Separation of duties for transition requests (admins are bound too):
    /// - approving or rejecting a request for a protected stage or alias needs the governance
    ///   role; approving it also needs someone other than its author and the version's creator;
    /// - only the author (or an admin) cancels a request.
    func checkTransitionDecision(_ user: AuthUser, method: String, path: String, request: HTTPRequest) throws {
        let approving = method == "POST" && path == "/mlflow/transition-requests/approve"
        let rejecting = method == "POST" && path == "/mlflow/transition-requests/reject"
        let cancelling = method == "DELETE" && path == "/mlflow/transition-requests/delete"
        guard approving || rejecting || cancelling, let found = try transitionRequest(named: request, for: user) else { return }
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
        if found.requestedBy == user.username {
            throw Self.denied("\(user.username) asked for transition request \(found.id) and may not approve it "
                              + "themselves (four eyes): another holder of the '\(promotion.governanceRole)' role must.")
        }
        try requireNotCreator(user, name: found.name, version: found.version, target: found.target.description)
    }

    func protects(_ target: TransitionRequest.Target) -> Bool {
        switch target {
        case .stage(let stage): return promotion.protects(stage: stage.rawValue)
        case .alias(let alias): return promotion.protects(alias: alias)
        }
    }
}
