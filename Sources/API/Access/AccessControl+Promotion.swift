import Auth
import HTTPTransport
import Storage
import TrackingCore

extension AccessControl {
    /// Separation of duties (`PromotionPolicy`): moving a version into a protected stage or alias
    /// needs the governance role, and not being the one who created that version. It binds admins
    /// too: an admin who should promote takes the governance role like anyone else. Every move is
    /// judged inside the write that makes it (`approveMove`, `approveRollback`), on the version that
    /// write found under its model's lock; what is checked before the handler runs is only the
    /// rules declared as `.transitionDecision` (rejecting and cancelling requests).
    func checkSeparationOfDuties(_ user: AuthUser, _ rule: AccessRule, _ request: RouteRequest) throws {
        switch rule {
        case .transitionDecision(let decision):
            try checkTransitionDecision(user, decision, request: request)
        case .all(let rules):
            for rule in rules { try checkSeparationOfDuties(user, rule, request) }
        default:
            return
        }
    }

    /// A stage or alias move (direct, or approving a transition request), judged inside its write.
    /// A direct move into a protected target needs the governance role and a caller other than the
    /// version's creator (who must be recorded); approving a request also needs a caller other than
    /// the request's author (who must be recorded), the author being the first pair of eyes.
    ///
    /// Four eyes compare names with Swift's `==` (canonical equivalence) on purpose: it refuses
    /// more, so two spellings of one name count as the same pair of eyes.
    func approveMove(_ user: AuthUser, _ move: RegistryMove) throws {
        guard protects(move.target) else { return }
        let target = move.target.description
        if let requestId = move.requestId {
            try requireGovernance(user, "approving a move to \(target)")
            guard let author = move.requestedBy, !author.isEmpty else {
                throw Self.denied("transition request \(requestId) has no recorded author, so approving it cannot show "
                                  + "four eyes: ask again as a signed-in user.")
            }
            if author == user.username {
                throw Self.denied("\(user.username) asked for transition request \(requestId) and may not approve it "
                                  + "themselves (four eyes): another holder of the '\(promotion.governanceRole)' role must.")
            }
            if let creator = move.creator, creator == user.username {
                throw Self.denied("\(user.username) created version \(move.version) of '\(move.name)' and may not move "
                                  + "it to \(target) themselves (four eyes): another holder of the "
                                  + "'\(promotion.governanceRole)' role must.")
            }
            return
        }
        try requireGovernance(user, "moving a version to \(target)")
        try requireNotCreator(user, name: move.name, version: move.version, creator: move.creator, target: target)
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

    /// Removing a seal: the governance role, and four eyes (not the version's creator, who must be
    /// recorded), as promoting it did; and only once the version left every protected stage and
    /// alias, so no version stays in production with files that may change.
    func approveUnseal(_ user: AuthUser, _ version: ModelVersion) throws {
        let what = "version \(version.version) of '\(version.name)'"
        try requireGovernance(user, "unsealing \(what)")
        guard let creator = version.userId, !creator.isEmpty else {
            throw Self.denied("\(what) has no recorded creator, so unsealing it cannot show four eyes.")
        }
        if creator == user.username {
            throw Self.denied("\(user.username) created \(what) and may not unseal it themselves (four eyes): another "
                              + "holder of the '\(promotion.governanceRole)' role must.")
        }
        let holds = (promotion.protects(stage: version.currentStage.rawValue) ? ["stage '\(version.currentStage.rawValue)'"] : [])
            + version.aliases.filter { promotion.protects(alias: $0) }.map { "alias '\($0)'" }
        guard holds.isEmpty else {
            throw MLflowError(.invalidState, "Version \(version.version) of registered model '\(version.name)' holds "
                              + holds.joined(separator: " and ") + ": move it out before unsealing it, so that no "
                              + "protected version has files that may change.")
        }
    }

    func requireGovernance(_ user: AuthUser, _ action: String) throws {
        guard try store.holdsRole(userId: user.id, roleName: promotion.governanceRole) else {
            throw Self.denied("\(action) needs the '\(promotion.governanceRole)' role, "
                              + "which \(user.username) does not hold (separation of duties).")
        }
    }

    /// Four eyes, for a rollback's planned move: the version is read here (the rollback's plan is
    /// judged inside its write, which holds the model's lock).
    func requireNotCreator(_ user: AuthUser, name: String, version: String, target: String) throws {
        guard let registry else { throw Self.denied("there is no model registry to check version \(version) in.") }
        let found: ModelVersion
        do {
            found = try registry.getModelVersion(name: name, version: version)
        } catch let error as MLflowError where error.code == .resourceDoesNotExist {
            throw Self.denied("there is no version \(version) of '\(name)' you may see.")
        }
        try requireNotCreator(user, name: name, version: version, creator: found.userId, target: target)
    }

    /// Four eyes: the version's creator may not promote it. A version whose creator is unknown
    /// (created with access control off, or imported) cannot show a second pair of eyes on this path
    /// and is refused: a transition request (asked by one user, approved by another) promotes it instead.
    func requireNotCreator(_ user: AuthUser, name: String, version: String, creator: String?, target: String) throws {
        guard let creator, !creator.isEmpty else {
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
