import Auth
import HTTPTransport
import JSON
import Storage
import TrackingCore

extension AccessControl {
    /// Applies one rule to a caller who is not an admin, reading the resource from the route's
    /// `RouteRequest` with the accessors its handler uses. A missing or malformed identifier is the
    /// handler's own 400, raised here before the handler runs; an unknown resource is refused.
    func check(_ rule: AccessRule, user: AuthUser, request: RouteRequest) throws {
        switch rule {
        case .publicRoute, .signedIn, .filteredSearch:
            return
        case .admin:
            throw Self.denied("\(request.method) \(Router.unprefixed(request.template)) is for admins only.")
        case .experiment(let need, _):
            try require(need, user, .experiment, try request.fields().experimentId())
        case .experimentByName(let need):
            let name = try request.fields().experimentName()
            guard let experiment = try tracking.getExperimentByName(name) else {
                throw MLflowError.notFound("Could not find experiment with name \(name)")
            }
            try require(need, user, .experiment, experiment.experimentId)
        case .run(let need):
            try requireRun(need, user, try request.fields().runId())
        case .runNamed(let need, let field):
            guard let runId = try request.fields().string(field), !runId.isEmpty else { return }
            try requireRun(need, user, runId)
        case .runs(let need, let field):
            for runId in try request.fields().stringList(field) {
                guard let experimentId = try tracking.experimentId(ofRun: runId) else {
                    throw MLflowError.notFound("Run with id=\(runId) not found")
                }
                try require(need, user, .experiment, experimentId)
            }
        case .loggedModel(let need):
            guard let modelId = request.parameters["model_id"] else {
                throw Self.denied("the route names no logged model.")
            }
            try requireLoggedModel(need, user, modelId)
        case .loggedModelsNamed(let need, let reference):
            for modelId in try request.fields().loggedModelIds(reference) {
                try requireLoggedModel(need, user, modelId)
            }
        case .registeredModel(let need, let mustExist):
            let name = try request.fields().registeredModelName()
            if mustExist { try requireRegisteredModelExists(name) }
            try require(need, user, .registeredModel, name)
        case .modelVersionSource:
            try checkModelVersionSource(user, fields: try request.fields())
        case .transitionRequest(let need):
            let found = try transitionRequest(id: try request.fields().transitionRequestId(), for: user)
            try require(need, user, .registeredModel, found.name)
        case .create(let type):
            let name = type == .registeredModel ? try request.fields().registeredModelName() : nil
            // Creating is allowed unless a grant denies it; the default permission does not apply.
            if try store.effectivePermission(userId: user.id, type, name ?? "*") == .deny {
                throw Self.denied("\(user.username) may not create \(type == .experiment ? "experiments" : "registered models").")
            }
        case .notAGrantPattern(let field):
            if try request.fields().string(field) == AuthStore.everyResource {
                throw MLflowError.invalidParameter("The name '\(AuthStore.everyResource)' is reserved: grants use it "
                                                   + "to mean every resource.")
            }
        case .noServerPath(let field):
            guard let location = try request.fields().string(field), !location.isEmpty else { return }
            if ModelSourceRules.isLocal(location) {
                throw Self.denied("only an admin may place an experiment's artifacts on the server's disk "
                                  + "('\(location)'); leave artifact_location out, or name an object store.")
            }
            try checkProxiedLocation(location)
        case .transitionDecision:
            return   // checked for every caller first (`checkSeparationOfDuties`)
        case .all(let rules):
            for rule in rules { try check(rule, user: user, request: request) }
        }
    }

    /// The run's experiment needs `need`; an unknown run is refused (403), never passed.
    func requireRun(_ need: Permission.Need, _ user: AuthUser, _ runId: String) throws {
        guard let experimentId = try tracking.experimentId(ofRun: runId) else {
            throw Self.denied("there is no run \(runId) you may see.")
        }
        try require(need, user, .experiment, experimentId)
    }

    /// The logged model's experiment needs `need`; an unknown model is refused (403).
    func requireLoggedModel(_ need: Permission.Need, _ user: AuthUser, _ modelId: String) throws {
        let model = try loggedModel(modelId)
        try require(need, user, .experiment, model.experimentId)
    }

    /// The logged model, deleted or not; 403 when there is none (or no logged-model store).
    func loggedModel(_ modelId: String) throws -> LoggedModel {
        guard let loggedModels else { throw Self.denied("there is no logged model \(modelId) you may see.") }
        do {
            return try loggedModels.getLoggedModel(id: modelId, allowDeleted: true)
        } catch let error as MLflowError where error.code == .resourceDoesNotExist {
            throw Self.denied("there is no logged model \(modelId) you may see.")
        }
    }

    /// 403 when the registered model does not exist (or there is no registry); lookup failures propagate.
    func requireRegisteredModelExists(_ name: String) throws {
        guard let registry else { throw Self.denied("there is no registered model '\(name)' you may see.") }
        do {
            _ = try registry.getRegisteredModel(name: name)
        } catch let error as MLflowError where error.code == .resourceDoesNotExist {
            throw Self.denied("there is no registered model '\(name)' you may see.")
        }
    }

    /// A field's value as text: strings as they are, numbers as MLflow's JSON prints them.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: return text.isEmpty ? nil : text
        case .integer(let number)?: return String(number)
        case .double(let number)?: return String(number)
        default: return nil
        }
    }
}
