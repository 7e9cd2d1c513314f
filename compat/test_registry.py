"""Model registry: the real client's registry API and raw HTTP shapes and errors.

Real models (logging, registering, loading through `models:/`) are in test_registry_models.py.
"""
import pytest
from mlflow.exceptions import MlflowException, RestException

from helpers import assert_error

HINT = "See the API docs for more information about request parameters."


@pytest.fixture
def run_info(client, unique):
    exp = client.create_experiment(f"registry-{unique}")
    return client.create_run(exp).info


def _error(excinfo):
    """(error_code, message) of a client error; the client prefixes the message with the code."""
    code, message = excinfo.value.error_code, excinfo.value.message
    return code, message[len(code) + 2:] if message.startswith(code + ": ") else message


def _model(client, name, runs=0, run_info=None):
    client.create_registered_model(name)
    versions = []
    for _ in range(runs):
        versions.append(client.create_model_version(name, f"{run_info.artifact_uri}/model", run_id=run_info.run_id))
    return versions


# --- registered models ----------------------------------------------------------------------

def test_create_get_and_duplicate(client, unique):
    name = f"model-{unique}"
    created = client.create_registered_model(name, tags={"team": "red"}, description="first")
    assert created.name == name
    assert created.description == "first"
    assert created.tags == {"team": "red"}
    assert created.creation_timestamp == created.last_updated_timestamp > 0
    fetched = client.get_registered_model(name)
    assert fetched.name == name and fetched.tags == {"team": "red"} and fetched.latest_versions == []
    with pytest.raises(MlflowException) as excinfo:
        client.create_registered_model(name)
    assert _error(excinfo) == ("RESOURCE_ALREADY_EXISTS", f"Registered Model (name={name}) already exists.")


def test_raw_registered_model_shape(api, unique):
    name = f"raw-{unique}"
    r = api.post("registered-models/create", {"name": name})
    assert r.status_code == 200, r.text
    assert list(r.json()["registered_model"]) == ["name", "creation_timestamp", "last_updated_timestamp"]
    r = api.post("registered-models/create", {"name": f"{name}-2", "description": "d",
                                               "tags": [{"key": "a", "value": "b"}]})
    assert list(r.json()["registered_model"]) == ["name", "creation_timestamp", "last_updated_timestamp",
                                                  "description", "tags"]


@pytest.mark.parametrize("bad,message", [
    ("a/b", "Invalid model name 'a/b'. Names cannot contain '/' or ':'."),
    ("a:b", "Invalid model name 'a:b'. Names cannot contain '/' or ':'."),
    (" ", "Missing value for required parameter 'name'."),
])
def test_invalid_model_names(api, bad, message):
    assert_error(api.post("registered-models/create", {"name": bad}), 400, "INVALID_PARAMETER_VALUE", message)


def test_missing_name(api):
    assert_error(api.post("registered-models/create", {}), 400, "INVALID_PARAMETER_VALUE",
                 f"Missing value for required parameter 'name'. {HINT}")


def test_missing_model(client, api, unique):
    name = f"nope-{unique}"
    with pytest.raises(MlflowException) as excinfo:
        client.get_registered_model(name)
    assert _error(excinfo) == ("RESOURCE_DOES_NOT_EXIST", f"Registered Model with name={name} not found")
    assert_error(api.request("DELETE", "registered-models/delete", json={"name": name}), 404,
                 "RESOURCE_DOES_NOT_EXIST", f"Registered Model with name={name} not found")


