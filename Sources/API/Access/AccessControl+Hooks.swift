import Auth
import HTTPTransport
import JSON
import TrackingCore

extension AccessControl {
    /// What follows a successful request (MLflow's after-request hooks), from what its handler did:
    /// the creator of an experiment or registered model gets MANAGE on it; users' grants follow a
    /// renamed model and go with a deleted one. Runs for admins too. A model named `*` (made by an
    /// admin, or before names were checked) is never a grant pattern. Only the grants issued up to
    /// `grantWatermark` (read before the handler ran, on routes that declare `movesGrants`) move:
    /// a grant made on the freed name in between belongs to whatever took the name. Without a
    /// watermark (a route that should have declared it) nothing moves, and that is logged.
    func afterSuccess(_ user: AuthUser, events: [RouteEvent], grantWatermark: Int64?) throws {
        for event in events {
            switch event {
            case .experimentCreated(let id):
                try store.setGrant(user: user, .experiment, id, .manage)
            case .registry(.registeredModelCreated(let name, _, _)) where name != AuthStore.everyResource:
                try store.setGrant(user: user, .registeredModel, name, .manage)
            case .registry(.registeredModelRenamed(let from, let to))
                where from != AuthStore.everyResource && to != AuthStore.everyResource:
                try store.renameResource(.registeredModel, from: from, to: to,
                                         grantedUpTo: try declared(grantWatermark, event))
            case .registry(.registeredModelDeleted(let name)) where name != AuthStore.everyResource:
                try store.deleteResourceGrants(.registeredModel, name, grantedUpTo: try declared(grantWatermark, event))
            default:
                continue
            }
        }
    }

    func grantWatermark() throws -> Int64 { try store.grantWatermark() }

    private func declared(_ watermark: Int64?, _ event: RouteEvent) throws -> Int64 {
        guard let watermark else {
            throw MLflowError(.internalError, "\(event) moves grants, but its route did not declare movesGrants.")
        }
        return watermark
    }
}

extension AccessControl: SearchVisibility {
    func readableExperiments(_ request: RouteRequest) throws -> IdentifierFilter {
        try readable(request, .experiment)
    }

    func readableRegisteredModels(_ request: RouteRequest) throws -> IdentifierFilter {
        try readable(request, .registeredModel)
    }

    /// The resources of `type` the request's caller may read, as one filter: what a resource
    /// without a grant of its own allows (the `*` grant, else the default), and the exceptions.
    /// Without a caller nothing is readable (no route reaches a search unsigned; this fails closed).
    /// A lookup that fails is 503, as for a route's rule (`failingClosed`).
    private func readable(_ request: RouteRequest, _ type: ResourceType) throws -> IdentifierFilter {
        try failingClosed { try readableUnchecked(request, type) }
    }

    private func readableUnchecked(_ request: RouteRequest, _ type: ResourceType) throws -> IdentifierFilter {
        guard let caller = request.caller else { return .only([]) }
        if caller.isAdmin { return .all }
        guard let user = try store.user(named: caller.username), user.id == caller.id else { return .only([]) }
        if user.isAdmin { return .all }
        var grants = try store.grants(userId: user.id, type)
        let wildcard = grants.removeValue(forKey: "*")
        func readable(_ granted: Permission?) -> Bool {
            guard let granted else { return defaultPermission.canRead }
            return granted != .deny && (granted.canRead || defaultPermission.canRead)
        }
        let byDefault = readable(wildcard)
        var exceptions = Set<String>()
        for (resource, granted) in grants {
            let level = AuthStore.fold([granted] + (wildcard.map { [$0] } ?? []))
            if readable(level) != byDefault { exceptions.insert(resource) }
        }
        return byDefault ? .allExcept(exceptions) : .only(exceptions)
    }
}
