import HTTPServer
import JSON
import Storage
import TrackingCore

/// registered-models/alias: POST sets, DELETE deletes, GET reads the version an alias points to.
struct RegistryAliasRoutes {
    let registry: any RegistryStore

    var routes: [Route] {
        [
            Route("POST", "/mlflow/registered-models/alias", set),
            Route("DELETE", "/mlflow/registered-models/alias", delete),
            Route("GET", "/mlflow/registered-models/alias", get),
        ]
    }

    func set(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let name = try fields.requiredString("name")
        let alias = try fields.requiredString("alias")
        let version = try fields.version()
        try registry.setRegisteredModelAlias(name: name, alias: alias, version: version, userId: request.user)
        return emptyJSONResponse
    }

    func delete(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let name = try fields.requiredString("name")
        try registry.deleteRegisteredModelAlias(name: name, alias: try fields.requiredString("alias"), userId: request.user)
        return emptyJSONResponse
    }

    func get(_ request: HTTPRequest) throws -> HTTPResponse {
        let fields = try RequestFields.from(request)
        let name = try fields.requiredString("name")
        let version = try registry.getModelVersionByAlias(name: name, alias: try fields.requiredString("alias"))
        return jsonResponse(.object([("model_version", version.json)]))
    }
}
