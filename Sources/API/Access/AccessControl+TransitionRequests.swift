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

    /// Separation of duties for closing a transition request without a move (admins are bound too):
    /// rejecting a request for a protected stage or alias needs the governance role; only its author
    /// (or an admin) cancels one. Approving is judged inside its write (`approveMove`).
    func checkTransitionDecision(_ user: AuthUser, _ decision: TransitionDecision, request: RouteRequest) throws {
        let found = try transitionRequest(id: try request.fields().transitionRequestId(), for: user)
        switch decision {
        case .cancel:
            guard user.isAdmin || found.requestedBy == user.username else {
                throw Self.denied("only its author (\(found.requestedBy ?? "unknown")) or an admin may cancel "
                                  + "transition request \(found.id).")
            }
        case .reject:
            guard protects(found.target) else { return }
            try requireGovernance(user, "rejecting a move to \(found.target.description)")
        }
    }

    func protects(_ target: TransitionRequest.Target) -> Bool {
        switch target {
        case .stage(let stage): return promotion.protects(stage: stage.rawValue)
        case .alias(let alias): return promotion.protects(alias: alias)
        }
    }
}
