"""`/graphql`, as MLflow's UI uses it: the queries its run and experiment pages send (copied from
the wheel's UI bundle), answered with the same values, shapes and errors as MLflow's graphene
schema. Runs against both servers (check mode proves the expectations describe MLflow)."""
import math

import pytest

from conftest import TARGET

GET_RUN = """
query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
    mlflowGetRun(input: $data) {
      apiError { helpUrl code message }
      run {
        info { runName status runUuid experimentId artifactUri endTime lifecycleStage startTime userId }
        experiment { experimentId name tags { key value } artifactLocation lifecycleStage lastUpdateTime }
        modelVersions { status version name source }
        data { metrics { key value step timestamp } params { key value } tags { key value } }
        inputs {
          datasetInputs { dataset { digest name profile schema source sourceType } tags { key value } }
          modelInputs { modelId }
        }
        outputs { modelOutputs { modelId step } }
      }
    }
  }
"""

GET_EXPERIMENT = """
query MlflowGetExperimentQuery($input: MlflowGetExperimentInput!) @component(name: "MLflow.ExperimentRunTracking") {
    mlflowGetExperiment(input: $input) {
      apiError { code message }
      experiment {
        artifactLocation creationTime effectiveTraceArchivalRetention experimentId lastUpdateTime lifecycleStage name
        tags { key value }
      }
    }
  }
"""

BULK = """
query GetMetricHistoryBulkInterval($data: MlflowGetMetricHistoryBulkIntervalInput!)
  @component(name: "MLflow.ExperimentRunTracking") {
    mlflowGetMetricHistoryBulkInterval(input: $data) {
      __typename
      metrics { timestamp step runId key value }
      apiError { code message }
    }
  }
"""


def graphql(api, query, variables=None, operation=None):
    body = {"query": query, "variables": variables or {}}
    if operation:
        body["operationName"] = operation
    return api.post("/graphql", body)


@pytest.fixture
def seeded(client, unique):
    experiment = client.create_experiment("gql-" + unique, tags={"team": "vision"})
    run = client.create_run(experiment, run_name="resnet", tags={"stage": "dev"})
    run_id = run.info.run_id
    for step in range(30):
        client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step, timestamp=1_700_000_000_000 + step)
    client.log_metric(run_id, "odd", math.nan, step=0, timestamp=5)
    client.log_param(run_id, "lr", "0.01")
    client.set_terminated(run_id)
    model = "gql-model-" + unique
    client.create_registered_model(model)
    client.create_model_version(model, f"runs:/{run_id}/model", run_id=run_id)
    return {"experiment": experiment, "run": run_id, "model": model}


def test_get_run_answers_the_run_with_its_experiment_and_model_versions(api, client, seeded):
    reply = graphql(api, GET_RUN, {"data": {"runId": seeded["run"]}}, "GetRun")
    assert reply.status_code == 200
    body = reply.json()
    assert body["errors"] is None
    answer = body["data"]["mlflowGetRun"]
    assert answer["apiError"] is None
    run = answer["run"]
    info = client.get_run(seeded["run"]).info
    assert run["info"] == {
        "runName": "resnet", "status": "FINISHED", "runUuid": seeded["run"], "experimentId": seeded["experiment"],
        "artifactUri": info.artifact_uri, "endTime": str(info.end_time), "lifecycleStage": "active",
        "startTime": str(info.start_time), "userId": info.user_id}
    assert run["experiment"]["experimentId"] == seeded["experiment"]
    assert run["experiment"]["tags"] == [{"key": "team", "value": "vision"}]
    assert run["modelVersions"] == [{"status": "READY", "version": "1", "name": seeded["model"],
                                     "source": f"runs:/{seeded['run']}/model"}]
    metrics = {m["key"]: m for m in run["data"]["metrics"]}
    assert metrics["loss"] == {"key": "loss", "value": 1.0 / 30, "step": "29", "timestamp": "1700000000029"}
    assert metrics["odd"]["value"] is None   # NaN: graphene's Float has no NaN
    assert run["data"]["params"] == [{"key": "lr", "value": "0.01"}]
    assert {"key": "stage", "value": "dev"} in run["data"]["tags"]
    assert run["inputs"] == {"datasetInputs": [], "modelInputs": []}
    assert run["outputs"] == {"modelOutputs": []}


def test_get_experiment_and_missing_things(api, seeded):
    reply = graphql(api, GET_EXPERIMENT, {"input": {"experimentId": seeded["experiment"]}})
    experiment = reply.json()["data"]["mlflowGetExperiment"]["experiment"]
    assert experiment["experimentId"] == seeded["experiment"]
    assert experiment["effectiveTraceArchivalRetention"] == ""
    assert experiment["lifecycleStage"] == "active"
    assert int(experiment["creationTime"]) > 0 and isinstance(experiment["creationTime"], str)
    missing = graphql(api, GET_EXPERIMENT, {"input": {"experimentId": "987654"}}).json()
    assert missing == {"data": {"mlflowGetExperiment": None}, "errors": ["No Experiment with id=987654 exists"]}
    no_run = graphql(api, GET_RUN, {"data": {"runId": "0" * 32}}).json()
    assert no_run["data"] == {"mlflowGetRun": None}
    assert no_run["errors"] == [f"Run with id={'0' * 32} not found"]
    unset = graphql(api, GET_EXPERIMENT).json()
    assert unset == {"data": None,
                     "errors": ["Variable '$input' of required type 'MlflowGetExperimentInput!' was not provided."]}


