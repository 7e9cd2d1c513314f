import Auth
import HTTPTransport
import Storage
import TrackingCore

extension AccessControl {
    /// Separation of duties (`PromotionPolicy`): moving a version into a protected stage or
    /// alias needs the governance role, and not being the one who created that version. It
    /// binds admins too: an admin who should promote takes the governance role like anyone else.
    /// Transition requests are decided under the same policy (`checkTransitionDecision`); a
    /// rollback is checked on the moves it plans, inside its write (`approveRollback`).
    /// Fields are read with the accessors the handlers use, from the same `RouteRequest`.
    func checkPromotion(_ user: AuthUser, request: RouteRequest) throws {
        let method = request.method
        let path = Router.unprefixed(request.template)
        try checkTransitionDecision(user, method: method, path: path, request: request)
        guard method == "POST" else { return }
        switch path {
        case "/mlflow/model-versions/transition-stage":
            let fields = try request.fields()
            let stage = try ModelStage.canonical(try fields.requiredString("stage"))
            guard promotion.protects(stage: stage.rawValue) else { return }
            let target = "stage '\(stage.rawValue)'"
            try requireGovernance(user, "moving a version to \(target)")
            try requireNotCreator(user, name: try fields.registeredModelName(), version: try fields.version(), target: target)
        case "/mlflow/registered-models/alias":
            let fields = try request.fields()
            let alias = try fields.requiredString("alias")
            guard promotion.protects(alias: alias) else { return }
            let target = "alias '\(alias)'"
            try requireGovernance(user, "moving a version to \(target)")
            try requireNotCreator(user, name: try fields.registeredModelName(), version: try fields.version(), target: target)
        default:
            return
        }
    }

    /// A rollback's planned moves, checked inside the write that applies them: each move that puts a
    /// version into a protected stage or under a protected alias needs the governance role and a
    /// caller other than that version's creator, whatever stage or alias the request named.
    func approveRollback(_ user: AuthUser, name: String, plan: RegistryRollbackPlan) throws {
        for change in plan.changes {
            let version: String
            let target: String
            switch change.kind {
            case .alias:
                guard let alias = change.alias, promotion.protects(alias: alias) else { continue }
                (version, target) = (change.restored, "alias '\(alias)'")
            case .stage:
                guard promotion.protects(stage: change.restored) else { continue }
                (version, target) = (change.version, "stage '\(change.restored)'")
            }
            try requireGovernance(user, "rolling version \(version) back into \(target)")
            try requireNotCreator(user, name: name, version: version, target: target)
        }
    }

    func requireGovernance(_ user: AuthUser, _ action: String) throws {
        guard try store.holdsRole(userId: user.id, roleName: promotion.governanceRole) else {
            throw Self.denied("\(action) needs the '\(promotion.governanceRole)' role, "
                              + "which \(user.username) does not hold (separation of duties).")
        }
    }

    /// Four eyes: the version's creator may not promote it. A version that cannot be found, or whose
    /// creator is unknown (created with access control off, or imported), cannot show a second pair of
    /// eyes on this path and is refused: a transition request (asked by one user, approved by
    /// another) promotes it instead.
    func requireNotCreator(_ user: AuthUser, name: String, version: String, target: String) throws {
        guard let registry else { throw Self.denied("there is no model registry to check version \(version) in.") }
        let found: ModelVersion
        do {
            found = try registry.getModelVersion(name: name, version: version)
        } catch let error as MLflowError where error.code == .resourceDoesNotExist {
            throw Self.denied("there is no version \(version) of '\(name)' you may see.")
        }
        guard let creator = found.userId, !creator.isEmpty else {
            throw Self.denied("version \(version) of '\(name)' has no recorded creator, so moving it to \(target) "
                              + "directly cannot show four eyes: ask for it with a transition request, which "
                              + "another holder of the '\(promotion.governanceRole)' role approves.")
        }
        if creator == user.username {
            throw Self.denied("\(user.username) created version \(version) of '\(name)' and may not move it to "
                              + "\(target) themselves (four eyes): another holder of the '\(promotion.governanceRole)' "
                              + "role must.")
        }
    }
}
