"""The last classic gaps MLflow's own REST tests find (issue 26): doubled slashes in a path, file URIs
naming a remote host, relative experiment locations, the logged model's model-version tag, the UI's
artifact upload and logged-model file viewer, runs/log-model, MLflow's signup page.

Each case runs against Swiftrack and (SWIFTRACK_COMPAT_TARGET=mlflow) against real `mlflow server`.
"""
import os

import pytest
import requests

from conftest import IS_MLFLOW
from helpers import assert_error


# --- 2: repeated slashes collapse before routing ----------------------------------------------

def test_doubled_slash_reaches_model_version_get_artifact_and_its_path_check(server, api, unique):
    # MLflow's tests/tracking/test_rest_tracking.py sends exactly this (tracking URI + "//model-versions/...").
    r = requests.get(f"{server}//model-versions/get-artifact", timeout=15,
                     params={"name": "model", "version": 1, "path": "../path"})
    assert_error(r, 400, "INVALID_PARAMETER_VALUE", "Invalid path")
    name = f"slashes-{unique}"
    assert api.post("registered-models/create", {"name": name}).status_code == 200
    r = requests.get(f"{server}/api/2.0/mlflow//registered-models///get", params={"name": name}, timeout=15)
    assert r.status_code == 200, r.text
    assert r.json()["registered_model"]["name"] == name


@pytest.mark.swiftrack_only
def test_encoded_slashes_are_not_collapsed(server):
    # Swiftrack collapses only the slashes sent as slashes: an encoded `%2F%2F` is data and stays two
    # characters. (MLflow's WSGI layer decodes the path before werkzeug merges slashes, so it redirects
    # this to /model-versions/get-artifact; collapsing decoded data is what Swiftrack declines to do.)
    r = requests.get(f"{server}/model-versions%2F%2Fget-artifact", timeout=15,
                     params={"name": "model", "version": 1, "path": "../path"})
    assert r.status_code == 404, r.text


# --- 3: a file URI naming a remote host is no model version source ---------------------------

REMOTE_FILE_MESSAGE = ("file://123.456.789.123/path is not a valid remote uri. For remote access on windows, "
                       "please consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).")


def test_model_version_source_file_uri_with_remote_host_is_refused(api, unique):
    name = f"remote-file-{unique}"
    assert api.post("registered-models/create", {"name": name}).status_code == 200
    run_id = api.create_run(api.create_experiment(f"remote-file-{unique}"))
    r = api.post("model-versions/create", {"name": name, "source": "file://123.456.789.123/path", "run_id": run_id})
    # MLflow raises this without an error code, so its server answers 500 INTERNAL_ERROR (its own
    # test_rest_tracking asserts that); Swiftrack answers the caller's mistake as 400 with MLflow's words.
    if IS_MLFLOW:
        assert_error(r, 500, "INTERNAL_ERROR", REMOTE_FILE_MESSAGE)
    else:
        assert_error(r, 400, "INVALID_PARAMETER_VALUE", REMOTE_FILE_MESSAGE)
    versions = api.get("model-versions/search", {"filter": f"name='{name}'"}).json()
    assert versions.get("model_versions", []) == []


def test_model_version_source_local_file_uris_keep_mlflows_local_path_rule(api, unique):
    name = f"local-file-{unique}"
    assert api.post("registered-models/create", {"name": name}).status_code == 200
    for source in ["file:///tmp/x", "file://localhost/tmp/x", "file://127.0.0.1/tmp/x"]:
        r = api.post("model-versions/create", {"name": name, "source": source})
        assert_error(r, 400, "INVALID_PARAMETER_VALUE",
                     f"Invalid model version source: '{source}'. To use a local path as a model version source, "
                     "the run_id request parameter has to be specified and the local path has to be contained "
                     "within the artifact directory of the run specified by the run_id.")


# --- 1: a relative artifact_location is stored absolute ---------------------------------------