def test_rename_update_tags_delete(client, run_info, unique):
    old, new = f"old-{unique}", f"new-{unique}"
    _model(client, old, runs=2, run_info=run_info)
    client.set_registered_model_tag(old, "k", "v")
    client.set_registered_model_alias(old, "champion", "2")
    client.rename_registered_model(old, new)
    renamed = client.get_registered_model(new)
    assert renamed.name == new
    assert renamed.aliases == {"champion": "2"}
    assert client.get_model_version(new, "1").name == new
    assert client.get_model_version_by_alias(new, "champion").version == "2"
    with pytest.raises(MlflowException) as excinfo:
        client.get_registered_model(old)
    assert excinfo.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    updated = client.update_registered_model(new, description="described")
    assert updated.description == "described"
    client.delete_registered_model_tag(new, "k")
    client.delete_registered_model_tag(new, "never-set")
    assert client.get_registered_model(new).tags == {}
    client.delete_registered_model(new)
    with pytest.raises(MlflowException) as excinfo:
        client.get_registered_model(new)
    assert excinfo.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_rename_to_taken_name(client, unique):
    client.create_registered_model(f"a-{unique}")
    client.create_registered_model(f"b-{unique}")
    with pytest.raises(MlflowException) as excinfo:
        client.rename_registered_model(f"a-{unique}", f"b-{unique}")
    code, message = _error(excinfo)
    assert code == "RESOURCE_ALREADY_EXISTS"
    assert message.startswith(f"Registered Model (name=b-{unique}) already exists.")


# --- model versions -------------------------------------------------------------------------

def test_create_version_from_run_artifacts(client, api, run_info, unique):
    name = f"mv-{unique}"
    client.create_registered_model(name)
    source = f"{run_info.artifact_uri}/model"
    mv = client.create_model_version(name, source, run_id=run_info.run_id, tags={"t": "v"}, description="d")
    assert (mv.name, mv.version, mv.current_stage, mv.status) == (name, "1", "None", "READY")
    assert mv.source == source and mv.run_id == run_info.run_id and mv.tags == {"t": "v"}
    assert mv.description == "d"
    raw = api.get("model-versions/get", {"name": name, "version": "1"}).json()["model_version"]
    assert list(raw) == ["name", "version", "creation_timestamp", "last_updated_timestamp", "current_stage",
                         "description", "source", "run_id", "status", "tags", "run_link"]
    assert raw["run_link"] == "" and raw["version"] == "1"
    assert client.get_model_version_download_uri(name, "1") == source
    model = client.get_registered_model(name)
    assert [v.version for v in model.latest_versions] == ["1"]
    assert model.last_updated_timestamp == mv.creation_timestamp


def test_version_numbers_never_reused(client, run_info, unique):
    name = f"numbers-{unique}"
    versions = _model(client, name, runs=3, run_info=run_info)
    assert [v.version for v in versions] == ["1", "2", "3"]
    client.delete_model_version(name, "3")
    client.delete_model_version(name, "2")
    again = client.create_model_version(name, f"{run_info.artifact_uri}/model", run_id=run_info.run_id)
    assert again.version == "4"
    with pytest.raises(MlflowException) as excinfo:
        client.get_model_version(name, "3")
    assert _error(excinfo) == ("RESOURCE_DOES_NOT_EXIST", f"Model Version (name={name}, version=3) not found")


def test_source_validation(api, run_info, unique):
    name = f"sources-{unique}"
    assert api.post("registered-models/create", {"name": name}).status_code == 200
    local = ("Invalid model version source: '/tmp/elsewhere'. To use a local path as a model version source, "
             "the run_id request parameter has to be specified and the local path has to be contained within the "
             "artifact directory of the run specified by the run_id.")
    assert_error(api.post("model-versions/create", {"name": name, "source": "/tmp/elsewhere"}),
                 400, "INVALID_PARAMETER_VALUE", local)
    assert_error(api.post("model-versions/create", {"name": name, "source": "/tmp/elsewhere",
                                                    "run_id": run_info.run_id}),
                 400, "INVALID_PARAMETER_VALUE", local)
    runs_source = f"runs:/{run_info.run_id}/model"
    assert_error(api.post("model-versions/create", {"name": name, "source": runs_source}), 400,
                 "INVALID_PARAMETER_VALUE",
                 f"Invalid model version source: '{runs_source}'. The run_id request parameter must identify the "
                 "resource that contains the source.")
    ok = api.post("model-versions/create", {"name": name, "source": runs_source, "run_id": run_info.run_id})
    assert ok.status_code == 200 and ok.json()["model_version"]["run_id"] == run_info.run_id
    assert_error(api.post("model-versions/create", {"name": name, "source": "models:/m-abc"}), 400,
                 "INVALID_PARAMETER_VALUE",
                 "Invalid model version source: 'models:/m-abc'. The model_id request parameter must identify the "
                 "resource that contains the source.")
    assert_error(api.post("model-versions/create", {"name": name, "source": "s3://bucket/../x"}), 400,
                 "INVALID_PARAMETER_VALUE", contains="an absolute path must be provided without relative path")
    assert_error(api.post("model-versions/create", {"name": name, "source": "http://evil.example/x"}), 400,
                 "INVALID_PARAMETER_VALUE", contains="'source' cannot use the 'http' scheme")
    remote = api.post("model-versions/create", {"name": name, "source": "s3://bucket/x"})
    assert remote.status_code == 200 and remote.json()["model_version"]["run_id"] == ""
    lineage = api.post("model-versions/create", {"name": name, "source": f"models:/{name}/1"})
    assert lineage.status_code == 200, lineage.text
    assert lineage.json()["model_version"]["source"] == f"models:/{name}/1"
    assert lineage.json()["model_version"]["run_id"] == run_info.run_id
    assert_error(api.post("model-versions/create", {"name": f"absent-{unique}", "source": "s3://b/x"}), 404,
                 "RESOURCE_DOES_NOT_EXIST", f"Registered Model with name=absent-{unique} not found")


