"""Metrics: history, latest value, special floats, the UI's bulk-interval route."""
import math
import time

import mlflow
import pytest

from helpers import assert_error

MAX_DOUBLE = 1.7976931348623157e308


def test_log_metric_steps_and_history(client, unique):
    mlflow.set_experiment(f"hist-{unique}")
    with mlflow.start_run() as run:
        for step, v in enumerate([0.9, 0.6, 0.4, 0.3]):
            mlflow.log_metric("loss", v, step=step)
        mlflow.log_metrics({"acc": 0.8, "f1": 0.75}, step=3)
    rid = run.info.run_id
    hist = client.get_metric_history(rid, "loss")
    assert [(m.key, m.value, m.step) for m in hist] == [
        ("loss", 0.9, 0), ("loss", 0.6, 1), ("loss", 0.4, 2), ("loss", 0.3, 3)]
    ts = [m.timestamp for m in hist]
    assert ts == sorted(ts) and all(t > 1_600_000_000_000 for t in ts)
    assert mlflow.get_run(rid).data.metrics == {"loss": 0.3, "acc": 0.8, "f1": 0.75}
    assert client.get_metric_history(rid, "absent") == []


def test_metric_default_step_is_zero(client, unique):
    eid = client.create_experiment(f"step0-{unique}")
    rid = client.create_run(eid).info.run_id
    client.log_metric(rid, "m", 1.5)
    (m,) = client.get_metric_history(rid, "m")
    assert m.step == 0 and m.value == 1.5


def test_latest_metric_is_value_at_max_step(client, unique):
    eid = client.create_experiment(f"latest-{unique}")
    rid = client.create_run(eid).info.run_id
    client.log_metric(rid, "m", 3.0, timestamp=30, step=2)
    client.log_metric(rid, "m", 1.0, timestamp=10, step=0)
    client.log_metric(rid, "m", 5.0, timestamp=5, step=5)
    client.log_metric(rid, "m", 2.0, timestamp=40, step=1)   # logged last, but lower step
    client.log_metric(rid, "m", 6.0, timestamp=4, step=5)    # same step, older timestamp
    assert client.get_run(rid).data.metrics["m"] == 5.0
    # history is ordered by timestamp, then step, then value
    hist = client.get_metric_history(rid, "m")
    assert [(m.value, m.step, m.timestamp) for m in hist] == [
        (6.0, 5, 4), (5.0, 5, 5), (1.0, 0, 10), (3.0, 2, 30), (2.0, 1, 40)]


def test_nan_and_inf_round_trip(client, api, unique):
    eid = client.create_experiment(f"special-{unique}")
    rid = client.create_run(eid).info.run_id
    client.log_metric(rid, "nan", float("nan"), timestamp=10)
    client.log_metric(rid, "inf", float("inf"), timestamp=10)
    client.log_metric(rid, "ninf", float("-inf"), timestamp=10)
    m = client.get_run(rid).data.metrics
    assert math.isnan(m["nan"])
    # infinities are clamped to +-DBL_MAX by the server
    assert m["inf"] == MAX_DOUBLE and m["ninf"] == -MAX_DOUBLE
    assert math.isnan(client.get_metric_history(rid, "nan")[0].value)
    # on the wire NaN is the JSON string "NaN"; the clamped infinity is a plain number
    r = api.get("metrics/get-history", {"run_id": rid, "metric_key": "nan"})
    assert r.json() == {"metrics": [{"key": "nan", "value": "NaN", "timestamp": 10, "step": 0}]}
    r = api.get("metrics/get-history", {"run_id": rid, "metric_key": "ninf"})
    assert r.json() == {"metrics": [{"key": "ninf", "value": -MAX_DOUBLE, "timestamp": 10, "step": 0}]}


def test_infinity_as_json_strings_raw(api, unique):
    eid = api.create_experiment(f"infraw-{unique}")
    rid = api.create_run(eid)
    r = api.post("runs/log-batch", {"run_id": rid, "metrics": [
        {"key": "a", "value": "Infinity", "timestamp": 1},
        {"key": "b", "value": "-Infinity", "timestamp": 1},
        {"key": "c", "value": "NaN", "timestamp": 1}]})
    assert r.status_code == 200 and r.json() == {}
    metrics = {m["key"]: m["value"] for m in api.get("runs/get", {"run_id": rid}).json()["run"]["data"]["metrics"]}
    assert metrics == {"a": MAX_DOUBLE, "b": -MAX_DOUBLE, "c": "NaN"}


