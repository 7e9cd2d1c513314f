import Auth
import HTTPServer
import TrackingCore

extension AccessControl {
    /// Separation of duties (`PromotionPolicy`): moving a version into a protected stage or
    /// alias needs the governance role, and not being the one who created that version. It
    /// binds admins too: an admin who should promote takes the governance role like anyone else.
    /// Transition requests are decided under the same policy (`checkTransitionDecision`).
    func checkPromotion(_ user: AuthUser, method: String, path: String, request: HTTPRequest) throws {
        try checkTransitionDecision(user, method: method, path: path, request: request)
        guard method == "POST" else { return }
        let target: String
        switch path {
        case "/mlflow/model-versions/transition-stage", "/swiftrack/registered-models/rollback":
            let fields = try RequestFields.from(request)
            if let stage = Self.text(fields.raw("stage")), promotion.protects(stage: stage) {
                target = "stage '\(stage)'"
            } else if let alias = Self.text(fields.raw("alias")), promotion.protects(alias: alias) {
                target = "alias '\(alias)'"
            } else {
                return
            }
        case "/mlflow/registered-models/alias":
            let fields = try RequestFields.from(request)
            guard let alias = Self.text(fields.raw("alias")), promotion.protects(alias: alias) else { return }
            target = "alias '\(alias)'"
        default:
            return
        }
        try requireGovernance(user, "moving a version to \(target)")
        // A rollback picks its version from the history, so only the role is checked there.
        let fields = try RequestFields.from(request)
        guard path != "/swiftrack/registered-models/rollback", let name = Self.text(fields.raw("name")),
              let version = Self.text(fields.raw("version")) else { return }
        try requireNotCreator(user, name: name, version: version, target: target)
    }

    func requireGovernance(_ user: AuthUser, _ action: String) throws {
        guard try store.holdsRole(userId: user.id, roleName: promotion.governanceRole) else {
            throw Self.denied("\(action) needs the '\(promotion.governanceRole)' role, "
                              + "which \(user.username) does not hold (separation of duties).")
        }
    }

    /// Four eyes: the version's creator may not promote it.
    func requireNotCreator(_ user: AuthUser, name: String, version: String, target: String) throws {
        guard let creator = (try? registry?.getModelVersion(name: name, version: version))??.userId,
              creator == user.username else { return }
        throw Self.denied("\(user.username) created version \(version) of '\(name)' and may not move it to \(target) "
                          + "themselves (four eyes): another holder of the '\(promotion.governanceRole)' role must.")
    }
}
