import GraphQL
import JSON

/// MLflow's GraphQL schema (`mlflow/server/graphql/`, mlflow 3.17): the queries its UI sends to
/// `/graphql`, each answered by the REST route of the same name through `GraphQLCalls`.
enum MLflowGraphQLSchema {
    static let schema = GraphQLSchema(objects: objects, inputs: inputs, queryType: "Query", mutationType: "Mutation")

    private static let string = GraphQLOutputType.leaf(.string)
    private static let long = GraphQLOutputType.leaf(.long)
    private static let float = GraphQLOutputType.leaf(.float)
    private static let boolean = GraphQLOutputType.leaf(.boolean)
    private static func list(_ name: String) -> GraphQLOutputType { .list(.object(name)) }
    private static let apiError = ["apiError": GraphQLFieldSpec(.object("ApiError"), jsonKey: nil)]
    private static let keyValue: KeyValuePairs<String, GraphQLOutputType> = ["key": .leaf(.string), "value": .leaf(.string)]

    private static let objects: [GraphQLObjectType] = [
        GraphQLObjectType("Query", [:], extra: queryFields),
        GraphQLObjectType("Mutation", [:], extra: mutationFields),
        GraphQLObjectType("ApiError", ["code": string, "message": string, "help_url": string, "trace_id": string,
                                       "error_details": list("ErrorDetail")]),
        GraphQLObjectType("ErrorDetail", ["field": string, "message": string]),
        GraphQLObjectType("Test", ["output": string]),
        GraphQLObjectType("TestMutation", ["output": string]),
        GraphQLObjectType("MlflowGetExperimentResponse", ["experiment": .object("MlflowExperiment")], extra: apiError),
        GraphQLObjectType("MlflowExperiment", [
            "experiment_id": string, "name": string, "artifact_location": string, "lifecycle_stage": string,
            "last_update_time": long, "creation_time": long, "tags": list("MlflowExperimentTag"),
            "effective_trace_archival_retention": string, "workspace": string]),
        GraphQLObjectType("MlflowExperimentTag", keyValue),
        GraphQLObjectType("MlflowGetMetricHistoryBulkIntervalResponse", ["metrics": list("MlflowMetricWithRunId")],
                          extra: apiError),
        GraphQLObjectType("MlflowMetricWithRunId", ["key": string, "value": float, "timestamp": long, "step": long,
                                                    "run_id": string]),
        GraphQLObjectType("MlflowGetRunResponse", ["run": .object("MlflowRunExtension")], extra: apiError),
        GraphQLObjectType("MlflowSearchRunsResponse", ["runs": list("MlflowRunExtension"), "next_page_token": string],
                          extra: apiError),
        GraphQLObjectType("MlflowRunExtension", [
            "info": .object("MlflowRunInfo"), "data": .object("MlflowRunData"), "inputs": .object("MlflowRunInputs"),
            "outputs": .object("MlflowRunOutputs")], extra: [
                "experiment": GraphQLFieldSpec(.object("MlflowExperiment"), jsonKey: nil, resolve: runExperiment),
                "modelVersions": GraphQLFieldSpec(list("MlflowModelVersion"), jsonKey: nil, resolve: runModelVersions),
            ]),
        GraphQLObjectType("MlflowRunInfo", [
            "run_id": string, "run_uuid": string, "run_name": string, "experiment_id": string, "user_id": string,
            "status": .leaf(.enumeration(defaultName: "RUNNING")), "start_time": long, "end_time": long,
            "artifact_uri": string, "lifecycle_stage": string]),
        GraphQLObjectType("MlflowRunData", ["metrics": list("MlflowMetricExtension"), "params": list("MlflowParam"),
                                            "tags": list("MlflowRunTag")]),
        GraphQLObjectType("MlflowMetricExtension", [
            "key": string, "value": float, "timestamp": long, "step": long, "dataset_name": string,
            "dataset_digest": string, "model_id": string, "run_id": string]),
        GraphQLObjectType("MlflowParam", keyValue),
        GraphQLObjectType("MlflowRunTag", keyValue),
        GraphQLObjectType("MlflowRunInputs", ["dataset_inputs": list("MlflowDatasetInput"),
                                              "model_inputs": list("MlflowModelInput")]),
        GraphQLObjectType("MlflowDatasetInput", ["tags": list("MlflowInputTag"), "dataset": .object("MlflowDataset")]),
        GraphQLObjectType("MlflowInputTag", keyValue),
        GraphQLObjectType("MlflowDataset", ["name": string, "digest": string, "source_type": string, "source": string,
                                            "schema": string, "profile": string]),
        GraphQLObjectType("MlflowModelInput", ["model_id": string]),
        GraphQLObjectType("MlflowRunOutputs", ["model_outputs": list("MlflowModelOutput")]),
        GraphQLObjectType("MlflowModelOutput", ["model_id": string, "step": long]),
        GraphQLObjectType("MlflowListArtifactsResponse", ["root_uri": string, "files": list("MlflowFileInfo"),
                                                          "next_page_token": string], extra: apiError),
        GraphQLObjectType("MlflowFileInfo", ["path": string, "is_dir": boolean, "file_size": long]),
        GraphQLObjectType("MlflowSearchModelVersionsResponse", ["model_versions": list("MlflowModelVersion"),
                                                                "next_page_token": string], extra: apiError),
        GraphQLObjectType("MlflowModelVersion", [
            "name": string, "version": string, "creation_timestamp": long, "last_updated_timestamp": long,
            "user_id": string, "current_stage": string, "description": string, "source": string, "run_id": string,
            "status": .leaf(.enumeration(defaultName: "PENDING_REGISTRATION")), "status_message": string,
            "tags": list("MlflowModelVersionTag"), "run_link": string, "aliases": .list(string), "model_id": string,
            "model_params": list("MlflowModelParam"), "model_metrics": list("MlflowModelMetric"),
            "deployment_job_state": .object("MlflowModelVersionDeploymentJobState")]),
        GraphQLObjectType("MlflowModelVersionTag", keyValue),
        GraphQLObjectType("MlflowModelParam", ["name": string, "value": string]),
        GraphQLObjectType("MlflowModelMetric", [
            "key": string, "value": float, "timestamp": long, "step": long, "dataset_name": string,
            "dataset_digest": string, "model_id": string, "run_id": string]),
        GraphQLObjectType("MlflowModelVersionDeploymentJobState", [
            "job_id": string, "run_id": string,
            "job_state": .leaf(.enumeration(defaultName: "DEPLOYMENT_JOB_CONNECTION_STATE_UNSPECIFIED")),
            "run_state": .leaf(.enumeration(defaultName: "DEPLOYMENT_JOB_RUN_STATE_UNSPECIFIED")),
            "current_task_name": string]),
        GraphQLObjectType("MlflowSearchDatasetsResponse", ["dataset_summaries": list("MlflowDatasetSummary")],
                          extra: apiError),
        GraphQLObjectType("MlflowDatasetSummary", ["experiment_id": string, "name": string, "digest": string,
                                                   "context": string]),
    ]

