import Auth
import HTTPServer
import JSON
import Storage
import TrackingCore

extension AccessControl {
    /// Applies one rule to a caller who is not an admin.
    func check(_ rule: AccessRule, user: AuthUser, request: HTTPRequest, template: String) throws {
        switch rule {
        case .signedIn, .filteredSearch:
            return
        case .admin:
            throw Self.denied("\(request.method) \(AccessRules.routePath(template)) is for admins only.")
        case .experiment(let need, let field):
            let fields = try RequestFields.from(request)
            guard let id = Self.text(fields.raw(field)) else {
                // No experiment named: the handler answers its missing-parameter error.
                return
            }
            try require(need, user, .experiment, id)
        case .experimentByName(let need):
            let fields = try RequestFields.from(request)
            guard let name = Self.text(fields.raw("experiment_name")) else { return }
            guard let experiment = try tracking.getExperimentByName(name) else {
                throw MLflowError.notFound("Could not find experiment with name \(name)")
            }
            try require(need, user, .experiment, experiment.experimentId)
        case .run(let need):
            let fields = try RequestFields.from(request)
            guard let runId = Self.text(fields.raw("run_id")) ?? Self.text(fields.raw("run_uuid")) else { return }
            guard let experimentId = try tracking.experimentId(ofRun: runId) else {
                throw Self.denied("there is no run \(runId) you may see.")
            }
            try require(need, user, .experiment, experimentId)
        case .runs(let need, let field):
            let fields = try RequestFields.from(request, repeated: [field])
            for runId in (try? fields.stringList(field)) ?? [] {
                guard let experimentId = try tracking.experimentId(ofRun: runId) else {
                    throw MLflowError.notFound("Run with id=\(runId) not found")
                }
                try require(need, user, .experiment, experimentId)
            }
        case .loggedModel(let need):
            guard let modelId = PathParameters(pattern: template, path: request.path)["model_id"] else { return }
            guard let model = try? loggedModels?.getLoggedModel(id: modelId, allowDeleted: true) else {
                throw Self.denied("there is no logged model \(modelId) you may see.")
            }
            try require(need, user, .experiment, model.experimentId)
        case .registeredModel(let need, let mustExist):
            let fields = try RequestFields.from(request)
            guard let name = Self.text(fields.raw("name")) else { return }
            if mustExist, (try? registry?.getRegisteredModel(name: name)) == nil {
                throw Self.denied("there is no registered model '\(name)' you may see.")
            }
            try require(need, user, .registeredModel, name)
        case .transitionRequest(let need):
            guard let request = try transitionRequest(named: request, for: user) else { return }
            try require(need, user, .registeredModel, request.name)
        case .create(let type):
            let fields = try RequestFields.from(request)
            let name = type == .registeredModel ? Self.text(fields.raw("name")) : nil
            // Creating is allowed unless a grant denies it; the default permission does not apply.
            if try store.effectivePermission(userId: user.id, type, name ?? "*") == .deny {
                throw Self.denied("\(user.username) may not create \(type == .experiment ? "experiments" : "registered models").")
            }
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
