import Observability

extension AuditResources {
    /// What a routed request names, read as its route's access rule reads it (the same accessors on
    /// the same `RouteRequest`, so the record names the resource that was checked and used), plus the
    /// ids its handler said it created. A field the route does not read is not recorded; a field that
    /// does not parse is left out (the answer says why).
    /// A route that names a trace records the trace's experiment (`traceExperiment`, looked up after
    /// the fact; nil when unknown). Experiment ids are recorded in their canonical spelling (`+02` is
    /// experiment `2` to the store and the access check, so to the record too).
    init(rule: AccessRule, request: RouteRequest, events: [RouteEvent],
         traceExperiment: (String) -> String? = { _ in nil }, datasetExperiment: (String) -> String? = { _ in nil }) {
        self.init()
        add(rule, request, traceExperiment, datasetExperiment)
        for event in events {
            switch event {
            case .experimentCreated(let id): experimentId = id
            case .runCreated(let id): runId = id
            case .loggedModelCreated(let id): loggedModelId = id
            case .sealRequired(let name, let version, let digest):
                sealDigest = digest
                registeredModelName = registeredModelName ?? name
                modelVersion = modelVersion ?? version
            case .registry(.modelVersionCreated(let name, let version, _, _, _, _)):
                (registeredModelName, modelVersion) = (name, version)
            case .registry: continue
            }
        }
        experimentId = experimentId.map(Self.canonicalExperimentId)
    }

    /// An experiment id as the store reads it (a decimal integer), else as sent.
    static func canonicalExperimentId(_ id: String) -> String {
        Int64(id).map(String.init) ?? id
    }

    private mutating func add(_ rule: AccessRule, _ request: RouteRequest, _ traceExperiment: (String) -> String?,
                              _ datasetExperiment: (String) -> String?) {
        let fields = try? request.fields()
        switch rule {
        case .experiment:
            experimentId = try? fields?.experimentId()
        case .experimentNamed(_, let field):
            experimentId = (try? fields?.string(field)).flatMap { $0 }.flatMap { $0.isEmpty ? nil : $0 }
        case .experimentInHeader(_, let header):
            experimentId = try? request.experimentId(header: header)
        case .run:
            runId = try? fields?.runId()
        case .runNamed(_, let field):
            runId = (try? fields?.string(field)) ?? nil
        case .modelVersionSource:
            // The fields `checkModelVersionSource` reads (besides the source URI).
            runId = (try? fields?.string("run_id")) ?? nil
            loggedModelId = (try? fields?.string("model_id")) ?? nil
        case .runs(_, let field):
            if let ids = try? fields?.stringList(field), ids.count == 1 { runId = ids[0] }
        case .loggedModel:
            loggedModelId = request.parameters["model_id"]
        case .newTrace:
            experimentId = try? fields?.startedTrace().experimentId
        case .registeredModel, .create(.registeredModel):
            registeredModelName = try? fields?.registeredModelName()
            modelVersion = try? fields?.version()
        case .trace:
            experimentId = request.parameters["trace_id"].flatMap(traceExperiment)
        case .traceNamed(_, let field):
            experimentId = ((try? fields?.string(field)) ?? nil).flatMap(traceExperiment)
        case .traces(_, let field):
            if experimentId == nil, let ids = try? fields?.stringList(field), ids.count == 1 {
                experimentId = traceExperiment(ids[0])
            }
        case .dataset:
            // The dataset's first experiment by id, read once the request is answered (the audit
            // record has no column for a dataset id, and its template keeps `{dataset_id}`).
            if experimentId == nil { experimentId = request.parameters["dataset_id"].flatMap(datasetExperiment) }
        case .datasetExperiments:
            if experimentId == nil, let ids = try? fields?.datasetExperimentIds(), let first = ids.first { experimentId = first }
        case .all(let rules):
            for rule in rules { add(rule, request, traceExperiment, datasetExperiment) }
        case .publicRoute, .signedIn, .admin, .experimentByName, .loggedModelsNamed, .transitionRequest, .create,
             .notAGrantPattern, .experimentArtifactLocation, .filteredSearch, .transitionDecision, .trace, .traces,
             .traceNamed, .experimentTagKey:
            // A trace's id is in the recorded path.
            return
        }
    }
}
