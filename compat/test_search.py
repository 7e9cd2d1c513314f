"""search_runs (pandas and list), filters, ordering, pagination, datasets."""
import math

import mlflow
import pandas as pd
import pytest
from mlflow.entities import Metric, Param, RunTag, ViewType

from helpers import assert_error

RUNS = {
    # name: (start_time, metrics, params, tags, status)
    "alpha": (1000, {"acc": 0.9, "loss": 0.1, "my metric": 1.0}, {"lr": "0.1", "group": "a", "param-x": "y"}, {"team": "ml-core"}, "FINISHED"),
    "beta": (2000, {"acc": 0.5, "loss": 0.5}, {"lr": "0.2", "group": "a"}, {"team": "ml-infra"}, "FINISHED"),
    "gamma": (3000, {"acc": 0.7, "loss": 0.3}, {"lr": "0.3", "group": "b"}, {"team": "data"}, "FAILED"),
    "delta": (4000, {"loss": 0.4}, {"lr": "0.1", "group": "b"}, {"team": "ML-upper"}, "RUNNING"),
    "eps": (5000, {"acc": 0.7, "loss": 0.2}, {"lr": "0.2", "group": "b"}, {}, "FINISHED"),
}


@pytest.fixture(scope="module")
def corpus(server):
    import uuid
    from mlflow import MlflowClient
    client = MlflowClient(tracking_uri=server)
    eid = client.create_experiment(f"search-{uuid.uuid4().hex[:10]}")
    ids = {}
    for name, (start, metrics, params, tags, status) in RUNS.items():
        run = client.create_run(eid, start_time=start, run_name=name)
        rid = run.info.run_id
        client.log_batch(rid,
                         metrics=[Metric(k, v, start + 1, 0) for k, v in metrics.items()],
                         params=[Param(k, v) for k, v in params.items()],
                         tags=[RunTag(k, v) for k, v in tags.items()])
        if status != "RUNNING":
            client.set_terminated(rid, status=status, end_time=start + 500)
        ids[name] = rid
    names = {v: k for k, v in ids.items()}
    return eid, ids, names


def _names(corpus, runs):
    _, _, names = corpus
    if isinstance(runs, pd.DataFrame):
        return [names[r] for r in runs["run_id"]]
    return [names[r.info.run_id] for r in runs]


def _search(corpus, filter_string="", order_by=None, **kw):
    eid = corpus[0]
    return mlflow.search_runs(experiment_ids=[eid], filter_string=filter_string, order_by=order_by,
                              output_format="list", **kw)


def test_dataframe_shape_and_values(corpus):
    eid, ids, _ = corpus
    df = mlflow.search_runs(experiment_ids=[eid])
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 5
    # default order: newest start_time first
    assert _names(corpus, df) == ["eps", "delta", "gamma", "beta", "alpha"]
    for col in ["run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time",
                "metrics.acc", "metrics.loss", "metrics.my metric", "params.lr", "params.group",
                "params.param-x", "tags.team", "tags.mlflow.runName"]:
        assert col in df.columns, (col, list(df.columns))
    row = df.set_index("run_id").loc[ids["alpha"]]
    assert row["status"] == "FINISHED"
    assert row["experiment_id"] == eid
    assert row["metrics.acc"] == 0.9
    assert row["params.lr"] == "0.1"
    assert row["tags.team"] == "ml-core"
    assert row["tags.mlflow.runName"] == "alpha"
    assert row["start_time"] == pd.Timestamp(1000, unit="ms", tz="UTC")
    assert row["end_time"] == pd.Timestamp(1500, unit="ms", tz="UTC")
    delta = df.set_index("run_id").loc[ids["delta"]]
    assert math.isnan(delta["metrics.acc"])
    assert delta["status"] == "RUNNING"


