import HTTPTransport
import JSON
import Storage
import TrackingCore

/// Transition requests (Databricks' routes, extended to aliases): anyone who may edit a model asks
/// for a version to move into a stage or under an alias; a reviewer approves (the move is made in
/// the same transaction) or rejects; the author may cancel. With access control on, who may
/// decide is the promotion policy's business (`AccessControl+Promotion`).
struct TransitionRequestRoutes {
    let store: any TransitionRequestStore
    let sealer: ModelVersionSealer

    var routes: [Route] {
        [
            Route("POST", "/mlflow/transition-requests/create", access: .registeredModel(.update), create),
            Route("GET", "/mlflow/transition-requests/list", access: .registeredModel(.read), list),
            Route("POST", "/mlflow/transition-requests/approve", access: .transitionRequest(.update), approve),
            Route("POST", "/mlflow/transition-requests/reject",
                  access: .all([.transitionRequest(.update), .transitionDecision(.reject)]), reject),
            Route("DELETE", "/mlflow/transition-requests/delete",
                  access: .all([.transitionRequest(.read), .transitionDecision(.cancel)]), cancel),
        ]
    }

    /// `{name, version, stage | alias, comment?, archive_existing_versions?}` → `{"request": ...}`.
    func create(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let version = try fields.version()
        let created = try store.createTransitionRequest(
            name: name, version: version, target: try Self.target(fields),
            archiveExistingVersions: try fields.bool("archive_existing_versions") ?? false,
            comment: try fields.string("comment"), userId: request.user)
        return jsonResponse(.object([("request", created.json)]))
    }

    /// `?name=N[&version=V][&status=PENDING]` → `{"requests": [...]}`, oldest first.
    func list(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let query = TransitionRequestQuery(
            name: try fields.registeredModelName(),
            version: try fields.string("version").flatMap { $0.isEmpty ? nil : $0 },
            status: try fields.string("status").flatMap { $0.isEmpty ? nil : $0 }.map(TransitionRequest.Status.parse))
        return jsonResponse(.object([("requests", .array(try store.transitionRequests(query).map(\.json)))]))
    }

    /// `{request_id, comment?, archive_existing_versions?}` → `{"request": ..., "model_version": ...}`.
    func approve(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let id = try fields.transitionRequestId()
        let asked = try store.transitionRequest(id: id)
        var sealing = SealRequirement.none
        if asked.status == .pending && sealer.protects(asked.target) {
            let move = try sealer.directMove(name: asked.name, version: asked.version, target: asked.target)
            sealing = try sealer.requirement(
                for: RegistryMove(name: move.name, version: move.version, target: move.target, creator: move.creator,
                                  requestId: asked.id, requestedBy: asked.requestedBy),
                approver: request.user, precheck: request.approveMove, events: request.events)
        }
        let result = try store.approveTransitionRequest(
            id: id, archiveExistingVersions: try fields.bool("archive_existing_versions"),
            comment: try fields.string("comment"), userId: request.user, approve: request.approveMove,
            sealing: sealing)
        return jsonResponse(.object([("request", result.request.json), ("model_version", result.version.json)]))
    }

    func reject(_ request: RouteRequest) throws -> HTTPResponse {
        try close(request, as: .rejected)
    }

    func cancel(_ request: RouteRequest) throws -> HTTPResponse {
        try close(request, as: .cancelled)
    }

    private func close(_ request: RouteRequest, as status: TransitionRequest.Status) throws -> HTTPResponse {
        let fields = try request.fields()
        let closed = try store.closeTransitionRequest(id: try fields.transitionRequestId(), as: status,
                                                      comment: try fields.string("comment"), userId: request.user)
        return jsonResponse(.object([("request", closed.json)]))
    }

    /// Exactly one of `stage` and `alias`.
    static func target(_ fields: RequestFields) throws -> TransitionRequest.Target {
        let stage = try fields.string("stage").flatMap { $0.isEmpty ? nil : $0 }
        let alias = try fields.string("alias").flatMap { $0.isEmpty ? nil : $0 }
        switch (stage, alias) {
        case (let stage?, nil): return .stage(try ModelStage.canonical(stage))
        case (nil, let alias?): return .alias(alias)
        default: throw MLflowError.invalidParameter("A transition request needs exactly one of 'stage' and 'alias'.")
        }
    }
}