@pytest.mark.parametrize("given, stored", [
    ("my_location", "{cwd}/my_location"),
    ("./a//b/", "{cwd}/a/b"),
    ("my%20loc", "{cwd}/my loc"),
    ("../up", "{cwd}/../up"),
    ("file:rel", "file://{cwd}/rel"),
    ("file://localhost/abs", "file://localhost/abs"),
    ("/already/absolute", "/already/absolute"),
])
def test_relative_artifact_location_is_resolved_against_the_servers_directory(api, unique, server_pid, given,
                                                                             stored):
    # MLflow's create_experiment stores resolve_uri_if_local(artifact_location): cwd joined as pathlib joins.
    cwd = os.readlink(f"/proc/{server_pid}/cwd")
    r = api.post("experiments/create", {"name": f"loc-{unique}", "artifact_location": given})
    assert r.status_code == 200, r.text
    experiment = api.get("experiments/get", {"experiment_id": r.json()["experiment_id"]}).json()["experiment"]
    assert experiment["artifact_location"] == stored.format(cwd=cwd)


def test_artifact_location_file_uri_with_remote_host_is_refused(api, unique):
    r = api.post("experiments/create", {"name": f"loc-{unique}", "artifact_location": "file://10.0.0.5/x"})
    message = ("file://10.0.0.5/x is not a valid remote uri. For remote access on windows, please consider "
               "using a different scheme such as SMB (e.g. smb://<hostname>/<path>).")
    # As for model version sources: MLflow's 500 for the caller's mistake, Swiftrack's 400.
    assert_error(r, 500 if IS_MLFLOW else 400, "INTERNAL_ERROR" if IS_MLFLOW else "INVALID_PARAMETER_VALUE", message)
    assert api.get("experiments/get-by-name", {"experiment_name": f"loc-{unique}"}).status_code == 404


# --- 4: a version made from a logged model is listed in its mlflow.modelVersions tag ----------

def _logged_model(api, unique):
    experiment_id = api.create_experiment(f"mv-tag-{unique}")
    r = api.post("logged-models", {"experiment_id": experiment_id, "name": "lm"})
    assert r.status_code == 200, r.text
    return r.json()["model"]["info"]["model_id"]


def _model_versions_tag(api, model_id):
    r = api.get(f"logged-models/{model_id}")
    assert r.status_code == 200, r.text
    return {t["key"]: t["value"] for t in r.json()["model"]["info"].get("tags", [])}.get("mlflow.modelVersions")


def test_model_version_with_model_id_extends_the_logged_models_model_versions_tag(api, unique):
    model_id = _logged_model(api, unique)
    assert _model_versions_tag(api, model_id) is None
    first, second = f"mv-tag-a-{unique}", f"mv-tag-b-{unique}"
    for name in (first, second):
        assert api.post("registered-models/create", {"name": name}).status_code == 200
    for name in (first, first, second):
        r = api.post("model-versions/create", {"name": name, "source": f"models:/{model_id}", "model_id": model_id})
        assert r.status_code == 200, r.text
    # json.dumps of [{"name": ..., "version": <int>}], in creation order.
    assert _model_versions_tag(api, model_id) == (
        f'[{{"name": "{first}", "version": 1}}, {{"name": "{first}", "version": 2}}, '
        f'{{"name": "{second}", "version": 1}}]')


def test_register_model_through_the_client_leaves_mlflows_tag_value(api, unique):
    import mlflow
    model_id = _logged_model(api, unique)
    name = f"mv-tag-client-{unique}"
    version = mlflow.register_model(f"models:/{model_id}", name)
    assert version.version == "1"
    # The server lists the version (version as a number), then the client appends its own entry
    # (version as the proto's string): both MLflow's doing.
    assert _model_versions_tag(api, model_id) == (
        f'[{{"name": "{name}", "version": 1}}, {{"name": "{name}", "version": "1"}}]')


# --- 7: runs/log-model appends to the run's mlflow.log-model.history tag ----------------------

def _run_tag(api, run_id, key):
    tags = api.get("runs/get", {"run_id": run_id}).json()["run"]["data"].get("tags", [])
    return {t["key"]: t["value"] for t in tags}.get(key)