@pytest.mark.parametrize("flt,expected", [
    ("metrics.acc > 0.6", ["eps", "gamma", "alpha"]),
    ("metrics.acc >= 0.7 AND metrics.loss < 0.25", ["eps", "alpha"]),
    ("metrics.loss != 0.5", ["eps", "delta", "gamma", "alpha"]),
    ("metrics.acc != 0.5", ["eps", "gamma", "alpha"]),  # runs without the metric never match
    ("params.lr = '0.1'", ["delta", "alpha"]),
    ("params.lr != '0.1'", ["eps", "gamma", "beta"]),
    ("tags.team LIKE 'ml%'", ["beta", "alpha"]),
    ("tags.team ILIKE 'ml%'", ["delta", "beta", "alpha"]),
    ("tags.team = 'data'", ["gamma"]),
    ("attributes.status = 'FINISHED'", ["eps", "beta", "alpha"]),
    ("attributes.status != 'FINISHED'", ["delta", "gamma"]),
    ("status = 'FAILED'", ["gamma"]),
    ("attributes.run_name = 'beta'", ["beta"]),
    ("run_name = 'beta'", ["beta"]),
    ("attributes.run_name LIKE '%ta'", ["delta", "beta"]),
    ("metrics.`my metric` > 0", ["alpha"]),
    ("params.`param-x` = 'y'", ["alpha"]),
    ("tags.`mlflow.runName` = 'gamma'", ["gamma"]),
    ("tags.mlflow.runName = 'gamma'", ["gamma"]),
    ("attributes.start_time > 2500", ["eps", "delta", "gamma"]),
    ("attributes.end_time < 2600", ["beta", "alpha"]),
    ("params.lr = '0.9'", []),
])
def test_filters(corpus, flt, expected):
    assert _names(corpus, _search(corpus, flt)) == expected


def test_filter_run_id_in(corpus):
    _, ids, _ = corpus
    flt = f"attributes.run_id IN ('{ids['beta']}', '{ids['gamma']}')"
    assert _names(corpus, _search(corpus, flt)) == ["gamma", "beta"]
    flt = f"attributes.run_id NOT IN ('{ids['beta']}', '{ids['gamma']}')"
    assert _names(corpus, _search(corpus, flt)) == ["eps", "delta", "alpha"]
    flt = f"run_id IN ('{ids['eps']}')"
    assert _names(corpus, _search(corpus, flt)) == ["eps"]


def test_in_is_only_for_run_id_and_datasets(corpus):
    # MLflow allows IN / NOT IN on string attributes and datasets.* only, not on params or tags
    from mlflow.exceptions import MlflowException
    with pytest.raises(MlflowException) as ei:
        _search(corpus, "params.lr IN ('0.1', '0.2')")
    assert ei.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Expected a quoted string value for parameter (e.g. 'my-value'). Got value ('0.1', '0.2')" in str(ei.value)
    # ... and among attributes only run_id takes a list
    with pytest.raises(MlflowException) as ei:
        _search(corpus, "attributes.status IN ('FAILED', 'RUNNING')")
    assert ei.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Only ['run_id'] attributes support comparison with a list of quoted string values." in str(ei.value)


def test_bad_filter_is_invalid_parameter_value(corpus):
    from mlflow.exceptions import MlflowException
    with pytest.raises(MlflowException) as ei:
        _search(corpus, "metrics.acc >> 1")
    assert ei.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as ei:
        _search(corpus, "params.lr > '0.1'")
    assert ei.value.error_code == "INVALID_PARAMETER_VALUE"


def test_order_by_metric_missing_last_both_ways(corpus):
    # ties (gamma/eps at 0.7) are broken by start_time DESC; runs without the metric come last
    assert _names(corpus, _search(corpus, order_by=["metrics.acc DESC"])) == ["alpha", "eps", "gamma", "beta", "delta"]
    assert _names(corpus, _search(corpus, order_by=["metrics.acc ASC"])) == ["beta", "eps", "gamma", "alpha", "delta"]
    assert _names(corpus, _search(corpus, order_by=["metrics.acc"])) == ["beta", "eps", "gamma", "alpha", "delta"]


def test_order_by_multiple_keys(corpus):
    got = _search(corpus, order_by=["params.group ASC", "metrics.acc DESC"])
    assert _names(corpus, got) == ["alpha", "beta", "eps", "gamma", "delta"]
    got = _search(corpus, order_by=["params.lr DESC", "attributes.start_time ASC"])
    assert _names(corpus, got) == ["gamma", "beta", "eps", "alpha", "delta"]


def test_order_by_attributes(corpus):
    assert _names(corpus, _search(corpus, order_by=["attributes.start_time ASC"])) == ["alpha", "beta", "gamma", "delta", "eps"]
    assert _names(corpus, _search(corpus, order_by=["attributes.run_name ASC"])) == ["alpha", "beta", "delta", "eps", "gamma"]
    assert _names(corpus, _search(corpus, order_by=["tags.team DESC"])) == ["beta", "alpha", "gamma", "delta", "eps"]


