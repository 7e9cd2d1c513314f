import HTTPTransport
import JSON
import Storage
import TrackingCore

/// registered-models/alias: POST sets, DELETE deletes, GET reads the version an alias points to.
struct RegistryAliasRoutes {
    let registry: any RegistryStore
    let sealer: ModelVersionSealer

    var routes: [Route] {
        [
            Route("POST", "/mlflow/registered-models/alias", access: .registeredModel(.update), set),
            Route("DELETE", "/mlflow/registered-models/alias", access: .registeredModel(.delete), delete),
            Route("GET", "/mlflow/registered-models/alias", access: .registeredModel(.read), get),
        ]
    }

    func set(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let alias = try fields.requiredString("alias")
        let version = try fields.version()
        let target = TransitionRequest.Target.alias(alias)
        // Validated as the store does before a protected alias makes the server read the model.
        let sealing = try sealer.protects(target)
            ? sealer.requirement(for: try sealer.directMove(name: name, version: version, target: target),
                                 approver: request.user, precheck: request.approveMove, events: request.events)
            : .none
        try registry.setRegisteredModelAlias(name: name, alias: alias, version: version, userId: request.user,
                                             approve: request.approveMove, sealing: sealing)
        request.events.emit(.aliasSet(name: name, alias: alias, version: version))
        return emptyJSONResponse
    }

    func delete(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let alias = try fields.requiredString("alias")
        try registry.deleteRegisteredModelAlias(name: name, alias: alias, userId: request.user)
        request.events.emit(.aliasDeleted(name: name, alias: alias))
        return emptyJSONResponse
    }

    func get(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let version = try registry.getModelVersionByAlias(name: name, alias: try fields.requiredString("alias"))
        return jsonResponse(.object([("model_version", version.json)]))
    }
}
