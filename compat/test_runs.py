"""Runs, params and tags through the real MLflow client."""
import re
import time

import mlflow
import pytest
from mlflow.entities import Metric, Param, RunStatus, RunTag, ViewType
from mlflow.exceptions import MlflowException

from helpers import assert_error

RUN_NAME = re.compile(r"[a-z]+-[a-z]+-\d{1,3}")


def test_start_run_generates_name_and_finishes(unique):
    exp = mlflow.set_experiment(f"runs-{unique}")
    before = int(time.time() * 1000)
    with mlflow.start_run() as run:
        info = run.info
        assert info.status == "RUNNING"
        assert info.experiment_id == exp.experiment_id
        assert re.fullmatch(r"[0-9a-f]{32}", info.run_id)
        assert RUN_NAME.fullmatch(info.run_name), info.run_name
        assert before - 1000 <= info.start_time <= int(time.time() * 1000) + 1000
        assert info.end_time is None
        assert info.lifecycle_stage == "active"
        assert info.artifact_uri.endswith(f"/artifacts/{exp.experiment_id}/{info.run_id}/artifacts")
    done = mlflow.get_run(info.run_id)
    assert done.info.status == "FINISHED"
    assert done.info.end_time >= done.info.start_time
    assert done.data.tags["mlflow.runName"] == info.run_name
    assert done.info.run_name == info.run_name
    # the fluent client records who and what started the run
    assert "mlflow.user" in done.data.tags
    assert done.data.tags["mlflow.source.type"] == "LOCAL"


def test_run_name_explicit(unique):
    mlflow.set_experiment(f"runname-{unique}")
    with mlflow.start_run(run_name="baseline") as run:
        pass
    r = mlflow.get_run(run.info.run_id)
    assert r.info.run_name == "baseline"
    assert r.data.tags["mlflow.runName"] == "baseline"


def test_rename_run_via_update(client, unique):
    eid = client.create_experiment(f"rename-run-{unique}")
    run = client.create_run(eid, run_name="first")
    client.update_run(run.info.run_id, name="second")
    r = client.get_run(run.info.run_id)
    assert r.info.run_name == "second"
    assert r.data.tags["mlflow.runName"] == "second"


def test_nested_runs(unique):
    mlflow.set_experiment(f"nested-{unique}")
    with mlflow.start_run(run_name="parent") as parent:
        with mlflow.start_run(run_name="child", nested=True) as child:
            assert mlflow.active_run().info.run_id == child.info.run_id
        assert mlflow.active_run().info.run_id == parent.info.run_id
    c = mlflow.get_run(child.info.run_id)
    p = mlflow.get_run(parent.info.run_id)
    assert c.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert "mlflow.parentRunId" not in p.data.tags
    assert c.info.status == p.info.status == "FINISHED"
    found = mlflow.search_runs(filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'",
                               output_format="list")
    assert [r.info.run_id for r in found] == [child.info.run_id]


def test_start_run_twice_without_nested_fails(unique):
    mlflow.set_experiment(f"twice-{unique}")
    with mlflow.start_run():
        with pytest.raises(Exception, match="already active"):
            mlflow.start_run()


def test_params_tags_and_get_run(unique):
    mlflow.set_experiment(f"params-{unique}")
    with mlflow.start_run() as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"epochs": 10, "optimizer": "adam", "dropout": None})
        mlflow.set_tag("team", "vision")
        mlflow.set_tags({"stage": "dev", "n": 3})
    data = mlflow.get_run(run.info.run_id).data
    # params and tags are strings on the wire
    assert data.params == {"lr": "0.01", "epochs": "10", "optimizer": "adam", "dropout": "None"}
    assert data.tags["team"] == "vision"
    assert data.tags["stage"] == "dev"
    assert data.tags["n"] == "3"
    assert data.metrics == {}


