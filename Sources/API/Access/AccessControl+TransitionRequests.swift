import Auth
import HTTPTransport
import Storage
import TrackingCore

extension AccessControl {
    /// The transition request `id` (read by the handler's own accessor): a lookup that fails
    /// refuses; an unknown request is 404 for an admin (as the handler would answer) and 403 for
    /// anyone else, so ids cannot be probed; a request for a model the caller may not read gets that
    /// same 403 (before the governance rules, whose words would show it exists and where it goes).
    func transitionRequest(id: Int64, for user: AuthUser) throws -> TransitionRequest {
        guard let transitionRequests else { throw Self.unseenTransitionRequest(id) }
        let found: TransitionRequest
        do {
            found = try transitionRequests.transitionRequest(id: id)
        } catch let error as MLflowError where error.code == .resourceDoesNotExist {
            if user.isAdmin { throw error }
            throw Self.unseenTransitionRequest(id)
        }
        if !user.isAdmin, !(try permission(user, .registeredModel, found.name).canRead) {
            throw Self.unseenTransitionRequest(id)
        }
        return found
    }

    /// Separation of duties for closing a transition request without a move (admins are bound too):
    /// rejecting a request for a protected stage or alias needs the governance role; only its author
    /// (or an admin) cancels one. Approving is judged inside its write (`approveMove`).
    func checkTransitionDecision(_ user: AuthUser, _ decision: TransitionDecision, request: RouteRequest) throws {
        let found = try transitionRequest(id: try request.fields().transitionRequestId(), for: user)
        switch decision {
        case .cancel:
            guard user.isAdmin || found.requestedBy.map({ PathSegments.same($0, user.username) }) == true else {
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