def test_get_history_raw_shape_and_paging(api, unique):
    eid = api.create_experiment(f"histraw-{unique}")
    rid = api.create_run(eid)
    for i in range(3):
        assert api.post("runs/log-metric", {"run_id": rid, "key": "m", "value": i * 1.5,
                                            "timestamp": 1000 + i, "step": i}).json() == {}
    r = api.get("metrics/get-history", {"run_id": rid, "metric_key": "m"})
    assert r.status_code == 200
    assert r.json() == {"metrics": [
        {"key": "m", "value": 0.0, "timestamp": 1000, "step": 0},
        {"key": "m", "value": 1.5, "timestamp": 1001, "step": 1},
        {"key": "m", "value": 3.0, "timestamp": 1002, "step": 2}]}
    page = api.get("metrics/get-history", {"run_id": rid, "metric_key": "m", "max_results": 2}).json()
    assert [m["step"] for m in page["metrics"]] == [0, 1]
    assert page["next_page_token"]
    rest = api.get("metrics/get-history", {"run_id": rid, "metric_key": "m", "max_results": 2,
                                           "page_token": page["next_page_token"]}).json()
    assert [m["step"] for m in rest["metrics"]] == [2]
    assert "next_page_token" not in rest
    # unknown metric: empty object (the list is omitted, not [])
    assert api.get("metrics/get-history", {"run_id": rid, "metric_key": "nope"}).json() == {}


def test_string_numbers_accepted_for_int64_fields(api, unique):
    # proto3 JSON: int64 fields accept decimal strings; responses encode them as numbers
    eid = api.create_experiment(f"strnum-{unique}")
    rid = api.create_run(eid)
    r = api.post("runs/log-metric", {"run_id": rid, "key": "m", "value": 2.5, "timestamp": "7", "step": "3"})
    assert r.status_code == 200
    assert api.get("metrics/get-history", {"run_id": rid, "metric_key": "m"}).json() == {
        "metrics": [{"key": "m", "value": 2.5, "timestamp": 7, "step": 3}]}


def test_history_bulk_interval_as_ui_calls_it(api, unique):
    eid = api.create_experiment(f"bulk-{unique}")
    r1 = api.create_run(eid)
    r2 = api.create_run(eid)
    for i in range(5):
        api.post("runs/log-metric", {"run_id": r1, "key": "loss", "value": 10.0 - i, "timestamp": 100 + i, "step": i})
    api.post("runs/log-metric", {"run_id": r2, "key": "loss", "value": 0.5, "timestamp": 200, "step": 0})
    api.post("runs/log-metric", {"run_id": r2, "key": "loss", "value": 0.25, "timestamp": 201, "step": 7})
    # the UI sends repeated run_ids, metric_key and max_results as query parameters
    url = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"
    r = api.get(url, [("run_ids", r2), ("run_ids", r1), ("metric_key", "loss"), ("max_results", 320)])
    assert r.status_code == 200, r.text
    got = [(m["run_id"], m["step"], m["value"], m["timestamp"], m["key"]) for m in r.json()["metrics"]]
    # runs in request order, each ordered by step
    assert got == [(r2, 0, 0.5, 200, "loss"), (r2, 7, 0.25, 201, "loss")] + [
        (r1, i, 10.0 - i, 100 + i, "loss") for i in range(5)]
    # max_results samples steps evenly, keeping the first and the last
    r = api.get(url, [("run_ids", r1), ("metric_key", "loss"), ("max_results", 2)])
    assert [m["step"] for m in r.json()["metrics"]] == [0, 4]
    r = api.get(url, [("run_ids", r1), ("metric_key", "loss"), ("start_step", 1), ("end_step", 3), ("max_results", 10)])
    assert [m["step"] for m in r.json()["metrics"]] == [1, 2, 3]
    # the /api/2.0 twin answers the same
    r = api.get("metrics/get-history-bulk-interval", [("run_ids", r1), ("metric_key", "loss"), ("max_results", 2)])
    assert [m["step"] for m in r.json()["metrics"]] == [0, 4]
    # a key nobody logged: empty object
    r = api.get(url, [("run_ids", r1), ("metric_key", "nothing"), ("max_results", 320)])
    assert r.status_code == 200 and r.json() == {}


def test_history_bulk_interval_errors(api, unique):
    eid = api.create_experiment(f"bulkerr-{unique}")
    rid = api.create_run(eid)
    url = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"
    assert_error(api.get(url, [("metric_key", "m")]), 400, "INVALID_PARAMETER_VALUE",
                 "Missing value for required parameter 'run_ids'. See the API docs for more information about request parameters.")
    assert_error(api.get(url, [("run_ids", rid), ("metric_key", "m"), ("max_results", 0)]), 400, "INVALID_PARAMETER_VALUE",
                 "max_results must be between 1 and 2500. See the API docs for more information about request parameters.")
    assert_error(api.get(url, [("run_ids", rid), ("metric_key", "m"), ("max_results", 2501)]), 400, "INVALID_PARAMETER_VALUE",
                 "max_results must be between 1 and 2500. See the API docs for more information about request parameters.")
    assert_error(api.get(url, [("run_ids", rid), ("metric_key", "m"), ("start_step", 1)]), 400, "INVALID_PARAMETER_VALUE",
                 "If either start step or end step are specified, both must be specified.")
    assert_error(api.get(url, [("run_ids", rid)] * 101 + [("metric_key", "m")]), 400, "INVALID_PARAMETER_VALUE",
                 "GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 101 run_ids. "
                 "See the API docs for more information about request parameters.")
