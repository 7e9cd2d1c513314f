"""The last classic gaps MLflow's own REST tests find (issue 26): doubled slashes in a path, file URIs
naming a remote host, relative experiment locations, the logged model's model-version tag, the UI's
artifact upload and logged-model file viewer, runs/log-model, MLflow's signup page.

Each case runs against Swiftrack and (SWIFTRACK_COMPAT_TARGET=mlflow) against real `mlflow server`.
"""
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
