"""MLflow 3 logged models and run outputs through the real MLflow client and raw HTTP."""
import re

import mlflow
import pytest
from mlflow.entities import LoggedModelOutput, LoggedModelStatus
from mlflow.exceptions import MlflowException

from helpers import assert_error

MODEL_ID = re.compile(r"m-[0-9a-f]{32}")
NAME = re.compile(r"[a-z]+-[a-z]+-\d{1,4}")


def message(error):
    """The server's message (the client prefixes it with the error code)."""
    return error.message.removeprefix(f"{error.error_code}: ")


def test_initialize_logged_model_in_active_run(unique):
    exp = mlflow.set_experiment(f"lm-init-{unique}")
    with mlflow.start_run() as run:
        model = mlflow.initialize_logged_model(name="clf", tags={"team": "ml"}, params={"alpha": "0.5"},
                                               model_type="sklearn")
    assert MODEL_ID.fullmatch(model.model_id)
    assert model.experiment_id == exp.experiment_id
    assert model.name == "clf"
    assert model.status == LoggedModelStatus.PENDING
    assert model.model_type == "sklearn"
    assert model.source_run_id == run.info.run_id
    assert model.artifact_location.endswith(f"/artifacts/{exp.experiment_id}/models/{model.model_id}/artifacts")
    assert model.tags["team"] == "ml"
    assert "mlflow.user" in model.tags  # context tags resolved by the client
    assert model.params == {"alpha": "0.5"}
    assert model.creation_timestamp == model.last_updated_timestamp > 0
    fetched = mlflow.get_logged_model(model.model_id)
    assert fetched.name == "clf" and fetched.tags == model.tags and fetched.params == model.params


def test_create_finalize_get(client, unique):
    eid = client.create_experiment(f"lm-create-{unique}")
    model = client.create_logged_model(experiment_id=eid)
    assert NAME.fullmatch(model.name), model.name
    assert model.status == LoggedModelStatus.PENDING
    # MLflow stores the proto's "" for an absent type and source run.
    assert model.model_type == "" and model.source_run_id == ""
    ready = client.finalize_logged_model(model.model_id, LoggedModelStatus.READY)
    assert ready.status == LoggedModelStatus.READY
    assert ready.last_updated_timestamp >= model.last_updated_timestamp
    assert client.get_logged_model(model.model_id).status == LoggedModelStatus.READY
    failed = client.finalize_logged_model(model.model_id, LoggedModelStatus.FAILED)
    assert failed.status == LoggedModelStatus.FAILED


def test_missing_model_and_bad_name(client, unique):
    with pytest.raises(MlflowException) as e:
        client.get_logged_model("m-00000000000000000000000000000000")
    assert e.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert message(e.value) == "Logged model with ID 'm-00000000000000000000000000000000' not found."
    eid = client.create_experiment(f"lm-badname-{unique}")
    with pytest.raises(MlflowException) as e:
        client.create_logged_model(experiment_id=eid, name="a/b")
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"
    assert message(e.value).startswith("Invalid model name ('a/b') provided.")
    with pytest.raises(MlflowException) as e:
        client.create_logged_model(experiment_id="987654")
    assert message(e.value) == "No Experiment with id=987654 exists"


def test_tags_and_params(client, unique):
    eid = client.create_experiment(f"lm-tags-{unique}")
    model = client.create_logged_model(experiment_id=eid, tags={"a": "1"})
    client.set_logged_model_tags(model.model_id, {"b": "2", "a": "3"})
    assert client.get_logged_model(model.model_id).tags == {"a": "3", "b": "2"}
    client.delete_logged_model_tag(model.model_id, "a")
    assert client.get_logged_model(model.model_id).tags == {"b": "2"}
    with pytest.raises(MlflowException) as e:
        client.delete_logged_model_tag(model.model_id, "zz")
    assert e.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert message(e.value) == f"No tag with key 'zz' found for model with ID '{model.model_id}'."
    client.log_model_params(model.model_id, {"lr": "0.1", "depth": "3"})
    assert client.get_logged_model(model.model_id).params == {"lr": "0.1", "depth": "3"}


