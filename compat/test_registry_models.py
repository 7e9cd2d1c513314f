"""The model registry end to end with real scikit-learn models: log, register (from a run, from a
logged model, at log time), promote, alias, load through every `models:/` form and predict, rename,
delete, download URIs and the UI's `model-versions/get-artifact`; direct and proxied experiments.
Then Swiftrack's own history and rollback routes and the `swiftrack models` CLI (swiftrack_only)."""
import os
import subprocess

import mlflow
import numpy as np
import pytest
import requests
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from conftest import IS_MLFLOW, SWIFTRACK_BIN
from helpers import assert_error

X = np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1], [0.1, 0.9], [0.8, 0.3], [0.2, 0.7]])
Y = np.array([0, 1, 1, 0, 1, 0])
PROBE = np.array([[0.95, 0.05], [0.05, 0.95], [0.7, 0.2]])


def _fit(c=1.0):
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(C=c).fit(X, Y)


@pytest.fixture(params=["direct", "proxied"])
def experiment(request, client, unique):
    """An experiment whose artifacts the client writes itself, or one served by the artifact proxy."""
    location = f"mlflow-artifacts:/reg-{unique}" if request.param == "proxied" else None
    eid = client.create_experiment(f"regmodels-{request.param}-{unique}", artifact_location=location)
    mlflow.set_experiment(experiment_id=eid)
    return request.param


def _log(model, **kw):
    # Naming the requirements skips the client's inference subprocess, which re-imports the
    # model and takes a minute on a loaded two-core machine.
    kw.setdefault("pip_requirements", ["scikit-learn"])
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="model", **kw)
    return run.info.run_id, info


def _assert_model_id(api, name, version, info):
    """The client's entity never reads a version's model_id; on the wire MLflow's SQL registry
    leaves it out (no column), Swiftrack sends the logged model the version came from."""
    r = api.get("model-versions/get", {"name": name, "version": version})
    assert r.status_code == 200, r.text
    assert r.json()["model_version"].get("model_id") == (None if IS_MLFLOW else info.model_id)


def _predicts(uri, model):
    loaded = mlflow.pyfunc.load_model(uri)
    assert list(loaded.predict(PROBE)) == list(model.predict(PROBE)), uri
    return loaded


@pytest.mark.timeout(120)
def test_register_promote_alias_and_load(client, api, experiment, unique):
    name = f"clf-{experiment}-{unique}"
    m1, m2, m3 = _fit(1.0), _fit(0.01), _fit(100.0)

    # 1: from a run's model path
    run1, info1 = _log(m1)
    v1 = mlflow.register_model(f"runs:/{run1}/model", name)
    assert v1.version == "1" and v1.name == name
    assert v1.run_id == run1
    assert v1.source == f"models:/{info1.model_id}"
    _assert_model_id(api, name, "1", info1)
    # 2: from the logged model's own URI
    run2, info2 = _log(m2)
    v2 = mlflow.register_model(f"models:/{info2.model_id}", name)
    assert v2.version == "2" and v2.run_id == run2
    # 3: at log time
    run3, info3 = _log(m3, registered_model_name=name)
    v3 = client.get_model_version(name, "3")
    assert v3.run_id == run3 and v3.source == f"models:/{info3.model_id}"
    _assert_model_id(api, name, "2", info2)
    _assert_model_id(api, name, "3", info3)
    assert str(info3.registered_model_version) == "3"

    # the logged models learn the versions they were registered as
    tagged = client.get_logged_model(info1.model_id)
    assert name in tagged.tags.get("mlflow.modelVersions", ""), tagged.tags

    # Staging -> Production, archiving the previous holder
    client.transition_model_version_stage(name, "1", "Production")
    client.transition_model_version_stage(name, "2", "Staging")
    promoted = client.transition_model_version_stage(name, "2", "Production", archive_existing_versions=True)
    assert promoted.current_stage == "Production"
    assert client.get_model_version(name, "1").current_stage == "Archived"
    assert {v.version: v.current_stage for v in client.get_latest_versions(name)} == \
        {"1": "Archived", "2": "Production", "3": "None"}

    client.set_registered_model_alias(name, "champion", "3")
    assert client.get_model_version_by_alias(name, "champion").version == "3"
    assert client.get_registered_model(name).aliases == {"champion": "3"}

    _predicts(f"models:/{name}@champion", m3)
    _predicts(f"models:/{name}/2", m2)
    _predicts(f"models:/{name}/Production", m2)
    _predicts(f"models:/{name}/latest", m3)
    _predicts(f"models:/{name}/1", m1)
    assert list(mlflow.sklearn.load_model(f"models:/{name}@champion").predict(PROBE)) == list(m3.predict(PROBE))