def test_log_model_appends_the_models_summary_to_the_run_history(api, unique):
    import json
    run_id = api.create_run(api.create_experiment(f"log-model-{unique}"))
    first = {"artifact_path": "model", "utc_time_created": "2024-01-01 00:00:00.000000", "run_id": run_id,
             "flavors": {"sklearn": {"config": {"a": 1}, "v": "1.0", "f": 1.5}, "other": 3},
             "extra": 1, "model_uuid": "u1"}
    r = api.post("runs/log-model", {"run_id": run_id, "model_json": json.dumps(first)})
    assert r.status_code == 200, r.text
    assert r.json() == {}
    second = {"artifact_path": None, "flavors": None, "utc_time_created": 12, "run_id": None,
              "model_uuid": {"\u00e9": [1]}}
    assert api.post("runs/log-model", {"run_id": run_id, "model_json": json.dumps(second)}).status_code == 200
    # get_tags_dict: run_id/artifact_path unless null, str(utc_time_created), model_uuid, flavors without config.
    assert _run_tag(api, run_id, "mlflow.log-model.history") == (
        f'[{{"run_id": "{run_id}", "artifact_path": "model", "utc_time_created": "2024-01-01 00:00:00.000000", '
        '"model_uuid": "u1", "flavors": {"sklearn": {"v": "1.0", "f": 1.5}, "other": 3}}, '
        '{"utc_time_created": "12", "model_uuid": {"\\u00e9": [1]}, "flavors": {}}]')


def test_log_model_without_a_creation_time_records_now(api, unique):
    import datetime
    import json
    run_id = api.create_run(api.create_experiment(f"log-model-now-{unique}"))
    before = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    model = {"artifact_path": "m", "flavors": {}, "utc_time_created": None, "run_id": run_id}
    assert api.post("runs/log-model", {"run_id": run_id, "model_json": json.dumps(model)}).status_code == 200
    entry = json.loads(_run_tag(api, run_id, "mlflow.log-model.history"))[0]
    created = datetime.datetime.fromisoformat(entry["utc_time_created"])
    assert before - datetime.timedelta(seconds=1) <= created <= before + datetime.timedelta(seconds=30)


def test_log_model_validation(api, unique):
    import json
    run_id = api.create_run(api.create_experiment(f"log-model-bad-{unique}"))
    assert_error(api.post("runs/log-model", {"run_id": run_id, "model_json": "not json"}), 400,
                 "INVALID_PARAMETER_VALUE", "Malformed model info. \n not json \n is not a valid JSON.")
    partial = {"artifact_path": "m", "flavors": {}, "utc_time_created": "t"}
    assert_error(api.post("runs/log-model", {"run_id": run_id, "model_json": json.dumps(partial)}), 400,
                 "INVALID_PARAMETER_VALUE", "Model json is missing mandatory fields: {'run_id'}")
    assert_error(api.post("runs/log-model", {"run_id": run_id}), 400, "INVALID_PARAMETER_VALUE",
                 "Missing value for required parameter 'model_json'. See the API docs for more information "
                 "about request parameters.")
    assert_error(api.post("runs/log-model", {"model_json": "{}"}), 400, "INVALID_PARAMETER_VALUE",
                 "Missing value for required parameter 'run_id'. See the API docs for more information "
                 "about request parameters.")
    whole = dict(partial, run_id=run_id)
    assert_error(api.post("runs/log-model", {"run_id": "f" * 32, "model_json": json.dumps(whole)}), 404,
                 "RESOURCE_DOES_NOT_EXIST", f"Run with id={'f' * 32} not found")
    assert api.post("runs/delete", {"run_id": run_id}).status_code == 200
    assert_error(api.post("runs/log-model", {"run_id": run_id, "model_json": json.dumps(whole)}), 400,
                 "INVALID_PARAMETER_VALUE",
                 f"The run {run_id} must be in the 'active' state. Current state is deleted.")
    assert _run_tag(api, run_id, "mlflow.log-model.history") is None


# --- 5: the UI's upload-artifact -----------------------------------------------------------------

UPLOAD = "/ajax-api/2.0/mlflow/upload-artifact"


def _upload(api, params, data=b"payload", **kw):
    return api.s.post(api.url(UPLOAD), params=params, data=data, timeout=15, **kw)