def test_update_and_version_tags(client, run_info, unique):
    name = f"vtags-{unique}"
    _model(client, name, runs=1, run_info=run_info)
    assert client.update_model_version(name, "1", description="hello").description == "hello"
    client.set_model_version_tag(name, "1", "k", "v")
    assert client.get_model_version(name, "1").tags == {"k": "v"}
    client.delete_model_version_tag(name, "1", "k")
    client.delete_model_version_tag(name, "1", "never-set")
    assert client.get_model_version(name, "1").tags == {}


def test_bad_version_number(api, run_info, client, unique):
    name = f"badversion-{unique}"
    _model(client, name, runs=1, run_info=run_info)
    assert_error(api.get("model-versions/get", {"name": name, "version": "x"}), 400, "INVALID_PARAMETER_VALUE",
                 "Parameter 'version' must be an integer, got 'x'.")
    assert_error(api.get("model-versions/get", {"name": name}), 400, "INVALID_PARAMETER_VALUE",
                 f"Missing value for required parameter 'version'. {HINT}")


# --- stages ---------------------------------------------------------------------------------

def test_transition_with_archive_and_latest_versions(client, run_info, unique):
    name = f"stages-{unique}"
    _model(client, name, runs=3, run_info=run_info)
    assert client.transition_model_version_stage(name, "1", "production").current_stage == "Production"
    moved = client.transition_model_version_stage(name, "2", "Production", archive_existing_versions=True)
    assert moved.current_stage == "Production"
    assert client.get_model_version(name, "1").current_stage == "Archived"
    client.transition_model_version_stage(name, "3", "staging")
    latest = client.get_latest_versions(name)
    assert sorted((v.version, v.current_stage) for v in latest) == [
        ("1", "Archived"), ("2", "Production"), ("3", "Staging")]
    assert [v.version for v in client.get_latest_versions(name, stages=["production"])] == ["2"]
    with pytest.raises(MlflowException) as excinfo:
        client.transition_model_version_stage(name, "1", "bogus")
    assert _error(excinfo) == ("INVALID_PARAMETER_VALUE", "Invalid Model Version stage: bogus. Value must be one "
                               "of None, Staging, Production, Archived.")


def test_archive_needs_an_active_stage(api, client, run_info, unique):
    name = f"archive-{unique}"
    _model(client, name, runs=1, run_info=run_info)
    r = api.post("model-versions/transition-stage", {"name": name, "version": "1", "stage": "None",
                                                     "archive_existing_versions": True})
    # MLflow answers 500 INTERNAL_ERROR here (a plain MlflowException); Swiftrack answers 400.
    assert r.status_code in (400, 500)
    assert r.json()["message"] == ("Model version transition cannot archive existing model versions because "
                                   "'None' is not an Active stage. Valid stages are ['Staging', 'Production']")


@pytest.mark.swiftrack_only
def test_archive_needs_an_active_stage_is_a_client_error(api, client, run_info, unique):
    # MLflow leaks this validation failure as 500 INTERNAL_ERROR; it is the caller's mistake.
    name = f"archive400-{unique}"
    _model(client, name, runs=1, run_info=run_info)
    assert_error(api.post("model-versions/transition-stage", {"name": name, "version": "1", "stage": "None",
                                                              "archive_existing_versions": True}),
                 400, "INVALID_PARAMETER_VALUE", contains="is not an Active stage")