    private static let inputs: [GraphQLInputObjectType] = [
        GraphQLInputObjectType("MlflowGetExperimentInput", ["experimentId": .string]),
        GraphQLInputObjectType("MlflowGetMetricHistoryBulkIntervalInput", [
            "runIds": .list(.string), "metricKey": .string, "startStep": .int, "endStep": .int, "maxResults": .int]),
        GraphQLInputObjectType("MlflowGetRunInput", ["runId": .string, "runUuid": .string]),
        GraphQLInputObjectType("MlflowListArtifactsInput", [
            "runId": .string, "runUuid": .string, "path": .string, "pageToken": .string]),
        GraphQLInputObjectType("MlflowSearchModelVersionsInput", [
            "filter": .string, "maxResults": .long, "orderBy": .list(.string), "pageToken": .string]),
        GraphQLInputObjectType("MlflowSearchRunsInput", [
            "experimentIds": .list(.string), "filter": .string,
            "runViewType": .enumeration(["ACTIVE_ONLY", "DELETED_ONLY", "ALL"]), "maxResults": .int,
            "orderBy": .list(.string), "pageToken": .string]),
        GraphQLInputObjectType("MlflowSearchDatasetsInput", ["experimentIds": .list(.string)]),
    ]

    private static let searchRuns = GraphQLFieldSpec(.object("MlflowSearchRunsResponse"), jsonKey: nil,
                                                     arguments: ["input": .object("MlflowSearchRunsInput")]) { context throws(GraphQLFieldError) in
        try context.calls.post("/mlflow/runs/search", restInput(context))
    }

