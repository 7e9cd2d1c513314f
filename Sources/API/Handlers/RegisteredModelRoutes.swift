import HTTPTransport
import JSON
import Storage
import TrackingCore

/// registered-models/*: create, get, rename, update, delete, search, get-latest-versions, tags.
struct RegisteredModelRoutes {
    let registry: any RegistryStore
    /// With access control, what each caller may read: searches answer only that.
    var visibility: (any SearchVisibility)? = nil

    var routes: [Route] {
        [
            Route("POST", "/mlflow/registered-models/create",
                  access: .all([.notAGrantPattern(field: "name"), .create(.registeredModel)]), create),
            Route("GET", "/mlflow/registered-models/get", access: .registeredModel(.read), get),
            Route("POST", "/mlflow/registered-models/rename",
                  access: .all([.notAGrantPattern(field: "new_name"), .registeredModel(.update)]),
                  movesGrants: true, rename),
            Route("PATCH", "/mlflow/registered-models/update", access: .registeredModel(.update), update),
            Route("DELETE", "/mlflow/registered-models/delete", access: .registeredModel(.delete),
                  movesGrants: true, delete),
            Route("GET", "/mlflow/registered-models/search", access: .filteredSearch, search),
            Route("POST", "/mlflow/registered-models/get-latest-versions", access: .registeredModel(.read), latestVersions),
            Route("GET", "/mlflow/registered-models/get-latest-versions", access: .registeredModel(.read), latestVersions),
            Route("POST", "/mlflow/registered-models/set-tag", access: .registeredModel(.update), setTag),
            Route("DELETE", "/mlflow/registered-models/delete-tag", access: .registeredModel(.update), deleteTag),
        ]
    }

    private func answer(_ model: RegisteredModel) -> HTTPResponse {
        jsonResponse(.object([("registered_model", model.json)]))
    }

    func create(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let tags = try fields.tags()
        let description = try fields.string("description") ?? ""
        let created = try registry.createRegisteredModel(name: name, tags: tags, description: description)
        request.events.emit(.registeredModelCreated(name: name, tags: tags, description: description))
        return answer(created)
    }

    func get(_ request: RouteRequest) throws -> HTTPResponse {
        answer(try registry.getRegisteredModel(name: try request.fields().registeredModelName()))
    }

    func rename(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let newName = try fields.requiredString("new_name")
        let renamed = try registry.renameRegisteredModel(name: name, newName: newName)
        request.events.emit(.registeredModelRenamed(from: name, to: newName))
        return answer(renamed)
    }

    func update(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let description = try fields.string("description") ?? ""
        return answer(try registry.updateRegisteredModel(name: name, description: description))
    }

    func delete(_ request: RouteRequest) throws -> HTTPResponse {
        let name = try request.fields().registeredModelName()
        try registry.deleteRegisteredModel(name: name)
        request.events.emit(.registeredModelDeleted(name: name))
        return emptyJSONResponse
    }

    func search(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let query = RegistrySearchQuery(
            filter: try fields.string("filter") ?? "",
            orderBy: try fields.stringList("order_by"),
            maxResults: try fields.maxResults(limit: Validation.maxRegisteredModelSearchResults, default: 100),
            pageToken: try fields.string("page_token").flatMap { $0.isEmpty ? nil : $0 },
            visibleModels: try visibility?.readableRegisteredModels(request) ?? .all)
        let page = try registry.searchRegisteredModels(query)
        var members: [(String, JSONValue)] = []
        if !page.items.isEmpty { members.append(("registered_models", .array(page.items.map(\.json)))) }
        if let token = page.nextPageToken { members.append(("next_page_token", .string(token))) }
        return jsonResponse(.object(members))
    }

    func latestVersions(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let versions = try registry.getLatestVersions(name: name, stages: try fields.stringList("stages"))
        return jsonResponse(.object(versions.isEmpty ? [] : [("model_versions", .array(versions.map(\.json)))]))
    }

    func setTag(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let tag = Tag(key: try fields.requiredString("key"), value: try fields.string("value") ?? "")
        try registry.setRegisteredModelTag(name: name, tag: tag)
        request.events.emit(.registeredModelTagSet(name: name, key: tag.key, value: tag.value))
        return emptyJSONResponse
    }

    func deleteTag(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let key = try fields.requiredString("key")
        try registry.deleteRegisteredModelTag(name: name, key: key)
        request.events.emit(.registeredModelTagDeleted(name: name, key: key))
        return emptyJSONResponse
    }
}