# --- aliases --------------------------------------------------------------------------------

def test_aliases(client, api, run_info, unique):
    name = f"alias-{unique}"
    _model(client, name, runs=2, run_info=run_info)
    client.set_registered_model_alias(name, "champion", "1")
    mv = client.get_model_version_by_alias(name, "champion")
    assert mv.version == "1" and mv.aliases == ["champion"]
    client.set_registered_model_alias(name, "champion", "2")
    assert client.get_model_version_by_alias(name, "champion").version == "2"
    assert client.get_registered_model(name).aliases == {"champion": "2"}
    assert client.get_model_version_by_alias(name, "latest").version == "2"
    raw = api.get("registered-models/get", {"name": name}).json()["registered_model"]
    assert raw["aliases"] == [{"alias": "champion", "version": "2"}]
    assert all("aliases" not in v for v in raw["latest_versions"])
    client.delete_registered_model_alias(name, "champion")
    client.delete_registered_model_alias(name, "champion")
    assert client.get_registered_model(name).aliases == {}


def test_alias_errors(client, api, run_info, unique):
    name = f"aliaserr-{unique}"
    _model(client, name, runs=1, run_info=run_info)
    with pytest.raises(MlflowException) as excinfo:
        client.get_model_version_by_alias(name, "nope")
    assert _error(excinfo) == ("INVALID_PARAMETER_VALUE", "Registered model alias nope not found.")
    with pytest.raises(MlflowException) as excinfo:
        client.get_model_version_by_alias(f"absent-{unique}", "nope")
    assert _error(excinfo) == ("RESOURCE_DOES_NOT_EXIST", f"Registered Model with name=absent-{unique} not found")
    for alias, message in [("latest", "'latest' alias name (case insensitive) is reserved."),
                           ("V3", "Version alias name 'V3' is reserved."),
                           ("a.b", "Invalid alias name: 'a.b'. Names may only contain alphanumerics, underscores "
                                   "(_), and dashes (-).")]:
        assert_error(api.post("registered-models/alias", {"name": name, "alias": alias, "version": "1"}), 400,
                     "INVALID_PARAMETER_VALUE", message)
    assert_error(api.post("registered-models/alias", {"name": name, "alias": "x", "version": "99"}), 404,
                 "RESOURCE_DOES_NOT_EXIST", f"Model Version (name={name}, version=99) not found")


# --- search ---------------------------------------------------------------------------------

def test_search_registered_models(client, unique):
    names = [f"srch-{unique}-{suffix}" for suffix in ("b", "a", "c")]
    for name in names:
        client.create_registered_model(name)
    client.set_registered_model_tag(names[0], "team", "red")
    found = client.search_registered_models(filter_string=f"name LIKE 'srch-{unique}-%'")
    assert [m.name for m in found] == sorted(names)
    found = client.search_registered_models(filter_string=f"name LIKE 'srch-{unique}-%'", order_by=["name DESC"])
    assert [m.name for m in found] == sorted(names, reverse=True)
    assert [m.name for m in client.search_registered_models(
        filter_string=f"name LIKE 'srch-{unique}-%' AND tags.team = 'red'")] == [names[0]]
    assert [m.name for m in client.search_registered_models(
        filter_string=f"name ILIKE 'SRCH-{unique}-A'")] == [names[1]]
    page = client.search_registered_models(filter_string=f"name LIKE 'srch-{unique}-%'", max_results=2)
    assert [m.name for m in page] == sorted(names)[:2] and page.token
    rest = client.search_registered_models(filter_string=f"name LIKE 'srch-{unique}-%'", max_results=2,
                                           page_token=page.token)
    assert [m.name for m in rest] == sorted(names)[2:] and not rest.token