def test_metrics_logged_with_model_id(client, unique):
    mlflow.set_experiment(f"lm-metrics-{unique}")
    with mlflow.start_run() as run:
        model = mlflow.initialize_logged_model(name="m")
        mlflow.log_metric("acc", 0.9, step=1, model_id=model.model_id)
        mlflow.log_metrics({"loss": 0.2}, model_id=model.model_id)
        mlflow.log_metric("plain", 1.0)
    metrics = {m.key: m for m in client.get_logged_model(model.model_id).metrics}
    assert set(metrics) == {"acc", "loss"}
    assert metrics["acc"].value == 0.9 and metrics["acc"].step == 1
    assert metrics["acc"].run_id == run.info.run_id and metrics["acc"].model_id == model.model_id
    # The run still has all three.
    assert set(client.get_run(run.info.run_id).data.metrics) == {"acc", "loss", "plain"}


def test_search_logged_models(client, unique):
    eid = client.create_experiment(f"lm-search-{unique}")
    run = client.create_run(eid)
    a = client.create_logged_model(experiment_id=eid, name="alpha", params={"p": "a"}, tags={"t": "v"})
    b = client.create_logged_model(experiment_id=eid, name="beta", params={"p": "b"})
    c = client.create_logged_model(experiment_id=eid, name="gamma")
    client.log_metric(run.info.run_id, "acc", 0.9, timestamp=10, model_id=a.model_id)
    client.log_metric(run.info.run_id, "acc", 0.7, timestamp=20, model_id=b.model_id)

    def names(**kw):
        return [m.name for m in client.search_logged_models(experiment_ids=[eid], **kw)]

    assert names() == ["gamma", "beta", "alpha"]
    assert names(filter_string="metrics.acc > 0.8") == ["alpha"]
    assert names(filter_string="params.p = 'b'") == ["beta"]
    assert names(filter_string="tags.t = 'v'") == ["alpha"]
    assert names(filter_string="name LIKE '%a'") == ["gamma", "beta", "alpha"]
    assert names(filter_string="name IN ('alpha', 'gamma')") == ["gamma", "alpha"]
    assert names(filter_string=f"model_id = '{c.model_id}'") == ["gamma"]
    assert names(order_by=[{"field_name": "metrics.acc", "ascending": False}]) == ["alpha", "beta", "gamma"]
    assert names(order_by=[{"field_name": "metrics.acc", "ascending": True}]) == ["beta", "alpha", "gamma"]
    assert names(order_by=[{"field_name": "name", "ascending": True}]) == ["alpha", "beta", "gamma"]
    page = client.search_logged_models(experiment_ids=[eid], max_results=2)
    assert [m.name for m in page] == ["gamma", "beta"] and page.token
    rest = client.search_logged_models(experiment_ids=[eid], max_results=2, page_token=page.token)
    assert [m.name for m in rest] == ["alpha"] and not rest.token
    with pytest.raises(MlflowException) as e:
        client.search_logged_models(experiment_ids=[eid], filter_string="foo.x = 'a'")
    assert message(e.value) == "Invalid entity type: 'foo'. Expected one of ['attributes', 'metrics', 'params', 'tags']."
    with pytest.raises(MlflowException) as e:
        client.search_logged_models(experiment_ids=[eid], order_by=[{"field_name": "params.p"}])
    assert message(e.value) == "Invalid order by field name: params.p. Only metrics are supported."
    # the fluent API with datasets named with their digest
    assert [m.name for m in mlflow.search_logged_models(experiment_ids=[eid], output_format="list",
                                                        filter_string="metrics.acc < 0.8")] == ["beta"]


def test_delete_is_soft(client, api, unique):
    eid = client.create_experiment(f"lm-delete-{unique}")
    model = client.create_logged_model(experiment_id=eid, name="doomed")
    client.delete_logged_model(model.model_id)
    with pytest.raises(MlflowException) as e:
        client.get_logged_model(model.model_id)
    assert e.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert list(client.search_logged_models(experiment_ids=[eid])) == []
    r = api.get(f"logged-models/{model.model_id}", params={"allow_deleted": "true"})
    assert r.status_code == 200 and r.json()["model"]["info"]["name"] == "doomed"


def test_log_outputs_shows_on_run(client, unique):
    eid = client.create_experiment(f"lm-outputs-{unique}")
    run = client.create_run(eid)
    model = client.create_logged_model(experiment_id=eid)
    client.log_outputs(run.info.run_id, [LoggedModelOutput(model.model_id, step=3)])
    outputs = client.get_run(run.info.run_id).outputs
    assert [(o.model_id, o.step) for o in outputs.model_outputs] == [(model.model_id, 3)]
    searched = client.search_runs([eid])
    assert [(o.model_id, o.step) for o in searched[0].outputs.model_outputs] == [(model.model_id, 3)]