def test_bulk_interval_samples_the_history(api, seeded):
    reply = graphql(api, BULK, {"data": {"runIds": [seeded["run"]], "metricKey": "loss", "maxResults": 320}}).json()
    answer = reply["data"]["mlflowGetMetricHistoryBulkInterval"]
    assert answer["__typename"] == "MlflowGetMetricHistoryBulkIntervalResponse"
    assert answer["apiError"] is None
    assert [m["step"] for m in answer["metrics"]] == [str(s) for s in range(30)]
    assert answer["metrics"][0] == {"timestamp": "1700000000000", "step": "0", "runId": seeded["run"], "key": "loss",
                                    "value": 1.0}


def test_documents_are_validated_before_they_run(api):
    unknown = graphql(api, "{ mlflowGetExperiment(input: {experimentId: \"0\"}) { bogus } }").json()
    assert unknown == {"data": None, "errors": ["Cannot query field 'bogus' on type 'MlflowGetExperimentResponse'."]}
    deep = graphql(api, "{ a { b { c { d { e { f { g { h { i { j { k } } } } } } } } } } }").json()
    assert deep == {"data": None, "errors": ["Query exceeds maximum depth of 10"]}
    shaped = graphql(api, "query Q { a: mlflowGetExperiment(input: {experimentId: \"0\"}) { ...F } } "
                          "fragment F on MlflowGetExperimentResponse { experiment { name } }").json()
    assert shaped == {"data": {"a": {"experiment": {"name": "Default"}}}, "errors": None}
    assert graphql(api, "{ __typename test(inputString: \"hi\") { output } }").json() == {
        "data": {"__typename": "Query", "test": {"output": "hi"}}, "errors": None}


@pytest.mark.swiftrack_only
def test_malformed_requests_get_clear_errors(api):
    # MLflow answers these with an HTML 500 page; Swiftrack says what is wrong.
    bad = api.request("POST", "/graphql", data=b"{not json", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.json()["error_code"] == "MALFORMED_REQUEST"
    no_query = api.post("/graphql", {"variables": {}})
    assert no_query.status_code == 400 and no_query.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    syntax = api.post("/graphql", {"query": "{ mlflowGetExperiment(input: "})
    assert syntax.status_code == 400 and syntax.json() == {"data": None, "errors": ["Syntax Error: Unexpected <EOF>."]}


def test_the_uis_companion_reads(api, seeded):
    info = api.get("/ajax-api/3.0/mlflow/server-info")
    assert info.status_code == 200
    assert info.json()["store_type"] == "SqlStore" and info.json()["workspaces_enabled"] is False
    assert api.post("/ajax-api/3.0/mlflow/traces/search", {
        "locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": seeded["experiment"]}}],
        "max_results": 1}).json() == {}
    counted = api.post("/ajax-api/3.0/mlflow/traces/metrics", {
        "experiment_ids": [seeded["experiment"]], "view_type": "TRACES", "metric_name": "trace_count",
        "aggregations": [{"aggregation_type": "COUNT"}]}).json()
    assert counted == {"data_points": [{"metric_name": "trace_count", "values": {"COUNT": 0.0}}]}
    assert api.post("/ajax-api/3.0/mlflow/datasets/search", {"experiment_ids": [seeded["experiment"]]}).json() == {}
    config = api.get("/ajax-api/3.0/mlflow/assistant/config").json()
    assert config["providers"] == {} and config["remote_access_allowed"] is False
    assert api.get("/ajax-api/2.0/mlflow/gateway-proxy", params={"gateway_path": "api/2.0/endpoints/"}).json() == {
        "endpoints": []}


def test_dataset_summaries(api, client, seeded):
    from mlflow.data.pandas_dataset import from_pandas
    import pandas
    run = client.create_run(seeded["experiment"])
    dataset = from_pandas(pandas.DataFrame({"x": [1, 2]}), name="tiny")
    from mlflow.entities import DatasetInput, InputTag
    client.log_inputs(run.info.run_id, [DatasetInput(dataset._to_mlflow_entity(),
                                                     [InputTag("mlflow.data.context", "train")])])
    reply = api.post("/ajax-api/2.0/mlflow/experiments/search-datasets", {"experiment_ids": [seeded["experiment"]]})
    assert reply.status_code == 200
    assert reply.json() == {"dataset_summaries": [{"experiment_id": seeded["experiment"], "name": "tiny",
                                                   "digest": dataset.digest, "context": "train"}]}
    empty = api.post("/ajax-api/2.0/mlflow/experiments/search-datasets", {"experiment_ids": []})
    assert empty.status_code == 400
    assert empty.json()["message"] == "SearchDatasets request must specify at least one experiment_id."
