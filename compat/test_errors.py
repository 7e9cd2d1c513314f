"""Raw HTTP: error envelopes, statuses, messages, odd inputs, service routes.

Every MLflow error body is JSON {"error_code", "message", ...}; MLflow also sends "sqlstate"
and "error_class", which these tests do not require.
"""
import pytest

from helpers import assert_error

HINT = "See the API docs for more information about request parameters."


def missing(field):
    return f"Missing value for required parameter '{field}'. {HINT}"


def bad_type(value_repr, field, type_name):
    return f"Invalid value {value_repr} for parameter '{field}' supplied:  Hint: Value was of type '{type_name}'. {HINT}"


# --- not found --------------------------------------------------------------------------------

def test_get_missing_experiment(api):
    assert_error(api.get("experiments/get", {"experiment_id": "987654"}), 404,
                 "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=987654 exists")


def test_experiment_id_not_an_integer(api):
    assert_error(api.get("experiments/get", {"experiment_id": "abc"}), 400, "INVALID_PARAMETER_VALUE",
                 "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.")


def test_get_missing_experiment_by_name(api, unique):
    assert_error(api.get("experiments/get-by-name", {"experiment_name": f"nope-{unique}"}), 404,
                 "RESOURCE_DOES_NOT_EXIST", f"Could not find experiment with name 'nope-{unique}'")


def test_get_missing_run(api):
    assert_error(api.get("runs/get", {"run_id": "f" * 32}), 404,
                 "RESOURCE_DOES_NOT_EXIST", f"Run with id={'f' * 32} not found")


@pytest.mark.parametrize("path,body", [
    ("experiments/delete", {"experiment_id": "987654"}),
    ("experiments/restore", {"experiment_id": "987654"}),
    ("experiments/update", {"experiment_id": "987654", "new_name": "x"}),
    ("experiments/set-experiment-tag", {"experiment_id": "987654", "key": "a", "value": "b"}),
    ("runs/create", {"experiment_id": "987654"}),
])
def test_writes_to_missing_experiment(api, path, body):
    assert_error(api.post(path, body), 404, "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=987654 exists")


@pytest.mark.parametrize("path,body", [
    ("runs/delete", {}),
    ("runs/restore", {}),
    ("runs/update", {"status": "FINISHED"}),
    ("runs/log-metric", {"key": "m", "value": 1.0, "timestamp": 1}),
    ("runs/log-parameter", {"key": "p", "value": "1"}),
    ("runs/set-tag", {"key": "t", "value": "1"}),
    ("runs/log-batch", {"params": [{"key": "p", "value": "1"}]}),
])
def test_writes_to_missing_run(api, path, body):
    rid = "e" * 32
    assert_error(api.post(path, {"run_id": rid, **body}), 404, "RESOURCE_DOES_NOT_EXIST", f"Run with id={rid} not found")


def test_artifacts_list_missing_run(api):
    assert_error(api.get("artifacts/list", {"run_id": "d" * 32}), 404, "RESOURCE_DOES_NOT_EXIST",
                 f"Run with id={'d' * 32} not found")


def test_delete_missing_tags(api, unique):
    eid = api.create_experiment(f"err-tags-{unique}")
    rid = api.create_run(eid)
    assert_error(api.post("runs/delete-tag", {"run_id": rid, "key": "zz"}), 404, "RESOURCE_DOES_NOT_EXIST",
                 f"No tag with name: zz in run with id {rid}")
    assert_error(api.post("experiments/delete-experiment-tag", {"experiment_id": eid, "key": "zz"}), 404,
                 "RESOURCE_DOES_NOT_EXIST", f"No tag with name: zz in experiment with id {eid}")


# --- malformed requests -----------------------------------------------------------------------

def test_malformed_json_is_read_as_empty(api):
    r = api.post("experiments/create", data="{not json", headers={"Content-Type": "application/json"})
    assert_error(r, 400, "INVALID_PARAMETER_VALUE", missing("name"))


