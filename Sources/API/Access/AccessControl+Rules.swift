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
            try requireExperiment(need, user, try request.fields().experimentId())
        case .experimentInHeader(let need, let header):
            try requireExperiment(need, user, try request.experimentId(header: header))
        case .experimentTagKey(let need, let key):
            if try request.fields().requiredString("key") == key {
                try requireExperiment(need, user, try request.fields().experimentId())
            }
        case .experimentNamed(let need, let field):
            guard let experimentId = try request.fields().string(field), !experimentId.isEmpty else { return }
            try requireExperiment(need, user, experimentId)
        case .experimentByName(let need):
            // MLflow's own 404 for a missing name, which the client reads as "absent" (`set_experiment`
            // then creates it); a hidden experiment gets the same answer.
            let name = try request.fields().experimentName()
            let absent = MLflowError.notFound("Could not find experiment with name \(name)")
            guard let experiment = try tracking.getExperimentByName(name) else { throw absent }
            try require(need, user, .experiment, experiment.experimentId, unseen: absent)
        case .run(let need):
            try requireRun(need, user, try request.fields().runId())
        case .runNamed(let need, let field):
            guard let runId = try request.fields().string(field), !runId.isEmpty else { return }
            try requireRun(need, user, runId)
        case .runs(let need, let field):
            for runId in try request.fields().stringList(field) {
                try requireRun(need, user, runId)
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
        case .trace(let need):
            guard let traceId = request.parameters["trace_id"] else { throw Self.denied("the route names no trace.") }
            try requireTrace(need, user, traceId)
        case .traces(let need, let field):
            for traceId in try request.fields().stringList(field) {
                try requireTrace(need, user, traceId)
            }
        case .traceNamed(let need, let field):
            // A missing id is the handler's own 400; present, it must name a trace she may see.
            guard let traceId = try request.fields().string(field), !traceId.isEmpty else { return }
            try requireTrace(need, user, traceId)
        case .dataset(let need):
            guard let datasetId = request.parameters["dataset_id"] else { throw Self.denied("the route names no dataset.") }
            try requireDataset(need, user, datasetId)
        case .datasetExperiments(let need):
            let experimentIds = try request.fields().datasetExperimentIds()
            guard !experimentIds.isEmpty else {
                throw Self.denied("a dataset linked to no experiment is for admins only; name its experiment_ids.")
            }
            for experimentId in experimentIds { try requireExperiment(need, user, experimentId) }
        case .newTrace(let need):
            try requireExperiment(need, user, try request.fields().startedTrace().experimentId)
        case .registeredModel(let need):
            // An unknown model is refused like one the caller may not read.
            let name = try request.fields().registeredModelName()
            try require(need, user, .registeredModel, name, exists: { try registeredModelExists(name) })
        case .modelVersionSource:
            try checkModelVersionSource(user, fields: try request.fields())
        case .transitionRequest(let need):
            let id = try request.fields().transitionRequestId()
            let found = try transitionRequest(id: id, for: user)
            try require(need, user, .registeredModel, found.name, unseen: Self.unseenTransitionRequest(id))
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
        case .experimentArtifactLocation:
            guard let location = try request.fields().experimentArtifactLocation() else { return }
            guard location.hasPrefix("mlflow-artifacts:/"), !location.hasPrefix("mlflow-artifacts://") else {
                throw Self.denied("only an admin may choose where an experiment's artifacts live ('\(location)'); "
                                  + "leave artifact_location out, or name a place in the server's artifact store "
                                  + "as mlflow-artifacts:/<path>.")
            }
            try checkProxiedLocation(location)
        case .transitionDecision:
            return   // checked for every caller first (`checkSeparationOfDuties`)
        case .all(let rules):
            for rule in rules { try check(rule, user: user, request: request) }
        }
    }

    /// The experiment needs `need`; an unknown one is refused (403) as one the caller may not read.
    func requireExperiment(_ need: Permission.Need, _ user: AuthUser, _ experimentId: String) throws {
        try require(need, user, .experiment, experimentId, exists: {
            do {
                _ = try tracking.getExperiment(id: experimentId)
                return true
            } catch let error as MLflowError where error.code == .resourceDoesNotExist {
                return false
            }
        })
    }

    /// The run's experiment needs `need`; an unknown run is refused (403), never passed, with the
    /// words a run the caller may not read gets (which never name its experiment).
    func requireRun(_ need: Permission.Need, _ user: AuthUser, _ runId: String) throws {
        let unseen = Self.denied("there is no run \(runId) you may see.")
        guard let experimentId = try tracking.experimentId(ofRun: runId) else { throw unseen }
        try require(need, user, .experiment, experimentId, unseen: unseen)
    }

    /// The logged model's experiment needs `need`; an unknown model is refused (403) as a hidden one is.
    func requireLoggedModel(_ need: Permission.Need, _ user: AuthUser, _ modelId: String) throws {
        let model = try loggedModel(modelId)
        try require(need, user, .experiment, model.experimentId, unseen: Self.unseenLoggedModel(modelId))
    }

    /// The trace's experiment needs `need`; an unknown trace (or no trace store) is refused (403)
    /// with the words a hidden one gets.
    func requireTrace(_ need: Permission.Need, _ user: AuthUser, _ traceId: String) throws {
        let unseen = Self.denied("there is no trace \(traceId) you may see.")
        guard let traces, let experimentId = try traces.experimentId(ofTrace: traceId) else { throw unseen }
        try require(need, user, .experiment, experimentId, unseen: unseen)
    }

    /// A dataset takes its experiments' permissions: READ on one of them shows it; any other need is
    /// needed on every one. An unknown dataset (or no dataset store), and one linked to no
    /// experiment, are refused with the words a hidden one gets.
    func requireDataset(_ need: Permission.Need, _ user: AuthUser, _ datasetId: String) throws {
        let unseen = Self.denied("there is no dataset \(datasetId) you may see.")
        guard let datasets, let experimentIds = try datasets.datasetExperimentIds(id: datasetId), !experimentIds.isEmpty else {
            throw unseen
        }
        var readable = false
        for experimentId in experimentIds where try permission(user, .experiment, experimentId).canRead {
            readable = true
            break
        }
        guard readable else { throw unseen }
        guard need != .read else { return }
        for experimentId in experimentIds {
            let level = try permission(user, .experiment, experimentId)
            guard level.allows(need) else {
                throw Self.denied("\(Self.verb(need)) dataset \(datasetId) needs \(Self.minimum(need)) permission on each "
                                  + "of its experiments; \(user.username) has \(level.rawValue) on experiment \(experimentId).")
            }
        }
    }

    static func unseenLoggedModel(_ modelId: String) -> MLflowError {
        denied("there is no logged model \(modelId) you may see.")
    }

    static func unseenTransitionRequest(_ id: Int64) -> MLflowError {
        denied("there is no transition request \(id) you may see.")
    }

    /// The logged model, deleted or not; 403 when there is none (or no logged-model store).
    func loggedModel(_ modelId: String) throws -> LoggedModel {
        guard let loggedModels else { throw Self.unseenLoggedModel(modelId) }
        do {
            return try loggedModels.getLoggedModel(id: modelId, allowDeleted: true)
        } catch let error as MLflowError where error.code == .resourceDoesNotExist {
            throw Self.unseenLoggedModel(modelId)
        }
    }

    /// 403 when the registered model does not exist (or there is no registry); lookup failures propagate.
    func requireRegisteredModelExists(_ name: String) throws {
        guard try registeredModelExists(name) else { throw Self.unseen(.registeredModel, name) }
    }

    /// Whether the registered model exists (false without a registry); lookup failures propagate.
    func registeredModelExists(_ name: String) throws -> Bool {
        guard let registry else { return false }
        do {
            _ = try registry.getRegisteredModel(name: name)
            return true
        } catch let error as MLflowError where error.code == .resourceDoesNotExist {
            return false
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
