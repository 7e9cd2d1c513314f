import Auth
import HTTPServer
import JSON
import TrackingCore

extension AccessControl {
    /// What follows a successful request (MLflow's after-request hooks): the creator of an
    /// experiment or registered model gets MANAGE on it; users' own grants follow a renamed
    /// model and go with a deleted one. Runs for admins too.
    func afterSuccess(_ user: AuthUser, method: String, template: String, request: HTTPRequest,
                      response: HTTPResponse) throws {
        switch method + " " + AccessRules.routePath(template) {
        case "POST /mlflow/experiments/create":
            guard case .object(let members)? = try? JSONParser.parse(response.body),
                  let id = Self.text(members.first { $0.0 == "experiment_id" }?.1) else { return }
            try store.setGrant(user: user, .experiment, id, .manage)
        case "POST /mlflow/registered-models/create":
            guard let name = Self.text(try RequestFields.from(request).raw("name")) else { return }
            try store.setGrant(user: user, .registeredModel, name, .manage)
        case "POST /mlflow/registered-models/rename":
            let fields = try RequestFields.from(request)
            guard let name = Self.text(fields.raw("name")), let newName = Self.text(fields.raw("new_name")) else { return }
            try store.renameResource(.registeredModel, from: name, to: newName)
        case "DELETE /mlflow/registered-models/delete":
            guard let name = Self.text(try RequestFields.from(request).raw("name")) else { return }
            try store.deleteResourceGrants(.registeredModel, name)
        default:
            return
        }
    }
}

extension AccessControl: SearchVisibility {
    func readableExperiments(_ request: HTTPRequest) throws -> IdentifierFilter {
        try readable(request, .experiment)
    }

    func readableRegisteredModels(_ request: HTTPRequest) throws -> IdentifierFilter {
        try readable(request, .registeredModel)
    }

    /// The resources of `type` the request's caller may read, as one filter: what a resource
    /// without a grant of its own allows (the `*` grant, else the default), and the exceptions.
    private func readable(_ request: HTTPRequest, _ type: ResourceType) throws -> IdentifierFilter {
        guard let username = request.user, let user = try store.user(named: username), !user.isAdmin else { return .all }
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