def test_upload_artifact_stores_the_raw_body_in_the_runs_artifacts(api, client, unique):
    run_id = api.create_run(api.create_experiment(f"upload-{unique}"))
    r = _upload(api, {"run_uuid": run_id, "path": "dir/sub/notes.txt"}, data=b"hello \x00 bytes",
                headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 200, r.text
    assert r.text == ""
    assert r.headers["Content-Type"].startswith("application/json")
    assert [f.path for f in client.list_artifacts(run_id, "dir/sub")] == ["dir/sub/notes.txt"]
    got = api.get("/get-artifact", {"run_id": run_id, "path": "dir/sub/notes.txt"})
    assert got.status_code == 200 and got.content == b"hello \x00 bytes"
    # A second upload to the same path replaces the file.
    assert _upload(api, {"run_uuid": run_id, "path": "dir/sub/notes.txt"}, data=b"v2").status_code == 200
    assert api.get("/get-artifact", {"run_id": run_id, "path": "dir/sub/notes.txt"}).content == b"v2"


def test_upload_artifact_validation(api, unique):
    run_id = api.create_run(api.create_experiment(f"upload-bad-{unique}"))
    assert_error(_upload(api, {"path": "a.txt"}), 400, "INVALID_PARAMETER_VALUE", "Request must specify run_uuid.")
    assert_error(_upload(api, {"run_uuid": run_id}), 400, "INVALID_PARAMETER_VALUE", "Request must specify path.")
    assert_error(_upload(api, {"run_uuid": run_id, "path": "a.txt"}, data=b""), 400, "INVALID_PARAMETER_VALUE",
                 "Request must specify data.")
    assert_error(_upload(api, {"run_uuid": run_id, "path": "big.bin"}, data=b"x" * (10 * 1024 * 1024 + 1)), 400,
                 "INVALID_PARAMETER_VALUE", "Artifact size is too large. Max size is 10MB.")
    assert_error(_upload(api, {"run_uuid": "f" * 32, "path": "a.txt"}), 404, "RESOURCE_DOES_NOT_EXIST",
                 f"Run with id={'f' * 32} not found")


@pytest.mark.parametrize("path", ["../escape.txt", "a/../../escape.txt", "%2e%2e/escape.txt",
                                  "%252e%252e/escape.txt", "/etc/escape.txt", "file:///etc/escape.txt",
                                  "a/%2e%2e/%2e%2e/escape.txt", "a#b.txt"])
def test_upload_artifact_refuses_paths_out_of_the_run(api, unique, path, server_pid):
    run_id = api.create_run(api.create_experiment(f"upload-trav-{unique}"))
    assert_error(_upload(api, {"run_uuid": run_id, "path": path}), 400, "INVALID_PARAMETER_VALUE", "Invalid path")
    cwd = os.readlink(f"/proc/{server_pid}/cwd")
    assert not any("escape.txt" in files for _, _, files in os.walk(cwd))


# --- 6: the UI's logged-model file viewer -------------------------------------------------------

def _logged_model_with_file(client, unique, tmp_path):
    experiment_id = client.create_experiment(f"lm-files-{unique}")
    model = client.create_logged_model(experiment_id, name="viewer")
    weights = tmp_path / "weights.json"
    weights.write_text('{"w": [1, 2]}')
    client.log_model_artifact(model.model_id, str(weights), "sub")
    return model.model_id


def test_logged_model_artifact_file_is_served_to_the_ui(api, client, unique, tmp_path):
    model_id = _logged_model_with_file(client, unique, tmp_path)
    r = api.get(f"/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files",
                {"artifact_file_path": "sub/weights.json"})
    assert r.status_code == 200, r.text
    assert r.content == b'{"w": [1, 2]}'
    assert r.headers["Content-Disposition"] == "attachment; filename=weights.json"
    assert_error(api.get(f"/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files"), 400, "BAD_REQUEST",
                 'Request must include the "artifact_file_path" query parameter.')
    assert_error(api.get("/ajax-api/2.0/mlflow/logged-models/m-00000000000000000000000000000000/artifacts/files",
                         {"artifact_file_path": "x"}), 404, "RESOURCE_DOES_NOT_EXIST")


@pytest.mark.parametrize("path", ["../escape", "sub/../../escape", "%2e%2e/escape", "%252e%252e/escape",
                                  "/etc/passwd", "file:///etc/passwd", "a#b"])
def test_logged_model_artifact_file_refuses_paths_out_of_the_model(api, client, unique, tmp_path, path):
    model_id = _logged_model_with_file(client, unique, tmp_path)
    r = api.get(f"/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files", {"artifact_file_path": path})
    assert_error(r, 400, "INVALID_PARAMETER_VALUE", "Invalid path")