def test_content_type_must_be_json(api, unique):
    r = api.post("experiments/create", data='{"name": "ct-%s"}' % unique, headers={"Content-Type": "text/plain"})
    assert_error(r, 400, "INVALID_PARAMETER_VALUE", "Bad Request. Content-Type must be one of ['application/json'].")
    # charset parameters are fine
    r = api.post("experiments/create", data='{"name": "ct-%s"}' % unique,
                 headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("path,body,field", [
    ("experiments/create", {}, "name"),
    ("experiments/create", {"name": ""}, "name"),
    ("experiments/update", {"experiment_id": "0"}, "new_name"),
    ("experiments/delete", {}, "experiment_id"),
    ("runs/log-metric", {"run_id": "x", "value": 1.0, "timestamp": 1}, "key"),
    ("runs/log-metric", {"run_id": "x", "key": "m", "timestamp": 1}, "value"),
    ("runs/log-metric", {"run_id": "x", "key": "m", "value": 1.0}, "timestamp"),
    ("runs/log-parameter", {"run_id": "x", "value": "1"}, "key"),
    ("runs/set-tag", {"run_id": "x", "value": "1"}, "key"),
    ("runs/delete", {}, "run_id"),
    ("runs/log-batch", {"run_id": "x", "metrics": [{"key": "m", "value": 1}]}, "metrics[0].timestamp"),
])
def test_missing_required_fields_post(api, path, body, field):
    assert_error(api.post(path, body), 400, "INVALID_PARAMETER_VALUE", missing(field))


@pytest.mark.parametrize("path,field", [
    ("experiments/get", "experiment_id"),
    ("experiments/get-by-name", "experiment_name"),
    ("runs/get", "run_id"),
    ("artifacts/list", "run_id"),
])
def test_missing_required_fields_get(api, path, field):
    assert_error(api.get(path), 400, "INVALID_PARAMETER_VALUE", missing(field))


def test_get_history_requires_metric_key(api):
    assert_error(api.get("metrics/get-history", {"run_id": "x"}), 400, "INVALID_PARAMETER_VALUE", missing("metric_key"))


def test_wrong_types(api, unique):
    eid = api.create_experiment(f"types-{unique}")
    rid = api.create_run(eid)
    assert_error(api.post("experiments/search", {"max_results": "abc"}), 400, "INVALID_PARAMETER_VALUE",
                 bad_type('"abc"', "max_results", "str"))
    assert_error(api.post("runs/search", {"experiment_ids": [eid], "max_results": "abc"}), 400,
                 "INVALID_PARAMETER_VALUE", bad_type('"abc"', "max_results", "str"))
    assert_error(api.post("runs/search", {"experiment_ids": eid}), 400, "INVALID_PARAMETER_VALUE",
                 bad_type(f'"{eid}"', "experiment_ids", "str"))
    assert_error(api.post("runs/log-metric", {"run_id": rid, "key": "m", "value": "x", "timestamp": 1}), 400,
                 "INVALID_PARAMETER_VALUE", bad_type('"x"', "value", "str"))
    assert_error(api.post("runs/log-metric", {"run_id": rid, "key": "m", "value": 1.0, "timestamp": "abc"}), 400,
                 "INVALID_PARAMETER_VALUE", bad_type('"abc"', "timestamp", "str"))
    assert_error(api.post("experiments/create", {"name": 5}), 400, "INVALID_PARAMETER_VALUE",
                 bad_type("5", "name", "int"))
    assert_error(api.post("runs/log-parameter", {"run_id": rid, "key": "p", "value": 5}), 400,
                 "INVALID_PARAMETER_VALUE", bad_type("5", "value", "int"))
    # nothing was logged by the rejected requests
    assert api.get("runs/get", {"run_id": rid}).json()["run"]["data"].get("metrics") is None


def test_unknown_fields_are_ignored(api, unique):
    r = api.post("experiments/create", {"name": f"unk-{unique}", "bogus": 1, "nested": {"x": [1]}})
    assert r.status_code == 200, r.text
    eid = r.json()["experiment_id"]
    r = api.post("runs/create", {"experiment_id": eid, "start_time": 1, "whatever": True,
                                 "tags": [{"key": "x", "value": "y", "extra": 1}]})
    assert r.status_code == 200, r.text
    tags = {t["key"]: t["value"] for t in r.json()["run"]["data"]["tags"]}
    assert tags["x"] == "y"


def test_create_run_without_experiment_id_is_400(api):
    # MLflow leaks an sqlite FOREIGN KEY error (error_code BAD_REQUEST); only the status is stable
    assert api.post("runs/create", {}).status_code == 400


# --- search argument errors -------------------------------------------------------------------

def test_search_argument_errors(api, unique):
    eid = api.create_experiment(f"srcherr-{unique}")
    assert_error(api.post("experiments/search", {"max_results": 1, "page_token": "garbage"}), 400,
                 "INVALID_PARAMETER_VALUE", "Invalid page token, could not base64-decode")
    assert_error(api.post("runs/search", {"experiment_ids": [eid], "page_token": "garbage"}), 400,
                 "INVALID_PARAMETER_VALUE", "Invalid page token, could not base64-decode")
    assert_error(api.post("experiments/search", {"max_results": 100000}), 400, "INVALID_PARAMETER_VALUE",
                 "Invalid value 100000 for parameter 'max_results' supplied. It must be at most 50000")
    assert_error(api.post("runs/search", {"experiment_ids": [eid], "max_results": 50001}), 400,
                 "INVALID_PARAMETER_VALUE", bad_type("50001", "max_results", "int"))
    assert_error(api.post("runs/search", {"experiment_ids": [eid], "filter": "metrics.m >> 1"}), 400,
                 # MLflow prints a Python set here, so the order of the comparators varies
                 "INVALID_PARAMETER_VALUE", contains="Invalid comparator '>>' not one of '{")
    assert_error(api.post("runs/search", {"experiment_ids": [eid], "order_by": ["nope.m DESC"]}), 400,
                 "INVALID_PARAMETER_VALUE",
                 "Invalid entity type 'nope'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']")


# --- limits -----------------------------------------------------------------------------------

def _m(i):
    return {"key": f"m{i}", "value": float(i), "timestamp": 1, "step": 0}


@pytest.mark.parametrize("body,message", [
    ({"metrics": [_m(i) for i in range(1001)]},
     "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. "
     "Please split up metrics across multiple requests and try again."),
    ({"params": [{"key": f"p{i}", "value": "v"} for i in range(101)]},
     "A batch logging request can contain at most 100 params. Got 101 params. "
     "Please split up params across multiple requests and try again."),
    ({"tags": [{"key": f"t{i}", "value": "v"} for i in range(101)]},
     "A batch logging request can contain at most 100 tags. Got 101 tags. "
     "Please split up tags across multiple requests and try again."),
    ({"metrics": [_m(i) for i in range(901)], "params": [{"key": f"p{i}", "value": "v"} for i in range(100)]},
     "A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 metrics, params, "
     "and tags. Please split up metrics, params, and tags across multiple requests and try again."),
    ({"metrics": [_m(i) for i in range(1000)], "tags": [{"key": "t", "value": "v"}]},
     "A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 metrics, params, "
     "and tags. Please split up metrics, params, and tags across multiple requests and try again."),
])
def test_log_batch_over_limits_writes_nothing(api, unique, body, message):
    eid = api.create_experiment(f"limits-{unique}")
    rid = api.create_run(eid)
    before = api.get("runs/get", {"run_id": rid}).json()["run"]["data"]
    assert_error(api.post("runs/log-batch", {"run_id": rid, **body}), 400, "INVALID_PARAMETER_VALUE", message)
    assert api.get("runs/get", {"run_id": rid}).json()["run"]["data"] == before


def test_log_batch_at_limits_is_fine(api, unique):
    eid = api.create_experiment(f"atlimit-{unique}")
    rid = api.create_run(eid)
    r = api.post("runs/log-batch", {"run_id": rid, "metrics": [_m(i) for i in range(900)],
                                    "params": [{"key": f"p{i}", "value": "v"} for i in range(50)],
                                    "tags": [{"key": f"t{i}", "value": "v"} for i in range(50)]})
    assert r.status_code == 200 and r.json() == {}
    data = api.get("runs/get", {"run_id": rid}).json()["run"]["data"]
    assert len(data["metrics"]) == 900 and len(data["params"]) == 50
    assert len([t for t in data["tags"] if not t["key"].startswith("mlflow.")]) == 50


def test_log_batch_duplicate_param_keys(api, unique):
    eid = api.create_experiment(f"dupkeys-{unique}")
    rid = api.create_run(eid)
    assert_error(api.post("runs/log-batch", {"run_id": rid, "params": [{"key": "d", "value": "a"}, {"key": "d", "value": "b"}]}),
                 400, "INVALID_PARAMETER_VALUE",
                 "Duplicate parameter keys have been submitted: ['d']. Please ensure the request contains only one param value per param key.")
    assert "params" not in api.get("runs/get", {"run_id": rid}).json()["run"]["data"]


def test_param_change_raw_message(api, unique):
    eid = api.create_experiment(f"pchange-{unique}")
    rid = api.create_run(eid)
    assert api.post("runs/log-parameter", {"run_id": rid, "key": "p", "value": "1"}).status_code == 200
    assert api.post("runs/log-parameter", {"run_id": rid, "key": "p", "value": "1"}).status_code == 200
    assert_error(api.post("runs/log-parameter", {"run_id": rid, "key": "p", "value": "2"}), 400, "INVALID_PARAMETER_VALUE",
                 f"Changing param values is not allowed. Param with key='p' was already logged with value='1' "
                 f"for run ID='{rid}'. Attempted logging new value '2'.")


def test_key_length_messages_raw(api, unique):
    eid = api.create_experiment(f"keylenraw-{unique}")
    rid = api.create_run(eid)
    assert_error(api.post("runs/log-parameter", {"run_id": rid, "key": "k" * 251, "value": "1"}), 400,
                 "INVALID_PARAMETER_VALUE", "'Param key' exceeds the maximum length of 250 characters")
    assert_error(api.post("runs/set-tag", {"run_id": rid, "key": "k" * 251, "value": "1"}), 400,
                 "INVALID_PARAMETER_VALUE", "'key' exceeds the maximum length of 250 characters")


@pytest.mark.parametrize("key,message", [
    ("bad!key", "Invalid value \"bad!key\" for parameter 'name' supplied: Names may only contain alphanumerics, "
                "underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."),
    ("a/../b", "Invalid value \"a/../b\" for parameter 'name' supplied: Names may be treated as files in certain "
               "cases, and must not resolve to other names when treated as such. This name would resolve to 'b'"),
    ("/lead", "Invalid value \"/lead\" for parameter 'name' supplied: Names may be treated as files in certain "
              "cases, and must not resolve to other names when treated as such. This name would resolve to '/lead'"),
    ("k" * 251, "'Metric name' exceeds the maximum length of 250 characters"),
])
def test_metric_key_validation_raw(api, unique, key, message):
    eid = api.create_experiment(f"keyraw-{unique}")
    rid = api.create_run(eid)
    assert_error(api.post("runs/log-metric", {"run_id": rid, "key": key, "value": 1.0, "timestamp": 1}), 400,
                 "INVALID_PARAMETER_VALUE", message)


# --- lifecycle errors -------------------------------------------------------------------------

def test_logging_to_deleted_run(api, unique):
    eid = api.create_experiment(f"deadrun-{unique}")
    rid = api.create_run(eid)
    assert api.post("runs/delete", {"run_id": rid}).json() == {}
    msg = f"The run {rid} must be in the 'active' state. Current state is deleted."
    assert_error(api.post("runs/log-metric", {"run_id": rid, "key": "m", "value": 1.0, "timestamp": 1}), 400, "INVALID_PARAMETER_VALUE", msg)
    assert_error(api.post("runs/log-parameter", {"run_id": rid, "key": "p", "value": "1"}), 400, "INVALID_PARAMETER_VALUE", msg)
    assert_error(api.post("runs/set-tag", {"run_id": rid, "key": "t", "value": "1"}), 400, "INVALID_PARAMETER_VALUE", msg)
    assert_error(api.post("runs/log-batch", {"run_id": rid, "tags": [{"key": "t", "value": "1"}]}), 400, "INVALID_PARAMETER_VALUE", msg)
    data = api.get("runs/get", {"run_id": rid}).json()["run"]["data"]
    assert "metrics" not in data and "params" not in data
    # deleting twice is fine, restoring brings it back
    assert api.post("runs/delete", {"run_id": rid}).status_code == 200
    assert api.post("runs/restore", {"run_id": rid}).status_code == 200
    assert api.get("runs/get", {"run_id": rid}).json()["run"]["info"]["lifecycle_stage"] == "active"


def test_create_run_in_deleted_experiment(api, unique):
    eid = api.create_experiment(f"deadexp-{unique}")
    rid = api.create_run(eid)
    assert api.post("experiments/delete", {"experiment_id": eid}).json() == {}
    assert_error(api.post("runs/create", {"experiment_id": eid}), 400, "INVALID_PARAMETER_VALUE",
                 f"The experiment {eid} must be in the 'active' state. Current state is deleted.")
    # deleting an experiment deletes its runs
    assert api.get("runs/get", {"run_id": rid}).json()["run"]["info"]["lifecycle_stage"] == "deleted"
    assert api.post("experiments/restore", {"experiment_id": eid}).json() == {}
    assert api.get("runs/get", {"run_id": rid}).json()["run"]["info"]["lifecycle_stage"] == "active"


def test_duplicate_experiment_name_raw(api, unique):
    api.create_experiment(f"dupraw-{unique}")
    body = assert_error(api.post("experiments/create", {"name": f"dupraw-{unique}"}), 400, "RESOURCE_ALREADY_EXISTS")
    assert body["message"].startswith(f"Experiment(name=dupraw-{unique}) already exists.")


def test_unknown_status_in_update_is_ignored(api, unique):
    eid = api.create_experiment(f"bogusstatus-{unique}")
    rid = api.create_run(eid)
    r = api.post("runs/update", {"run_id": rid, "status": "BOGUS"})
    assert r.status_code == 200
    assert r.json()["run_info"]["status"] == "RUNNING"


# --- routing ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/2.0/mlflow/nope", "/api/2.0/mlflow/experiments/list", "/nope/at/all",
                                  "/api/2.0/mlflow/runs/get/extra"])