def test_search_model_versions(client, run_info, unique):
    name = f"svers-{unique}"
    _model(client, name, runs=3, run_info=run_info)
    client.set_model_version_tag(name, "2", "k", "v")
    found = client.search_model_versions(f"name = '{name}'")
    assert [v.version for v in found] == ["3", "2", "1"]
    found = client.search_model_versions(f"name = '{name}' AND version_number >= 2",
                                         order_by=["version_number ASC"])
    assert [v.version for v in found] == ["2", "3"]
    assert [v.version for v in client.search_model_versions(f"name = '{name}' AND tags.k = 'v'")] == ["2"]
    by_run = client.search_model_versions(f"run_id = '{run_info.run_id}'")
    assert {v.version for v in by_run} == {"1", "2", "3"}
    by_source = client.search_model_versions(f"name = '{name}' AND source_path LIKE '%/model'")
    assert len(by_source) == 3


@pytest.mark.parametrize("path,params,message", [
    ("registered-models/search", {"filter": "foo = 'x'"}, "Invalid attribute key 'foo' specified. "
                                                          "Valid keys are '{'name'}'"),
    ("registered-models/search", {"filter": "name > 'x'"}, "Invalid comparator for attribute: >"),
    ("registered-models/search", {"max_results": "1001"},
     f"Invalid value \"1001\" for parameter 'max_results' supplied:  Hint: Value was of type 'str'. {HINT}"),
    ("model-versions/search", {"filter": "version_number LIKE '1'"},
     "Invalid comparator for attribute version_number: LIKE"),
    ("model-versions/search", {"filter": "source_path IN ('a')"},
     "Only ['name', 'run_id'] attributes support comparison with a list of quoted string values."),
    ("model-versions/search", {"max_results": "0"},
     "Invalid value for max_results. It must be a positive integer, but got 0"),
])
def test_search_errors(api, path, params, message):
    assert_error(api.get(path, params), 400, "INVALID_PARAMETER_VALUE", message)


def test_search_errors_listing_key_sets(api):
    # Python prints these sets in hash order, which changes between processes.
    r = api.get("model-versions/search", {"filter": "bogus = 'a'"})
    body = assert_error(r, 400, "INVALID_PARAMETER_VALUE", contains="Invalid attribute key 'bogus' specified.")
    for key in ("run_id", "source_path", "name", "version_number"):
        assert f"'{key}'" in body["message"]
    body = assert_error(api.get("registered-models/search", {"order_by": "bogus"}), 400, "INVALID_PARAMETER_VALUE",
                        contains="Invalid order by key 'bogus' specified.")
    assert "'name'" in body["message"] and "'timestamp'" in body["message"]


def test_methods(api):
    assert api.request("GET", "registered-models/create").status_code == 405
    assert api.request("POST", "registered-models/search", json={}).status_code == 405
    assert api.request("POST", "registered-models/update", json={}).status_code == 405
    assert api.request("GET", "/ajax-api/2.0/mlflow/registered-models/search").status_code == 200


# --- concurrency with real parallel clients -----------------------------------------------------

def _parallel(count, work):
    """Runs `work(i)` for i in range(count) on as many threads at once, each with its own HTTP session."""
    import threading
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_parallel_version_registration_gets_distinct_consecutive_numbers(server, run_info, unique):
    import requests
    name = f"par-{unique}"
    assert requests.post(f"{server}/api/2.0/mlflow/registered-models/create", json={"name": name}).status_code == 200
    body = {"name": name, "source": f"{run_info.artifact_uri}/model", "run_id": run_info.run_id}

    def register(_):
        with requests.Session() as session:
            r = session.post(f"{server}/api/2.0/mlflow/model-versions/create", json=body, timeout=30)
            return r.status_code, r.json().get("model_version", {}).get("version")

    results = _parallel(12, register)
    assert [status for status, _ in results] == [200] * 12
    assert sorted(int(version) for _, version in results) == list(range(1, 13))


def test_parallel_creation_of_one_name_has_one_winner(server, unique):
    import requests
    name = f"race-{unique}"

    def create(_):
        with requests.Session() as session:
            r = session.post(f"{server}/api/2.0/mlflow/registered-models/create", json={"name": name}, timeout=30)
            return r.status_code, r.json().get("error_code")

    results = _parallel(12, create)
    assert sorted(results, key=str) == sorted([(200, None)] + [(400, "RESOURCE_ALREADY_EXISTS")] * 11, key=str)