def test_end_run_with_status(unique):
    mlflow.set_experiment(f"status-{unique}")
    run = mlflow.start_run()
    mlflow.end_run(status="FAILED")
    r = mlflow.get_run(run.info.run_id)
    assert r.info.status == "FAILED"
    assert r.info.end_time is not None


def test_set_terminated_and_killed(client, unique):
    eid = client.create_experiment(f"term-{unique}")
    run = client.create_run(eid)
    client.set_terminated(run.info.run_id, status="KILLED", end_time=run.info.start_time + 5)
    r = client.get_run(run.info.run_id)
    assert r.info.status == "KILLED"
    assert r.info.end_time == run.info.start_time + 5
    assert RunStatus.is_terminated(RunStatus.from_string(r.info.status))


def test_param_overwrite_rules(unique):
    mlflow.set_experiment(f"immut-{unique}")
    with mlflow.start_run() as run:
        mlflow.log_param("p", "1")
        mlflow.log_param("p", "1")  # same value: fine
        with pytest.raises(MlflowException) as ei:
            mlflow.log_param("p", "2")
        assert ei.value.error_code == "INVALID_PARAMETER_VALUE"
        msg = str(ei.value)
        assert "Changing param values is not allowed" in msg
        assert "key='p'" in msg and "value='1'" in msg and "'2'" in msg
    assert mlflow.get_run(run.info.run_id).data.params == {"p": "1"}


def test_log_batch_with_entities(client, unique):
    eid = client.create_experiment(f"batch-{unique}")
    run = client.create_run(eid)
    rid = run.info.run_id
    ts = int(time.time() * 1000)
    client.log_batch(
        rid,
        metrics=[Metric("loss", 0.9, ts, 0), Metric("loss", 0.5, ts + 1, 1), Metric("acc", 0.7, ts, 0)],
        params=[Param("model", "cnn"), Param("layers", "4")],
        tags=[RunTag("owner", "bob"), RunTag("release", "r1")],
    )
    r = client.get_run(rid)
    assert r.data.metrics == {"loss": 0.5, "acc": 0.7}
    assert r.data.params == {"model": "cnn", "layers": "4"}
    assert r.data.tags["owner"] == "bob" and r.data.tags["release"] == "r1"
    hist = client.get_metric_history(rid, "loss")
    assert [(m.value, m.step, m.timestamp) for m in hist] == [(0.9, 0, ts), (0.5, 1, ts + 1)]


def test_log_batch_big_is_split_by_client(client, unique):
    # the python client splits > 1000 metrics / > 100 params itself
    eid = client.create_experiment(f"bigbatch-{unique}")
    rid = client.create_run(eid).info.run_id
    ts = int(time.time() * 1000)
    client.log_batch(rid, metrics=[Metric(f"m{i}", float(i), ts, 0) for i in range(1500)],
                     params=[Param(f"p{i}", str(i)) for i in range(150)])
    r = client.get_run(rid)
    assert len(r.data.metrics) == 1500 and r.data.metrics["m1499"] == 1499.0
    assert len(r.data.params) == 150 and r.data.params["p149"] == "149"


def test_delete_run_tag(client, unique):
    eid = client.create_experiment(f"deltag-{unique}")
    rid = client.create_run(eid, tags={"a": "1", "b": "2"}).info.run_id
    client.delete_tag(rid, "a")
    tags = client.get_run(rid).data.tags
    assert "a" not in tags and tags["b"] == "2"
    with pytest.raises(MlflowException) as ei:
        client.delete_tag(rid, "a")
    assert ei.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert f"No tag with name: a in run with id {rid}" in str(ei.value)


def test_tag_overwrite(client, unique):
    eid = client.create_experiment(f"tagow-{unique}")
    rid = client.create_run(eid).info.run_id
    client.set_tag(rid, "k", "v1")
    client.set_tag(rid, "k", "v2")
    assert client.get_run(rid).data.tags["k"] == "v2"