def test_unknown_route_404(api, path):
    # MLflow answers with a Flask HTML page; only the status is asserted
    assert api.get(path).status_code == 404


@pytest.mark.parametrize("method,path,allowed", [
    ("GET", "/api/2.0/mlflow/runs/create", "POST"),
    ("GET", "/api/2.0/mlflow/runs/search", "POST"),
    ("POST", "/api/2.0/mlflow/experiments/get", "GET"),
    ("PUT", "/api/2.0/mlflow/experiments/create", "POST"),
    ("DELETE", "/api/2.0/mlflow/runs/delete", "POST"),
    ("POST", "/health", "GET"),
])
def test_wrong_method_405(api, method, path, allowed):
    r = api.request(method, path)
    assert r.status_code == 405
    assert allowed in r.headers.get("Allow", ""), r.headers


def test_ajax_api_twins(api, unique):
    r = api.get("/ajax-api/2.0/mlflow/experiments/get", {"experiment_id": "0"})
    assert r.status_code == 200 and r.json()["experiment"]["name"] == "Default"
    r = api.post("/ajax-api/2.0/mlflow/experiments/create", {"name": f"ajax-{unique}"})
    assert r.status_code == 200
    eid = r.json()["experiment_id"]
    r = api.post("/ajax-api/2.0/mlflow/runs/create", {"experiment_id": eid, "start_time": 1})
    rid = r.json()["run"]["info"]["run_id"]
    r = api.post("/ajax-api/2.0/mlflow/runs/search", {"experiment_ids": [eid]})
    assert [x["info"]["run_id"] for x in r.json()["runs"]] == [rid]
    r = api.post("/ajax-api/2.0/mlflow/experiments/search", {"max_results": 10, "filter": f"name = 'ajax-{unique}'"})
    assert [e["experiment_id"] for e in r.json()["experiments"]] == [eid]
    assert_error(api.get("/ajax-api/2.0/mlflow/runs/get", {"run_id": "c" * 32}), 404, "RESOURCE_DOES_NOT_EXIST",
                 f"Run with id={'c' * 32} not found")