@pytest.mark.timeout(120)
def test_download_uri_rename_and_delete(client, experiment, unique, server, tmp_path):
    name = f"dl-{experiment}-{unique}"
    model = _fit()
    run_id, info = _log(model, registered_model_name=name)
    uri = client.get_model_version_download_uri(name, "1")
    logged = client.get_logged_model(info.model_id)
    assert uri == logged.artifact_location
    if experiment == "proxied":
        assert uri.startswith("mlflow-artifacts:/reg-")
    local = mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=str(tmp_path / "dl"))
    assert os.path.isfile(os.path.join(local, "MLmodel"))

    # the UI's download of one file of a version (MLflow has no /ajax-api twin of this route; we do)
    for prefix in ("",) if IS_MLFLOW else ("", "/ajax-api/2.0/mlflow"):
        r = requests.get(f"{server}{prefix}/model-versions/get-artifact",
                         params={"name": name, "version": "1", "path": "MLmodel"}, timeout=15)
        assert r.status_code == 200, r.text
        assert b"flavors:" in r.content and b"sklearn" in r.content
        with open(os.path.join(local, "MLmodel"), "rb") as f:
            assert r.content == f.read()

    renamed = f"{name}-renamed"
    client.rename_registered_model(name, renamed)
    assert client.get_model_version(renamed, "1").run_id == run_id
    _predicts(f"models:/{renamed}/1", model)
    with pytest.raises(MlflowException) as excinfo:
        client.get_registered_model(name)
    assert excinfo.value.error_code == "RESOURCE_DOES_NOT_EXIST"

    client.delete_model_version(renamed, "1")
    with pytest.raises(MlflowException):
        client.get_model_version(renamed, "1")
    client.delete_registered_model(renamed)
    with pytest.raises(MlflowException) as excinfo:
        client.get_registered_model(renamed)
    assert excinfo.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    # the logged model itself survives the registry's deletes
    assert client.get_logged_model(info.model_id).model_id == info.model_id


@pytest.mark.timeout(60)
def test_get_artifact_refuses_traversal_and_unknown_version(client, api, unique):
    name = f"ga-{unique}"
    mlflow.set_experiment(f"ga-{unique}")
    _log(_fit(), registered_model_name=name)
    r = api.get("/model-versions/get-artifact", {"name": name, "version": "1", "path": "../../etc/passwd"})
    assert r.status_code == 400, r.text
    r = api.get("/model-versions/get-artifact", {"name": name, "version": "9", "path": "MLmodel"})
    assert_error(r, 404, "RESOURCE_DOES_NOT_EXIST")
    r = api.get("/model-versions/get-artifact", {"name": name, "version": "1", "path": "nope.txt"})
    assert r.status_code == 404, r.text


# --- Swiftrack's own: history and rollback ---------------------------------------------------

def _swiftrack(base, *args, env=None):
    full = dict(os.environ)
    full.pop("MLFLOW_TRACKING_URI", None)
    full.update(env or {})
    return subprocess.run([SWIFTRACK_BIN, *args], capture_output=True, text=True, timeout=30, env=full)


def _promoted_model(client, name):
    """Three versions: v1 then v2 in Production (v1 archived), alias production 1 -> 2 -> 3."""
    mlflow.set_experiment(f"rb-{name}")
    for c in (1.0, 0.01, 100.0):
        _log(_fit(c), registered_model_name=name)
    client.transition_model_version_stage(name, "1", "Production")
    client.transition_model_version_stage(name, "2", "Production", archive_existing_versions=True)
    for version in ("1", "2", "3"):
        client.set_registered_model_alias(name, "production", version)


