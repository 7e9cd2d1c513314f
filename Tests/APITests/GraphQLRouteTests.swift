import JSON
import Testing
@testable import API

/// `/graphql` on a real SQLite store: the queries MLflow's UI sends answer what the REST routes
/// hold, shaped as graphene shapes them (camelCase, int64 as strings, proto defaults, NaN as
/// null), with GraphQL's errors for bad documents and MLflow's for bad HTTP bodies.
@Suite("GraphQL endpoint")
struct GraphQLRouteTests {
    static let getRun = """
        query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
          mlflowGetRun(input: $data) {
            apiError { helpUrl code message }
            run {
              info { runName status runUuid experimentId artifactUri endTime lifecycleStage startTime userId }
              experiment { experimentId name tags { key value } lifecycleStage }
              modelVersions { status version name source }
              data { metrics { key value step timestamp } params { key value } tags { key value } }
              inputs { datasetInputs { dataset { digest name profile schema source sourceType } tags { key value } }
                       modelInputs { modelId } }
              outputs { modelOutputs { modelId step } }
            }
          }
        }
        """

    func graphQL(_ h: APIHarness, _ query: String, variables: JSONValue = .object([]),
                 operationName: String? = nil) -> Reply {
        var members: [(String, JSONValue)] = [("query", .string(query)), ("variables", variables)]
        if let operationName { members.append(("operationName", .string(operationName))) }
        return Reply(h.api.handle(HTTPRequest(method: "POST", target: "/graphql",
                                              headers: [(name: "Content-Type", value: "application/json")],
                                              body: JSONWriter.bytes(.object(members)))))
    }