def test_experiments_search_get_and_post(api, unique):
    eid = api.create_experiment(f"getpost-{unique}")
    api.post("experiments/set-experiment-tag", {"experiment_id": eid, "key": "k", "value": "v"})
    flt = f"name = 'getpost-{unique}'"
    r1 = api.post("experiments/search", {"max_results": 5, "filter": flt})
    r2 = api.get("experiments/search", {"max_results": 5, "filter": flt})
    assert r1.status_code == r2.status_code == 200
    assert r1.json() == r2.json()
    (exp,) = r1.json()["experiments"]
    assert exp["experiment_id"] == eid and exp["tags"] == [{"key": "k", "value": "v"}]
    assert "next_page_token" not in r1.json()
    # view_type as the enum name
    api.post("experiments/delete", {"experiment_id": eid})
    r = api.get("experiments/search", {"max_results": 5, "filter": flt, "view_type": "DELETED_ONLY"})
    assert [e["experiment_id"] for e in r.json()["experiments"]] == [eid]
    assert r.json()["experiments"][0]["lifecycle_stage"] == "deleted"
    r = api.post("experiments/search", {"max_results": 5, "filter": flt, "view_type": "ACTIVE_ONLY"})
    assert r.json() == {}


def test_experiments_search_page_token_raw(api, unique):
    for i in range(3):
        api.create_experiment(f"pt-{unique}-{i}")
    flt = f"name LIKE 'pt-{unique}-%'"
    r = api.post("experiments/search", {"max_results": 2, "filter": flt, "order_by": ["name ASC"]}).json()
    assert [e["name"] for e in r["experiments"]] == [f"pt-{unique}-0", f"pt-{unique}-1"]
    r = api.post("experiments/search", {"max_results": 2, "filter": flt, "order_by": ["name ASC"],
                                        "page_token": r["next_page_token"]}).json()
    assert [e["name"] for e in r["experiments"]] == [f"pt-{unique}-2"]
    assert "next_page_token" not in r