def test_delete_and_restore_run(client, unique):
    eid = client.create_experiment(f"delrun-{unique}")
    keep = client.create_run(eid).info.run_id
    gone = client.create_run(eid).info.run_id
    client.delete_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "deleted"
    ids = lambda vt: sorted(r.info.run_id for r in client.search_runs([eid], run_view_type=vt))
    assert ids(ViewType.ACTIVE_ONLY) == [keep]
    assert ids(ViewType.DELETED_ONLY) == [gone]
    assert ids(ViewType.ALL) == sorted([keep, gone])
    # logging to a deleted run is refused
    with pytest.raises(MlflowException) as ei:
        client.log_param(gone, "x", "1")
    assert ei.value.error_code == "INVALID_PARAMETER_VALUE"
    assert f"The run {gone} must be in the 'active' state. Current state is deleted." in str(ei.value)
    client.restore_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "active"
    client.log_param(gone, "x", "1")
    assert client.get_run(gone).data.params == {"x": "1"}


def test_get_missing_run(client):
    with pytest.raises(MlflowException) as ei:
        client.get_run("0" * 32)
    assert ei.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert f"Run with id={'0' * 32} not found" in str(ei.value)


def test_long_param_value_client(client, unique):
    # The client sends the value as is; the server truncates to 6000 characters.
    eid = client.create_experiment(f"longp-{unique}")
    rid = client.create_run(eid).info.run_id
    client.log_param(rid, "long", "x" * 7000)
    assert client.get_run(rid).data.params["long"] == "x" * 6000


def test_long_param_value_raw(api, unique):
    eid = api.create_experiment(f"longraw-{unique}")
    rid = api.create_run(eid)
    r = api.post("runs/log-parameter", {"run_id": rid, "key": "long", "value": "y" * 7000})
    assert r.status_code == 200 and r.json() == {}
    params = api.get("runs/get", {"run_id": rid}).json()["run"]["data"]["params"]
    assert params == [{"key": "long", "value": "y" * 6000}]
    # a tag value is cut at 8000
    api.post("runs/set-tag", {"run_id": rid, "key": "longtag", "value": "z" * 9000})
    tags = {t["key"]: t["value"] for t in api.get("runs/get", {"run_id": rid}).json()["run"]["data"]["tags"]}
    assert tags["longtag"] == "z" * 8000


@pytest.mark.parametrize("key,fragment", [
    ("bad!key", "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."),
    ("a/../b", "This name would resolve to 'b'"),
    ("/lead", "This name would resolve to '/lead'"),
])
def test_key_validation_client(client, unique, key, fragment):
    eid = client.create_experiment(f"keys-{unique}")
    rid = client.create_run(eid).info.run_id
    for call in (lambda: client.log_param(rid, key, "1"),
                 lambda: client.log_metric(rid, key, 1.0),
                 lambda: client.set_tag(rid, key, "1")):
        with pytest.raises(MlflowException) as ei:
            call()
        assert ei.value.error_code == "INVALID_PARAMETER_VALUE"
        assert fragment in str(ei.value)


def test_key_length_limit(client, unique):
    eid = client.create_experiment(f"keylen-{unique}")
    rid = client.create_run(eid).info.run_id
    client.log_param(rid, "k" * 250, "ok")
    with pytest.raises(MlflowException) as ei:
        client.log_param(rid, "k" * 251, "no")
    assert ei.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "exceeds the maximum length of 250" in str(ei.value)
    assert list(client.get_run(rid).data.params) == ["k" * 250]


def test_allowed_key_characters(client, unique):
    eid = client.create_experiment(f"okkeys-{unique}")
    rid = client.create_run(eid).info.run_id
    key = "a-b_c.d e:f/g"
    client.log_param(rid, key, "1")
    client.log_metric(rid, key, 2.0)
    client.set_tag(rid, key, "3")
    r = client.get_run(rid)
    assert r.data.params[key] == "1" and r.data.metrics[key] == 2.0 and r.data.tags[key] == "3"