    private static let queryFields: [String: GraphQLFieldSpec] = [
        "test": GraphQLFieldSpec(.object("Test"), jsonKey: nil, arguments: ["inputString": .string]) { context in
            .object([("output", context.arguments["inputString"] ?? .null)])
        },
        "mlflowGetExperiment": GraphQLFieldSpec(.object("MlflowGetExperimentResponse"), jsonKey: nil,
                                                arguments: ["input": .object("MlflowGetExperimentInput")]) { context throws(GraphQLFieldError) in
            try context.calls.get("/mlflow/experiments/get", restQuery(context))
        },
        "mlflowGetMetricHistoryBulkInterval": GraphQLFieldSpec(
            .object("MlflowGetMetricHistoryBulkIntervalResponse"), jsonKey: nil,
            arguments: ["input": .object("MlflowGetMetricHistoryBulkIntervalInput")]) { context throws(GraphQLFieldError) in
            try context.calls.get("/mlflow/metrics/get-history-bulk-interval", restQuery(context))
        },
        "mlflowGetRun": GraphQLFieldSpec(.object("MlflowGetRunResponse"), jsonKey: nil,
                                         arguments: ["input": .object("MlflowGetRunInput")]) { context throws(GraphQLFieldError) in
            try context.calls.get("/mlflow/runs/get", restQuery(context))
        },
        "mlflowListArtifacts": GraphQLFieldSpec(.object("MlflowListArtifactsResponse"), jsonKey: nil,
                                                arguments: ["input": .object("MlflowListArtifactsInput")]) { context throws(GraphQLFieldError) in
            try context.calls.get("/mlflow/artifacts/list", restQuery(context))
        },
        "mlflowSearchModelVersions": GraphQLFieldSpec(
            .object("MlflowSearchModelVersionsResponse"), jsonKey: nil,
            arguments: ["input": .object("MlflowSearchModelVersionsInput")]) { context throws(GraphQLFieldError) in
            try context.calls.get("/mlflow/model-versions/search", restQuery(context))
        },
        "mlflowSearchRuns": searchRuns,
    ]

    private static let mutationFields: [String: GraphQLFieldSpec] = [
        // MLflow's resolver is named for another field, so graphene answers null; kept as it is.
        "testMutation": GraphQLFieldSpec(.object("TestMutation"), jsonKey: nil, arguments: ["inputString": .string]) { _ in nil },
        "mlflowSearchDatasets": GraphQLFieldSpec(.object("MlflowSearchDatasetsResponse"), jsonKey: nil,
                                                 arguments: ["input": .object("MlflowSearchDatasetsInput")]) { context throws(GraphQLFieldError) in
            try context.calls.post("/mlflow/experiments/search-datasets", restInput(context))
        },
        "mlflowSearchRuns": searchRuns,
    ]

    /// A run's experiment, as `experiments/get` answers it.
    private static let runExperiment: GraphQLResolver = { context throws(GraphQLFieldError) in
        guard case .string(let id)? = context.parent["info"]?["experiment_id"] else { return nil }
        return try context.calls.get("/mlflow/experiments/get", [("experiment_id", .string(id))])["experiment"]
    }

    /// The model versions made from a run.
    private static let runModelVersions: GraphQLResolver = { context throws(GraphQLFieldError) in
        guard case .string(let id)? = context.parent["info"]?["run_id"] else { return nil }
        let found = try context.calls.get("/mlflow/model-versions/search", [("filter", .string("run_id='\(id)'"))])
        return found["model_versions"] ?? .array([])
    }

    /// The `input` argument with snake_case keys, as a REST body.
    private static func restInput(_ context: GraphQLResolveContext) -> JSONValue {
        guard case .object(let members)? = context.arguments["input"] else { return .object([]) }
        return .object(members.compactMap { key, value in
            if case .null = value { return nil }
            return (GraphQLNames.snakeCase(key), value)
        })
    }

    private static func restQuery(_ context: GraphQLResolveContext) -> [(String, JSONValue)] {
        guard case .object(let members) = restInput(context) else { return [] }
        return members
    }
}