# --- shapes -----------------------------------------------------------------------------------

def test_run_json_shape(api, unique):
    eid = api.create_experiment(f"shape-{unique}")
    r = api.post("runs/create", {"experiment_id": eid, "start_time": 1234567890123, "run_name": "shape",
                                 "tags": [{"key": "t", "value": "v"}]})
    run = r.json()["run"]
    info = run["info"]
    rid = info["run_id"]
    assert info == {
        "run_uuid": rid, "experiment_id": eid, "run_name": "shape", "user_id": "", "status": "RUNNING",
        "start_time": 1234567890123, "artifact_uri": info["artifact_uri"], "lifecycle_stage": "active",
        "run_id": rid,
    }
    assert info["artifact_uri"].endswith(f"/artifacts/{eid}/{rid}/artifacts")
    # The order of tags is the database's (MLflow: insertion order; Swiftrack: by key): compare as sets
    assert set(run["data"]) == {"tags"}
    assert sorted(run["data"]["tags"], key=lambda t: t["key"]) == [
        {"key": "mlflow.runName", "value": "shape"}, {"key": "t", "value": "v"}]
    assert run["inputs"] == {}
    assert set(run) == {"info", "data", "inputs"}
    got = api.get("runs/get", {"run_id": rid}).json()["run"]
    # runs/get (and runs/search) add an empty "outputs" object
    assert set(got) == {"info", "data", "inputs", "outputs"} and got["outputs"] == {}
    assert got["info"] == info
    assert got["inputs"] == {}
    r = api.post("runs/update", {"run_id": rid, "status": "FINISHED", "end_time": 1234567890999})
    assert r.json() == {"run_info": {**info, "status": "FINISHED", "end_time": 1234567890999}}
    r = api.post("runs/search", {"experiment_ids": [eid]}).json()
    assert list(r) == ["runs"]
    assert set(r["runs"][0]) == {"info", "data", "inputs", "outputs"}
    assert r["runs"][0]["info"]["end_time"] == 1234567890999
    assert api.post("runs/search", {"experiment_ids": [eid], "filter": "attributes.status = 'FAILED'"}).json() == {}