@pytest.mark.swiftrack_only
@pytest.mark.timeout(120)
def test_history_and_rollback_routes(client, api, unique):
    name = f"rb-{unique}"
    _promoted_model(client, name)
    r = api.get(f"/api/2.0/swiftrack/registered-models/history", {"name": name})
    assert r.status_code == 200, r.text
    entries = r.json()["entries"]
    assert [(e["kind"], e.get("alias"), e["version"], e.get("from"), e.get("to")) for e in entries] == [
        ("alias", "production", "3", "2", "3"),
        ("alias", "production", "2", "1", "2"),
        ("alias", "production", "1", None, "1"),
        ("stage", None, "2", "None", "Production"),
        ("stage", None, "1", "Production", "Archived"),
        ("stage", None, "1", "None", "Production"),
    ]
    assert all(e["timestamp"] > 0 for e in entries)

    r = api.post("/api/2.0/swiftrack/registered-models/rollback", {"name": name, "alias": "production"})
    assert r.status_code == 200, r.text
    assert r.json()["model_version"]["version"] == "2"
    assert client.get_model_version_by_alias(name, "production").version == "2"
    _predicts(f"models:/{name}@production", _fit(0.01))
    newest = api.get("/api/2.0/swiftrack/registered-models/history", {"name": name}).json()["entries"][0]
    assert (newest["kind"], newest["alias"], newest["from"], newest["to"], newest["rollback"]) == \
        ("alias", "production", "3", "2", True)

    r = api.post("/api/2.0/swiftrack/registered-models/rollback", {"name": name, "stage": "Production"})
    assert r.status_code == 200, r.text
    assert r.json()["model_version"]["version"] == "1"
    stages = {v.version: v.current_stage for v in client.search_model_versions(f"name='{name}'")}
    assert stages == {"1": "Production", "2": "None", "3": "None"}

    r = api.post("/api/2.0/swiftrack/registered-models/rollback", {"name": name, "stage": "Staging"})
    assert_error(r, 400, "INVALID_PARAMETER_VALUE", contains="nothing to roll back")
    r = api.post("/api/2.0/swiftrack/registered-models/rollback", {"name": name, "alias": "nope"})
    assert_error(r, 400, "INVALID_PARAMETER_VALUE", contains="nothing to roll back")
    r = api.post("/api/2.0/swiftrack/registered-models/rollback", {"name": f"missing-{unique}", "alias": "a"})
    assert_error(r, 404, "RESOURCE_DOES_NOT_EXIST")
    r = api.get("/api/2.0/swiftrack/registered-models/history", {"name": f"missing-{unique}"})
    assert_error(r, 404, "RESOURCE_DOES_NOT_EXIST")
    r = api.post("/api/2.0/swiftrack/registered-models/rollback", {"name": name})
    assert_error(r, 400, "INVALID_PARAMETER_VALUE")
    # a rollback is never undone by the next one: it walks further back (2 -> 1)
    r = api.post("/ajax-api/2.0/swiftrack/registered-models/rollback", {"name": name, "alias": "production"})
    assert r.status_code == 200 and r.json()["model_version"]["version"] == "1", r.text


@pytest.mark.swiftrack_only
@pytest.mark.timeout(120)
def test_cli_history_and_rollback(client, server, unique):
    name = f"cli-{unique}"
    _promoted_model(client, name)
    out = _swiftrack(server, "models", "history", name, "--tracking-uri", server)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].split()[:4] == ["TIME", "USER", "KIND", "VERSION"], out.stdout
    assert len(lines) == 1 + 6
    assert "production" in lines[1] and "2 -> 3" in lines[1], out.stdout

    # the tracking URI from the environment
    out = _swiftrack(server, "models", "rollback", name, "--alias", "production",
                     env={"MLFLOW_TRACKING_URI": server})
    assert out.returncode == 0, out.stderr
    assert "production" in out.stdout and "3 -> 2" in out.stdout, out.stdout
    assert client.get_model_version_by_alias(name, "production").version == "2"

    out = _swiftrack(server, "models", "rollback", name, "--stage", "Production", "--tracking-uri", server)
    assert out.returncode == 0, out.stderr
    assert client.get_model_version(name, "1").current_stage == "Production"

    out = _swiftrack(server, "models", "rollback", name, "--stage", "Staging", "--tracking-uri", server)
    assert out.returncode != 0
    assert "INVALID_PARAMETER_VALUE" in out.stderr and "nothing to roll back" in out.stderr, out.stderr
    out = _swiftrack(server, "models", "history", f"missing-{unique}", "--tracking-uri", server)
    assert out.returncode != 0 and "RESOURCE_DOES_NOT_EXIST" in out.stderr, out.stderr
    out = _swiftrack(server, "models", "rollback", name, "--tracking-uri", server)
    assert out.returncode == 2 and "--alias" in out.stderr, out.stderr
    out = _swiftrack(server, "models", "history", name, "--tracking-uri", "http://127.0.0.1:1")
    assert out.returncode != 0 and out.stderr.strip(), out.stderr
