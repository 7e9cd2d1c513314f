import Auth

/// What a route asks of its caller, declared with the route (`Route.access`) after MLflow's
/// basic-auth validators (docs/notes/mlflow-auth.md §5). Admins pass every rule but `.admin`'s
/// companions in the promotion policy. A rule reads its resource from the route's one
/// `RouteRequest` through the same accessors the handler uses (`RequestFields+Identifiers`), so a
/// field that the handler would refuse is refused here first, with the handler's message.
indirect enum AccessRule: Sendable {
    /// Anyone, signed in or not: health, version, the 3.0 server info, the sign-in pages.
    case publicRoute
    /// Any signed-in user (the caller's own account, the UI's empty companions).
    case signedIn
    /// Admins only.
    case admin
    /// The experiment named by `experiment_id` needs the capability; an unknown one is refused (403)
    /// like one the caller may not read.
    case experiment(Permission.Need, field: String)
    /// The experiment named by an optional string field (`scorers/list`'s `experiment_id`): when
    /// given and not empty, as `.experiment`; absent, the handler answers only what the caller may read.
    case experimentNamed(Permission.Need, field: String)
    /// The experiment a header names (OTLP's `x-mlflow-experiment-id`, the body being spans): as
    /// `.experiment`; a missing header is the handler's 400.
    case experimentInHeader(Permission.Need, header: String)
    /// The experiment found by `experiment_name`: MLflow's 404 when there is none, and the same 404
    /// for one the caller may not read.
    case experimentByName(Permission.Need)
    /// The run (`run_id`, else `run_uuid`) of an experiment that needs the capability; an unknown run is 403.
    case run(Permission.Need)
    /// A run named by an optional field (`source_run_id`): when given, as `.run`.
    case runNamed(Permission.Need, field: String)
    /// Every run listed in a repeated field (`run_id`, `run_ids`); an unknown run is 403, as for `.run`.
    case runs(Permission.Need, field: String)
    /// The logged model named by the `{model_id}` path parameter; its experiment needs the capability.
    case loggedModel(Permission.Need)
    /// The logged models a write also touches (`model_id` of a message, or of each element of a
    /// repeated message): each one's experiment needs the capability; an unknown one is 403.
    case loggedModelsNamed(Permission.Need, LoggedModelReference)
    /// The trace named by the `{trace_id}` path parameter (or each of a `trace_ids` list): its
    /// experiment needs the capability; an unknown trace is 403, as a hidden one is.
    case trace(Permission.Need)
    case traces(Permission.Need, field: String)
    /// The trace named by a string field (`get-trace-artifact`'s `request_id` query parameter).
    case traceNamed(Permission.Need, field: String)
    /// A new trace (`StartTraceV3`): the experiment its `trace_location` names needs the capability.
    case newTrace(Permission.Need)
    /// The evaluation dataset named by the `{dataset_id}` path parameter: a dataset takes its
    /// experiments' permissions. Reading needs READ on one of them; any other need (EDIT for its
    /// records, tags and links, MANAGE to delete it) needs that on every one, and READ on one. An
    /// unknown dataset, and one linked to no experiment, are refused (403) as a hidden one is.
    case dataset(Permission.Need)
    /// The experiments a dataset request links (`experiment_ids` of datasets/create and
    /// add-experiments), read canonically: each needs the capability (an unknown one is 403), and a
    /// non-admin must name at least one, so no dataset is left that only admins could read.
    case datasetExperiments(Permission.Need)
    /// The registered model named by `name`. An unknown model is refused (403) like one the caller
    /// may not read: letting an unknown name through to the handler's 404 while a hidden one got
    /// 403 told which names exist.
    case registeredModel(Permission.Need)
    /// What a new model version is made from (`model-versions/create`): READ on its run, its
    /// logged model, a registered model its `models:/` source names, and an object-store source
    /// only inside the artifact root of a run or logged model the caller may read.
    case modelVersionSource
    /// The transition request named by `request_id`: its registered model needs the capability;
    /// an unknown request is 403.
    case transitionRequest(Permission.Need)
    /// Creating an experiment or a registered model: allowed unless a DENY covers it.
    case create(ResourceType)
    /// A name field (`name`, `new_name`) may not be what grants read as "every resource" (`*`): the
    /// creator's MANAGE on a model named `*` would be MANAGE on every model.
    case notAGrantPattern(field: String)
    /// Where a non-admin's new experiment keeps its artifacts: only in the server's proxied store,
    /// as a host-less `mlflow-artifacts:/<path>` that is neither inside, around nor equal to another
    /// experiment's location nor at the proxy's root nor where the server numbers new experiments.
    /// Anything else is for admins: a path or `file:` URI names files the server reads; an object
    /// store (`s3://`, `gs://`, `wasbs://`, ...) sends the server's credentials to any bucket; a
    /// location naming a host (`mlflow-artifacts://host/`, `http(s)://host/...`) sends every reader's
    /// credentials there, since the mlflow client talks to that host itself (break-in review 2).
    /// Read through `RequestFields.experimentArtifactLocation`, resolved as the handler stores it.
    case experimentArtifactLocation
    /// An experiment tag write whose `key` is `key` (exactly, as the handler stores and the trace
    /// retention reads it) needs the capability on the experiment beyond the tag write's own:
    /// setting or removing `swiftrack.traceRetention` deletes traces, which takes DELETE.
    case experimentTagKey(Permission.Need, key: String)
    /// A search: allowed; the handler answers only what the caller may read.
    case filteredSearch
    /// Deciding a transition request other than approving it (whose policy is judged inside its
    /// write, `AccessControl.approveMove`): rejecting one for a protected target needs the governance
    /// role; only its author cancels one. Binds admins too.
    case transitionDecision(TransitionDecision)
    /// Every rule in turn.
    case all([AccessRule])
}

/// A decision on a transition request that closes it without a move.
enum TransitionDecision: Sendable {
    case reject
    case cancel
}

/// Where a write names the logged models it touches besides its run.
enum LoggedModelReference: Sendable {
    /// A string field of the request (`log-metric`'s `model_id`).
    case field(String)
    /// The `model_id` of each message in a repeated field (`log-batch`'s `metrics`, `outputs`' `models`).
    case inMessages(String)
}