def test_int64_fields_are_exact_json_numbers(api, unique):
    # int64 fields go out as JSON numbers (not strings), exactly, even beyond 2**53
    eid = api.create_experiment(f"int64-{unique}")
    rid = api.create_run(eid)
    big = 9007199254740993
    r = api.post("runs/log-metric", {"run_id": rid, "key": "m", "value": 1.0, "timestamp": big, "step": 2**40})
    assert r.status_code == 200
    r = api.get("metrics/get-history", {"run_id": rid, "metric_key": "m"})
    (m,) = r.json()["metrics"]
    assert type(m["timestamp"]) is int and m["timestamp"] == big
    assert type(m["step"]) is int and m["step"] == 2**40


def test_runs_get_accepts_legacy_run_uuid(api, unique):
    eid = api.create_experiment(f"uuid-{unique}")
    rid = api.create_run(eid)
    r = api.get("runs/get", {"run_uuid": rid})
    assert r.status_code == 200 and r.json()["run"]["info"]["run_id"] == rid


def test_generated_run_name_raw(api, unique):
    import re
    eid = api.create_experiment(f"genname-{unique}")
    run = api.post("runs/create", {"experiment_id": eid}).json()["run"]
    name = run["info"]["run_name"]
    assert re.fullmatch(r"[a-z]+-[a-z]+-\d{1,3}", name), name
    assert {"key": "mlflow.runName", "value": name} in run["data"]["tags"]
    # no start_time in the request -> 0
    assert run["info"]["start_time"] == 0


def test_artifacts_list_fresh_run(api, unique):
    eid = api.create_experiment(f"art-{unique}")
    rid = api.create_run(eid)
    artifact_uri = api.get("runs/get", {"run_id": rid}).json()["run"]["info"]["artifact_uri"]
    r = api.get("artifacts/list", {"run_id": rid})
    assert r.status_code == 200
    # no "files" key for an empty listing
    assert r.json() == {"root_uri": artifact_uri}
    r = api.get("/ajax-api/2.0/mlflow/artifacts/list", {"run_id": rid})
    assert r.json() == {"root_uri": artifact_uri}


def test_health_and_version(api):
    r = api.get("/health")
    assert r.status_code == 200 and r.text == "OK"
    r = api.get("/version")
    assert r.status_code == 200 and r.text == "3.17.2"
