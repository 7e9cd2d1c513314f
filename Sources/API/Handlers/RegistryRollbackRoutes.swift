import HTTPTransport
import JSON
import Storage
import TrackingCore

/// Swiftrack's own registry routes (not MLflow's): a model's recorded stage and alias moves, and
/// the rollback of an alias or a stage to where it was before its latest move.
struct RegistryRollbackRoutes {
    let registry: any RegistryStore
    let sealer: ModelVersionSealer

    var routes: [Route] {
        [
            Route("GET", "/swiftrack/registered-models/history", access: .registeredModel(.read), history),
            Route("POST", "/swiftrack/registered-models/rollback", access: .registeredModel(.update), rollback),
        ]
    }

    /// `?name=N` → `{"entries": [...]}`, newest first; 404 for an unknown model.
    func history(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        _ = try registry.getRegisteredModel(name: name)
        let entries = try registry.history(name: name).reversed()
        return jsonResponse(.object([("entries", .array(entries.map(\.json)))]))
    }

    /// `{"name": N, "alias": A}` or `{"name": N, "stage": S}` → `{"model_version": ..., "entries": [...]}`.
    func rollback(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let alias = try fields.string("alias").flatMap { $0.isEmpty ? nil : $0 }
        let stage = try fields.string("stage").flatMap { $0.isEmpty ? nil : $0 }
        let target: RegistryRollbackTarget
        switch (alias, stage) {
        case (let alias?, nil): target = .alias(alias)
        case (nil, let stage?): target = .stage(try ModelStage.canonical(stage))
        default:
            throw MLflowError.invalidParameter("A rollback needs exactly one of 'alias' and 'stage'.")
        }
        let result = try registry.rollback(name: name, target: target, userId: request.user) { plan in
            try request.approveRollback(name, plan)
            try sealer.requireSealed(name: name, plan: plan, events: request.events)
        }
        return jsonResponse(.object([
            ("model_version", result.version.json),
            ("entries", .array(result.entries.map(\.json))),
        ]))
    }
}