    @Test func getRunAnswersTheRunItsExperimentAndItsModelVersions() throws {
        let h = try APIHarness()
        let experiment = try h.createExperiment("gql")
        #expect(h.post("/mlflow/experiments/set-experiment-tag",
                       #"{"experiment_id":"\#(experiment)","key":"team","value":"vision"}"#).status == 200)
        let runId = try h.createRun(experimentId: experiment, name: "resnet", startTime: 1_700_000_000_123)
        #expect(h.post("/mlflow/runs/log-batch", """
            {"run_id":"\(runId)","metrics":[{"key":"loss","value":0.25,"timestamp":1700000000456,"step":7},
             {"key":"odd","value":"NaN","timestamp":5,"step":0}],
             "params":[{"key":"lr","value":"0.01"}],"tags":[{"key":"stage","value":"dev"}]}
            """).status == 200)
        #expect(h.post("/mlflow/registered-models/create", #"{"name":"resnet-model"}"#).status == 200)
        #expect(h.post("/mlflow/model-versions/create",
                       #"{"name":"resnet-model","source":"runs:/\#(runId)/model","run_id":"\#(runId)"}"#).status == 200)

        let reply = graphQL(h, Self.getRun, variables: .object([("data", .object([("runId", .string(runId))]))]),
                            operationName: "GetRun")
        #expect(reply.status == 200)
        #expect(reply.json?["errors"] == .null)
        let answer = try #require(reply.json?["data"]?["mlflowGetRun"])
        #expect(answer["apiError"] == .null)
        let run = try #require(answer["run"])
        #expect(run["info"]?["runName"] == .string("resnet"))
        #expect(run["info"]?["runUuid"] == .string(runId))
        #expect(run["info"]?["status"] == .string("RUNNING"))
        #expect(run["info"]?["startTime"] == .string("1700000000123"))
        #expect(run["info"]?["endTime"] == .string("0"))   // unset int64: the proto default, as a string
        #expect(run["info"]?["experimentId"] == .string(experiment))
        #expect(run["experiment"]?["name"] == .string("gql"))
        #expect(run["experiment"]?["tags"] == .array([.object([("key", .string("team")), ("value", .string("vision"))])]))
        #expect(run["modelVersions"] == .array([.object([
            ("status", .string("READY")), ("version", .string("1")), ("name", .string("resnet-model")),
            ("source", .string("runs:/\(runId)/model"))])]))
        let metrics = try #require(run["data"]?["metrics"]?.arrayValue)
        let loss = try #require(metrics.first { $0["key"] == .string("loss") })
        #expect(loss == .object([("key", .string("loss")), ("value", .double(0.25)), ("step", .string("7")),
                                 ("timestamp", .string("1700000000456"))]))
        #expect(metrics.first { $0["key"] == .string("odd") }?["value"] == .null)   // NaN has no GraphQL Float
        #expect(run["data"]?["params"] == .array([.object([("key", .string("lr")), ("value", .string("0.01"))])]))
        #expect(run["data"]?["tags"]?.value(forKey: "stage") == .string("dev"))
        #expect(run["inputs"] == .object([("datasetInputs", .array([])), ("modelInputs", .array([]))]))
        #expect(run["outputs"] == .object([("modelOutputs", .array([]))]))
    }

    @Test func failuresOfOneFieldAnswerNullWithMLflowsMessage() throws {
        let h = try APIHarness()
        let query = "query Q($input: MlflowGetExperimentInput!) { mlflowGetExperiment(input: $input) { experiment { name } } }"
        let missing = graphQL(h, query, variables: .object([("input", .object([("experimentId", .string("999"))]))]))
        #expect(missing.status == 200)
        #expect(missing.json?["data"] == .object([("mlflowGetExperiment", .null)]))
        #expect(missing.json?["errors"] == .array([.string("No Experiment with id=999 exists")]))
        let run = graphQL(h, "{ a: mlflowGetRun(input: {runId: \"nope\"}) { run { info { runId } } } "
                             + "b: mlflowGetExperiment(input: {experimentId: \"0\"}) { experiment { name } } }")
        #expect(run.json?["data"] == .object([("a", .null), ("b", .object([("experiment", .object([("name", .string("Default"))]))]))]))
        #expect(run.json?["errors"] == .array([.string("Run with id=nope not found")]))
    }

    @Test func typenameFragmentsAndDirectivesShapeTheAnswer() throws {
        let h = try APIHarness()
        let reply = graphQL(h, """
            query Q($skip: Boolean!) {
              __typename
              test(inputString: "hi") { __typename output }
              mlflowGetExperiment(input: {experimentId: "0"}) {
                ...E
                ... on MlflowGetExperimentResponse { experiment { experimentId @skip(if: $skip) lifecycleStage } }
                apiError @include(if: false) { code }
              }
            }
            fragment E on MlflowGetExperimentResponse { __typename experiment { name } }
            """, variables: .object([("skip", .bool(true))]))
        #expect(reply.json?["errors"] == .null)
        #expect(reply.json?["data"] == .object([
            ("__typename", .string("Query")),
            ("test", .object([("__typename", .string("Test")), ("output", .string("hi"))])),
            ("mlflowGetExperiment", .object([
                ("__typename", .string("MlflowGetExperimentResponse")),
                ("experiment", .object([("name", .string("Default")), ("lifecycleStage", .string("active"))])),
            ])),
        ]))
        let mutation = graphQL(h, "mutation { testMutation(inputString: \"x\") { output } }")
        #expect(mutation.json?["data"] == .object([("testMutation", .null)]))
    }

    @Test(arguments: [
        ("{ mlflowGetExperiment(input: {experimentId: \"0\"}) { bogus } }",
         "Cannot query field 'bogus' on type 'MlflowGetExperimentResponse'."),
        ("{ mlflowGetRun(input: {runId: 5}) { run { info { runId } } } }",
         "Argument 'input' of field 'Query.mlflowGetRun' has an invalid value: In field 'runId': String cannot represent a non string value: 5"),
        ("{ mlflowGetRun(input: {bogus: \"x\"}) { run { info { runId } } } }",
         "Argument 'input' of field 'Query.mlflowGetRun' has an invalid value: Field 'bogus' is not defined by type 'MlflowGetRunInput'."),
        ("{ mlflowGetRun(nope: 1) { run { info { runId } } } }", "Unknown argument 'nope' on field 'Query.mlflowGetRun'."),
        ("{ mlflowGetRun(input: {runId: \"x\"}) }",
         "Field 'mlflowGetRun' of type 'MlflowGetRunResponse' must have a selection of subfields. Did you mean 'mlflowGetRun { ... }'?"),
        ("{ test(inputString: \"x\") { output { deeper } } }",
         "Field 'output' must not have a selection since type 'String' has no subfields."),
        ("{ ...Missing }", "Unknown fragment 'Missing'."),
        ("query Q($input: MlflowGetExperimentInput!) { mlflowGetExperiment(input: $input) { apiError { code } } }",
         "Variable '$input' of required type 'MlflowGetExperimentInput!' was not provided."),
        ("query A { __typename } query B { __typename }", "Must provide operation name if query contains multiple operations."),
        ("subscription { __typename }", "Subscriptions are not supported."),
        ("{ mlflowSearchRuns(input: {runViewType: SOME}) { runs { info { runId } } } }",
         "Argument 'input' of field 'Query.mlflowSearchRuns' has an invalid value: In field 'runViewType': Value \"SOME\" does not exist in the enum (one of ACTIVE_ONLY, DELETED_ONLY, ALL)."),
    ])
    func invalidDocumentsAnswerDataNullAndTheProblem(query: String, message: String) throws {
        let reply = graphQL(try APIHarness(), query)
        #expect(reply.status == 200)
        #expect(reply.json?["data"] == .null)
        #expect(reply.json?["errors"] == .array([.string(message)]))
    }

    @Test func badHTTPBodiesGetMLflowErrorsAndSyntaxErrorsA400() throws {
        let h = try APIHarness()
        let malformed = h.request("POST", "/graphql", body: "{not json")
        #expect(malformed.status == 400)
        #expect(malformed.errorCode == "MALFORMED_REQUEST")
        let noQuery = h.request("POST", "/graphql", body: #"{"variables":{}}"#)
        #expect(noQuery.status == 400)
        #expect(noQuery.errorCode == "INVALID_PARAMETER_VALUE")
        #expect(h.request("POST", "/graphql", body: #"{"query":"{ __typename }","variables":[1]}"#).errorCode
                == "INVALID_PARAMETER_VALUE")
        #expect(h.request("POST", "/graphql", body: "[1,2]").errorCode == "MALFORMED_REQUEST")
        let syntax = h.request("POST", "/graphql", body: #"{"query":"{ a("}"#)
        #expect(syntax.status == 400)
        #expect(syntax.json?["errors"] == .array([.string("Syntax Error: Expected Name, found <EOF>.")]))
        #expect(h.request("PUT", "/graphql").status == 405)
        let get = h.request("GET", "/graphql?query=%7B%20__typename%20%7D")
        #expect(get.status == 200)
        #expect(get.json?["data"] == .object([("__typename", .string("Query"))]))
        let deep = h.request("POST", "/graphql", body: #"{"query":"{ a { b { c { d { e { f { g { h { i { j { k } } } } } } } } } } }"}"#)
        #expect(deep.json?["errors"] == .array([.string("Query exceeds maximum depth of 10")]))
    }

    @Test func searchRunsListArtifactsAndBulkIntervalAnswerTheirRoutes() throws {
        let h = try APIHarness()
        let experiment = try h.createExperiment("search")
        let first = try h.createRun(experimentId: experiment, name: "first")
        _ = try h.createRun(experimentId: experiment, name: "second")
        let points = (0..<1000).map { #"{"key":"acc","value":\#(Double($0) / 1000),"timestamp":\#($0),"step":\#($0)}"# }
        #expect(h.post("/mlflow/runs/log-batch", #"{"run_id":"\#(first)","metrics":[\#(points.joined(separator: ","))]}"#)
            .status == 200)
        let search = graphQL(h, """
            mutation S($data: MlflowSearchRunsInput!) { mlflowSearchRuns(input: $data) { runs { info { runName } } nextPageToken } }
            """, variables: .object([("data", .object([("experimentIds", .array([.string(experiment)])),
                                                       ("filter", .string("attributes.run_name = 'first'")),
                                                       ("runViewType", .string("ALL")), ("maxResults", .integer(5))]))]))
        #expect(search.json?["errors"] == .null)
        #expect(search.json?["data"]?["mlflowSearchRuns"] == .object([
            ("runs", .array([.object([("info", .object([("runName", .string("first"))]))])])), ("nextPageToken", .string(""))]))
        let bulk = graphQL(h, """
            { mlflowGetMetricHistoryBulkInterval(input: {runIds: ["\(first)"], metricKey: "acc", maxResults: 10}) {
                metrics { step value runId } } }
            """)
        let sampled = try #require(bulk.json?["data"]?["mlflowGetMetricHistoryBulkInterval"]?["metrics"]?.arrayValue)
        #expect(sampled.count >= 10 && sampled.count <= 12)   // evenly spaced steps, first and last kept
        #expect(sampled.first?["step"] == .string("0"))
        #expect(sampled.last?["step"] == .string("999"))
        #expect(sampled.allSatisfy { $0["runId"] == .string(first) })
        let artifacts = graphQL(h, "{ mlflowListArtifacts(input: {runId: \"\(first)\"}) { files { path } nextPageToken } }")
        #expect(artifacts.json?["errors"] == .null)
        #expect(artifacts.json?["data"]?["mlflowListArtifacts"]?["files"] == .array([]))
    }

    @Test func datasetSummariesListEachDatasetAndContextOnce() throws {
        let h = try APIHarness()
        let experiment = try h.createExperiment("data")
        for name in ["a", "b"] {
            let run = try h.createRun(experimentId: experiment, name: name)
            #expect(h.post("/mlflow/runs/log-inputs", """
                {"run_id":"\(run)","datasets":[
                  {"tags":[{"key":"mlflow.data.context","value":"train"}],
                   "dataset":{"name":"iris","digest":"d1","source_type":"local","source":"s"}},
                  {"dataset":{"name":"wine","digest":"d2","source_type":"local","source":"s"}}]}
                """).status == 200)
        }
        let reply = h.post("/mlflow/experiments/search-datasets", #"{"experiment_ids":["\#(experiment)"]}"#,
                           prefix: "/ajax-api/2.0")
        #expect(reply.status == 200)
        #expect(reply.json?["dataset_summaries"] == .array([
            .object([("experiment_id", .string(experiment)), ("name", .string("iris")), ("digest", .string("d1")),
                     ("context", .string("train"))]),
            .object([("experiment_id", .string(experiment)), ("name", .string("wine")), ("digest", .string("d2"))]),
        ]))
        #expect(h.post("/mlflow/experiments/search-datasets", #"{"experiment_ids":[]}"#, prefix: "/ajax-api/2.0").message
                == "SearchDatasets request must specify at least one experiment_id.")
        #expect(h.post("/mlflow/experiments/search-datasets", #"{"experiment_ids":["1"]}"#).status == 404)   // ajax only
        let gql = graphQL(h, "mutation { mlflowSearchDatasets(input: {experimentIds: [\"\(experiment)\"]}) "
                             + "{ datasetSummaries { name context } } }")
        #expect(gql.json?["data"]?["mlflowSearchDatasets"]?["datasetSummaries"] == .array([
            .object([("name", .string("iris")), ("context", .string("train"))]),
            .object([("name", .string("wine")), ("context", .string(""))]),
        ]))
    }

    @Test func eachFieldIsReadAsTheCallerUnderTheRESTRules() throws {
        let h = try AuthHarness(defaultPermission: .noPermissions)
        try h.addUser("u")
        let (_, run, _) = try h.fixtures("gql")
        let body = JSONWriter.bytes(.object([("query", .string(
            "{ mlflowGetRun(input: {runId: \"\(run)\"}) { run { info { runId } } } "
            + "mlflowSearchModelVersions(input: {filter: \"name='model-gql'\"}) { modelVersions { version } } }"))]))
        let denied = h.send("POST", "/graphql", String(decoding: body, as: UTF8.self), as: "u")
        #expect(denied.status == 200)
        #expect(denied.json?["data"]?["mlflowGetRun"] == .null)
        let errors = try #require(denied.json?["errors"]?.arrayValue)
        #expect(errors.count == 1)
        #expect(errors.first?.stringValue?.hasPrefix("Permission denied") == true)
        #expect(denied.json?["data"]?["mlflowSearchModelVersions"]?["modelVersions"] == .array([]))   // narrowed
        let admin = h.send("POST", "/graphql", String(decoding: body, as: UTF8.self), as: "admin")
        #expect(admin.json?["errors"] == .null)
        #expect(admin.json?["data"]?["mlflowGetRun"]?["run"]?["info"]?["runId"] == .string(run))
        #expect(admin.json?["data"]?["mlflowSearchModelVersions"]?["modelVersions"] == .array([.object([("version", .string("1"))])]))
        #expect(h.send("POST", "/graphql", String(decoding: body, as: UTF8.self), as: nil).status == 401)
    }

    @Test func theUIsCompanionReadsAnswerAsMLflowsDoWithoutTraces() throws {
        let h = try APIHarness()
        let info = h.get("/mlflow/server-info", prefix: "/ajax-api/3.0")
        #expect(info.status == 200)
        #expect(info.json?["store_type"] == .string("SqlStore"))
        #expect(info.json?["multipart_uploads_enabled"] == .bool(false))
        #expect(h.get("/mlflow/server-info", prefix: "/api/3.0").status == 200)
        #expect(h.get("/mlflow/server-info", prefix: "/ajax-api/2.0").status == 404)
        #expect(h.get("/mlflow/assistant/providers", prefix: "/ajax-api/3.0").json == .object([("providers", .array([]))]))
        #expect(h.post("/mlflow/traces/search", "{}", prefix: "/ajax-api/3.0").json == .object([]))
        #expect(h.post("/mlflow/datasets/search", #"{"experiment_ids":["0"]}"#, prefix: "/ajax-api/3.0").json == .object([]))
        let count = h.post("/mlflow/traces/metrics", """
            {"experiment_ids":["0"],"view_type":"TRACES","metric_name":"trace_count","aggregations":[{"aggregation_type":"COUNT"}]}
            """, prefix: "/ajax-api/3.0")
        #expect(count.json == .object([("data_points", .array([.object([
            ("metric_name", .string("trace_count")), ("values", .object([("COUNT", .double(0))]))])]))]))
        #expect(h.post("/mlflow/traces/metrics", """
            {"experiment_ids":["0"],"view_type":"TRACES","metric_name":"latency","aggregations":[{"aggregation_type":"AVG"}]}
            """, prefix: "/ajax-api/3.0").json == .object([]))
        #expect(h.post("/mlflow/traces/metrics", #"{"experiment_ids":["0"]}"#, prefix: "/ajax-api/3.0").message?
            .hasPrefix("Missing value for required parameter 'view_type'") == true)
    }
}