def test_dataframe_order_and_filter(corpus):
    eid = corpus[0]
    df = mlflow.search_runs([eid], filter_string="metrics.loss < 0.45", order_by=["metrics.loss DESC"])
    assert _names(corpus, df) == ["delta", "gamma", "eps", "alpha"]
    assert list(df["metrics.loss"]) == [0.4, 0.3, 0.2, 0.1]


def test_search_runs_by_experiment_name(corpus):
    eid = corpus[0]
    name = mlflow.get_experiment(eid).name
    df = mlflow.search_runs(experiment_names=[name], filter_string="params.group = 'a'")
    assert _names(corpus, df) == ["beta", "alpha"]


def test_client_search_runs_pagination(corpus, client):
    eid = corpus[0]
    seen = []
    token = None
    pages = 0
    while True:
        page = client.search_runs([eid], order_by=["attributes.start_time ASC"], max_results=2, page_token=token)
        seen += _names(corpus, page)
        pages += 1
        token = page.token
        if not token:
            break
    assert pages == 3
    assert seen == ["alpha", "beta", "gamma", "delta", "eps"]


def test_search_runs_max_results_dataframe(corpus):
    df = mlflow.search_runs([corpus[0]], max_results=3)
    assert _names(corpus, df) == ["eps", "delta", "gamma"]


def test_search_runs_empty_experiment_dataframe(client, unique):
    eid = client.create_experiment(f"empty-{unique}")
    df = mlflow.search_runs([eid])
    assert isinstance(df, pd.DataFrame) and len(df) == 0


def test_log_inputs_dataset_and_filter(client, unique):
    exp = mlflow.set_experiment(f"datasets-{unique}")
    frame = pd.DataFrame({"x": [1, 2, 3], "y": [0, 1, 0]})
    ds = mlflow.data.from_pandas(frame, name="toy-train", targets="y")
    with mlflow.start_run() as with_ds:
        mlflow.log_input(ds, context="training")
    with mlflow.start_run():
        pass
    run = client.get_run(with_ds.info.run_id)
    (inp,) = run.inputs.dataset_inputs
    assert inp.dataset.name == "toy-train"
    assert inp.dataset.digest == ds.digest
    assert inp.dataset.source_type == "code"
    assert {t.key: t.value for t in inp.tags} == {"mlflow.data.context": "training"}
    found = client.search_runs([exp.experiment_id], filter_string="datasets.name = 'toy-train'")
    assert [r.info.run_id for r in found] == [with_ds.info.run_id]
    found = client.search_runs([exp.experiment_id], filter_string="datasets.name IN ('toy-train', 'x')")
    assert [r.info.run_id for r in found] == [with_ds.info.run_id]
    found = client.search_runs([exp.experiment_id], filter_string="datasets.context = 'training'")
    assert [r.info.run_id for r in found] == [with_ds.info.run_id]
    assert client.search_runs([exp.experiment_id], filter_string="datasets.name = 'other'") == []


def test_search_across_experiments_and_view_type(client, unique):
    e1 = client.create_experiment(f"multi1-{unique}")
    e2 = client.create_experiment(f"multi2-{unique}")
    a = client.create_run(e1, start_time=10).info.run_id
    b = client.create_run(e2, start_time=20).info.run_id
    c = client.create_run(e2, start_time=30).info.run_id
    client.delete_run(c)
    got = [r.info.run_id for r in client.search_runs([e1, e2])]
    assert got == [b, a]
    got = [r.info.run_id for r in client.search_runs([e1, e2], run_view_type=ViewType.ALL)]
    assert got == [c, b, a]
    got = [r.info.run_id for r in client.search_runs([e1, e2], run_view_type=ViewType.DELETED_ONLY)]
    assert got == [c]


# --- oversized searches (issue 20): 400, never 500 ---------------------------------------------

def _padded(tokens):
    """`status = 'x'` is 5 sqlparse tokens; each trailing space is one more."""
    return "status = 'x'" + " " * (tokens - 5)