def test_raw_routes(api, unique):
    eid = api.create_experiment(f"lm-raw-{unique}")
    r = api.post("logged-models", {"experiment_id": eid, "name": "raw"})
    assert r.status_code == 200, r.text
    info = r.json()["model"]["info"]
    mid = info["model_id"]
    assert info["status"] == "LOGGED_MODEL_PENDING"
    assert info["model_type"] == "" and info["source_run_id"] == ""
    assert r.json()["model"]["data"] == {}
    # GET on the search path reaches the get route with model_id "search" (Flask's matching).
    assert_error(api.get("logged-models/search"), 404, "RESOURCE_DOES_NOT_EXIST",
                 "Logged model with ID 'search' not found.")
    assert api.request("PUT", f"logged-models/{mid}").status_code == 405
    assert api.request("POST", f"logged-models/{mid}/tags/x").status_code == 405
    assert api.get(f"logged-models/{mid}/nope").status_code == 404
    assert_error(api.request("PATCH", f"logged-models/{mid}", json={"status": "LOGGED_MODEL_READY"}), 400,
                 "INVALID_PARAMETER_VALUE",
                 "Missing value for required parameter 'model_id'. See the API docs for more information about "
                 "request parameters.")
    r = api.request("PATCH", f"logged-models/{mid}", json={"model_id": mid, "status": "LOGGED_MODEL_READY"})
    assert r.json()["model"]["info"]["status"] == "LOGGED_MODEL_READY"
    assert_error(api.post("logged-models/search", {}), 400, "INVALID_PARAMETER_VALUE",
                 "Missing value for required parameter 'experiment_ids'. See the API docs for more information "
                 "about request parameters.")
    assert api.post("logged-models/search", {"experiment_ids": []}).json() == {}
    r = api.get(f"logged-models/{mid}/artifacts/directories")
    assert r.status_code == 200 and r.json()["root_uri"].endswith(f"/{eid}/models/{mid}/artifacts")
    assert "files" not in r.json()
    assert_error(api.get(f"logged-models/{mid}/artifacts/directories", params={"artifact_directory_path": "../x"}),
                 400, "INVALID_PARAMETER_VALUE", "Invalid path")
    assert api.get(f"/ajax-api/2.0/mlflow/logged-models/{mid}").status_code == 200
    assert_error(api.post("runs/outputs", {"run_id": "abc"}), 400, "INVALID_PARAMETER_VALUE",
                 "Missing value for required parameter 'models'. See the API docs for more information about "
                 "request parameters.")
    assert_error(api.post("runs/outputs", {"run_id": "abc", "models": []}), 404, "RESOURCE_DOES_NOT_EXIST",
                 "Run with id=abc not found")


@pytest.mark.swiftrack_only
def test_swiftrack_answers_400_where_mlflow_fails(client, api, unique):
    eid = client.create_experiment(f"lm-better-{unique}")
    run = client.create_run(eid)
    model = client.create_logged_model(experiment_id=eid, name="ds")
    client.log_metric(run.info.run_id, "acc", 0.5, timestamp=1, model_id=model.model_id,
                      dataset_name="eval", dataset_digest="d1")
    # MLflow's handler turns an absent digest into "digest IS NULL"; Swiftrack reads it as any digest.
    found = client.search_logged_models(experiment_ids=[eid], datasets=[{"dataset_name": "eval"}])
    assert [m.name for m in found] == ["ds"]
    # MLflow answers 500 for an unknown attribute and for a non-numeric metric value.
    r = api.post("logged-models/search", {"experiment_ids": [eid], "filter": "nope = 'a'"})
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    r = api.post("logged-models/search", {"experiment_ids": [eid], "filter": "metrics.acc > abc"})
    assert r.status_code == 400
    # A metric for an unknown model: MLflow leaks a FOREIGN KEY error (400); Swiftrack says which model.
    r = api.post("runs/log-metric", {"run_id": run.info.run_id, "key": "x", "value": 1, "timestamp": 1,
                                     "model_id": "m-nope"})
    assert_error(r, 404, "RESOURCE_DOES_NOT_EXIST", "Logged model with ID 'm-nope' not found.")