def test_filter_over_sqlparse_token_limit(api, unique):
    eid = api.create_experiment(f"big-{unique}")
    assert api.post("runs/search", json={"experiment_ids": [eid], "filter": _padded(10_000)}).status_code == 200
    over = _padded(10_001)
    assert_error(api.post("runs/search", json={"experiment_ids": [eid], "filter": over}), 400,
                 "INVALID_PARAMETER_VALUE", f"Error on parsing filter '{over}'")
    huge = " AND ".join(f"metrics.m{i} > 1" for i in range(10_000))
    for route, body in (("runs/search", {"experiment_ids": [eid]}), ("experiments/search", {"max_results": 10})):
        assert_error(api.post(route, json={**body, "filter": huge}), 400, "INVALID_PARAMETER_VALUE",
                     f"Error on parsing filter '{huge}'")
    assert_error(api.post("logged-models/search", json={"experiment_ids": [eid], "filter": huge}), 400,
                 "INVALID_PARAMETER_VALUE",
                 f"Invalid filter string: '{huge}'. SQLParseError('Maximum number of tokens exceeded (10000).')")


def test_thousand_experiment_order_keys_are_taken(api, unique):
    # MLflow takes any number of experiment order_by entries; repeats change nothing.
    name = f"order-{unique}"
    api.create_experiment(name)
    order = ["name DESC", "experiment_id", "creation_time", "last_update_time"] * 250
    resp = api.post("experiments/search", json={"order_by": order, "max_results": 1000,
                                                "filter": f"name = '{name}'"})
    assert resp.status_code == 200, resp.text[:300]
    assert [e["name"] for e in resp.json()["experiments"]] == [name]


@pytest.mark.swiftrack_only
def test_largest_accepted_filters_run_on_every_route_and_one_more_clause_is_400(api, unique):
    # MLflow answers 500 ("maximum recursion depth exceeded") or 503 (SQLite's "Expression tree
    # is too large") to 1,000 clauses within sqlparse's limit, and such filters hold PostgreSQL
    # and MariaDB for minutes: Swiftrack runs up to 100 comparisons and refuses more with 400.
    eid = api.create_experiment(f"hundred-{unique}")
    run_id = api.create_run(eid)
    api.post("runs/log-metric", json={"run_id": run_id, "key": "m", "value": 1.0, "timestamp": 1, "step": 0})
    runs = " AND ".join(["metrics.m >= 0"] * 100)
    resp = api.post("runs/search", json={"experiment_ids": [eid], "filter": runs})
    assert resp.status_code == 200, resp.text[:300]
    assert [r["info"]["run_id"] for r in resp.json()["runs"]] == [run_id]
    tags = " AND ".join(["tags.t = 'x'"] * 100)
    for route, body in (("experiments/search", {"max_results": 10}), ("logged-models/search", {"experiment_ids": [eid]})):
        resp = api.post(route, json={**body, "filter": tags})
        assert resp.status_code == 200 and resp.json() == {}, resp.text[:300]
    for route in ("registered-models/search", "model-versions/search"):
        resp = api.get(route, {"filter": tags})
        assert resp.status_code == 200, resp.text[:300]
    message = "Invalid filter: 101 comparisons. A filter may AND together at most 100."
    over = " AND ".join(["tags.t = 'x'"] * 101)
    assert_error(api.post("runs/search", json={"experiment_ids": [eid], "filter": over}), 400,
                 "INVALID_PARAMETER_VALUE", message)
    assert_error(api.post("experiments/search", json={"filter": over}), 400, "INVALID_PARAMETER_VALUE", message)
    assert_error(api.get("registered-models/search", {"filter": over}), 400, "INVALID_PARAMETER_VALUE", message)


@pytest.mark.swiftrack_only
def test_thousand_order_keys_are_refused(api, unique):
    # MLflow answers 503 ("at most 64 tables in a join") past 63 keys and 500 at 1,000.
    eid = api.create_experiment(f"keys-{unique}")
    message = "Invalid value for parameter 'order_by' supplied: 1000 clauses. It must have at most 20 clauses."
    assert_error(api.post("runs/search", json={"experiment_ids": [eid], "order_by": [f"metrics.m{i}" for i in range(1000)]}),
                 400, "INVALID_PARAMETER_VALUE", message)
    assert_error(api.post("logged-models/search", json={"experiment_ids": [eid],
                                                         "order_by": [{"field_name": f"metrics.m{i}"} for i in range(1000)]}),
                 400, "INVALID_PARAMETER_VALUE", message)
    resp = api.post("runs/search", json={"experiment_ids": [eid], "order_by": [f"metrics.m{i}" for i in range(20)]})
    assert resp.status_code == 200, resp.text[:300]
