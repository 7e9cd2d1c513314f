"""MLflow 3 tracing through the official client: @mlflow.trace spans land with their trace,
mlflow.get_trace and mlflow.search_traces read them back (filters, order, paging, runs), trace
tags are set and deleted, traces are deleted by id and by age; access follows the experiment.

Against Swiftrack the spans travel as the trace's artifact (the 3.0-3.3 server layout); against
MLflow 3.17.2 (check mode) through its span store: the client's view must be the same."""
import time

import mlflow
import pytest
from mlflow import MlflowClient

from helpers import assert_error


@pytest.fixture
def experiment(client, unique):
    eid = client.create_experiment(f"traces-{unique}")
    mlflow.set_experiment(experiment_id=eid)
    return eid


def _traced_call(x):
    @mlflow.trace(name="outer", span_type="CHAIN")
    def outer(value):
        return inner(value) * 2

    @mlflow.trace
    def inner(value):
        return value + 1

    result = outer(x)
    trace_id = mlflow.get_last_active_trace_id()
    mlflow.flush_trace_async_logging()
    return result, trace_id


def _eventually(read, timeout=10):
    """The client exports traces in the background; read until they are there."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_a_traced_call_is_read_back_with_its_spans(server, experiment):
    result, trace_id = _traced_call(3)
    assert result == 8
    trace = _eventually(lambda: mlflow.get_trace(trace_id))
    assert trace.info.trace_id == trace_id
    assert trace.info.experiment_id == experiment
    assert trace.info.state == "OK"
    assert trace.info.execution_duration is not None and trace.info.execution_duration >= 0
    assert trace.info.request_time > 1_700_000_000_000
    spans = {span.name: span for span in trace.data.spans}
    assert set(spans) == {"outer", "inner"}
    assert spans["outer"].parent_id is None
    assert spans["inner"].parent_id == spans["outer"].span_id
    assert spans["outer"].inputs == {"value": 3} and spans["outer"].outputs == 8
    assert spans["inner"].inputs == {"value": 3} and spans["inner"].outputs == 4
    assert spans["outer"].span_type == "CHAIN"


def test_search_filters_orders_and_pages(server, experiment):
    ids = [_traced_call(i)[1] for i in range(4)]
    found = _eventually(lambda: len(mlflow.search_traces(locations=[experiment], return_type="list")) == 4)
    assert found
    listed = mlflow.search_traces(locations=[experiment], return_type="list")
    assert [t.info.trace_id for t in listed] == list(reversed(ids))
    oldest_first = mlflow.search_traces(locations=[experiment], order_by=["timestamp_ms ASC"], return_type="list",
                                        include_spans=False)
    assert [t.info.trace_id for t in oldest_first] == ids
    MlflowClient().set_trace_tag(ids[1], "verdict", "good")
    tagged = mlflow.search_traces(locations=[experiment], filter_string="tags.verdict = 'good'", return_type="list")
    assert [t.info.trace_id for t in tagged] == [ids[1]]
    assert tagged[0].info.tags["verdict"] == "good"
    ok = mlflow.search_traces(locations=[experiment], filter_string="trace.status = 'OK'", return_type="list",
                              include_spans=False)
    assert len(ok) == 4
    client = MlflowClient()
    page = client.search_traces(locations=[experiment], max_results=3, include_spans=False)
    assert len(page) == 3 and page.token
    rest = client.search_traces(locations=[experiment], max_results=3, page_token=page.token, include_spans=False)
    assert [t.info.trace_id for t in rest] == [ids[0]]


def test_traces_in_a_run_are_found_by_run(server, experiment):
    with mlflow.start_run() as run:
        _, inside = _traced_call(1)
    _, outside = _traced_call(2)
    assert _eventually(lambda: len(mlflow.search_traces(locations=[experiment], return_type="list")) == 2)
    in_run = mlflow.search_traces(locations=[experiment], run_id=run.info.run_id, return_type="list")
    assert [t.info.trace_id for t in in_run] == [inside]
    assert in_run[0].info.trace_metadata.get("mlflow.sourceRun") == run.info.run_id
    assert outside not in [t.info.trace_id for t in in_run]


def test_tags_are_set_and_deleted(server, experiment):
    _, trace_id = _traced_call(5)
    client = MlflowClient()
    assert _eventually(lambda: client.get_trace(trace_id))
    client.set_trace_tag(trace_id, "reviewed", "yes")
    assert client.get_trace(trace_id).info.tags["reviewed"] == "yes"
    client.delete_trace_tag(trace_id, "reviewed")
    assert "reviewed" not in client.get_trace(trace_id).info.tags


def test_traces_are_deleted_by_id_and_by_age(server, experiment):
    ids = [_traced_call(i)[1] for i in range(3)]
    client = MlflowClient()
    assert _eventually(lambda: len(client.search_traces(locations=[experiment], include_spans=False)) == 3)
    assert client.delete_traces(experiment, trace_ids=[ids[0]]) == 1
    newest = client.get_trace(ids[2]).info.request_time
    assert client.delete_traces(experiment, max_timestamp_millis=newest, max_traces=1) == 1
    left = client.search_traces(locations=[experiment], include_spans=False)
    assert [t.info.trace_id for t in left] == [ids[2]]


def test_rest_errors_are_mlflows(api, experiment):
    r = api.get("/api/3.0/mlflow/traces/tr-00000000000000000000000000000000")
    assert_error(r, 404, "RESOURCE_DOES_NOT_EXIST", contains="tr-00000000000000000000000000000000")
    r = api.post("/api/3.0/mlflow/traces/delete-traces", {"experiment_id": experiment})
    assert_error(r, 400, "INVALID_PARAMETER_VALUE", contains="must be specified")
    r = api.post("/api/3.0/mlflow/traces/search", {"locations": [{"type": "MLFLOW_EXPERIMENT",
                                                   "mlflow_experiment": {"experiment_id": experiment}}],
                                   "filter": "trace.nope = 'x'"})
    assert_error(r, 400, "INVALID_PARAMETER_VALUE")


def test_the_uis_trace_artifact_read_returns_the_spans(server, api, experiment):
    _, trace_id = _traced_call(7)
    assert _eventually(lambda: mlflow.get_trace(trace_id))
    for version in ("2.0", "3.0"):
        r = api.get(f"/ajax-api/{version}/mlflow/get-trace-artifact", params={"request_id": trace_id})
        assert r.status_code == 200, r.text[:300]
        names = sorted(span["name"] for span in r.json()["spans"])
        assert names == ["inner", "outer"]
    missing = api.get("/ajax-api/2.0/mlflow/get-trace-artifact", params={"request_id": "tr-" + "0" * 32})
    assert missing.status_code == 404, missing.text[:300]
    assert missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    bare = api.get("/ajax-api/2.0/mlflow/get-trace-artifact")
    assert bare.status_code == 400, bare.text[:300]


@pytest.mark.swiftrack_only
@pytest.mark.parametrize("path", ["../traces.json", "/etc/passwd", "%2e%2e/x", "a/../../b"])
def test_trace_attachment_paths_cannot_climb(server, api, experiment, path):
    _, trace_id = _traced_call(8)
    assert _eventually(lambda: mlflow.get_trace(trace_id))
    r = api.get("/ajax-api/2.0/mlflow/get-trace-artifact", params={"request_id": trace_id, "path": path})
    assert r.status_code in (400, 404), r.text[:300]
    assert "spans" not in r.text


def test_traces_linked_to_a_run_are_found_by_it(server, client, experiment):
    _, first = _traced_call(1)
    _, second = _traced_call(2)
    assert _eventually(lambda: len(mlflow.search_traces(locations=[experiment], return_type="list")) == 2)
    run = client.create_run(experiment).info.run_id
    assert mlflow.search_traces(locations=[experiment], run_id=run, return_type="list") == []
    client.link_traces_to_run([first, second], run)
    client.link_traces_to_run([first], run)   # once is enough; a second link changes nothing
    found = mlflow.search_traces(locations=[experiment], run_id=run, return_type="list")
    assert sorted(t.info.trace_id for t in found) == sorted([first, second])
    with pytest.raises(mlflow.exceptions.MlflowException, match="Cannot link more than 100 traces"):
        client.link_traces_to_run([first] * 101, run)


def test_prompt_versions_linked_to_a_trace_are_searchable(server, client, experiment, unique):
    prompt = mlflow.genai.register_prompt(name=f"linked-{unique}", template="Answer {{q}}")
    _, trace_id = _traced_call(5)
    assert _eventually(lambda: mlflow.get_trace(trace_id))
    client.link_prompt_versions_to_trace([prompt], trace_id)
    info = mlflow.get_trace(trace_id).info
    assert f"linked-{unique}" in info.tags["mlflow.linkedPrompts"]
    found = mlflow.search_traces(locations=[experiment], return_type="list",
                                 filter_string=f"tags.`mlflow.linkedPrompts` = 'linked-{unique}/1'")
    assert [t.info.trace_id for t in found] == [trace_id]


@pytest.mark.swiftrack_only   # MLflow links traces to a run id that does not exist
def test_traces_cannot_be_linked_to_a_run_that_does_not_exist(api, experiment):
    _, trace_id = _traced_call(1)
    reply = api.post("traces/link-to-run", json={"trace_ids": [trace_id], "run_id": "0" * 32})
    assert_error(reply, 404, "RESOURCE_DOES_NOT_EXIST")


def test_traces_are_found_by_a_numeric_feedback_comparison(server, experiment):
    _, low = _traced_call(1)
    _, high = _traced_call(2)
    _, worded = _traced_call(3)
    assert _eventually(lambda: len(mlflow.search_traces(locations=[experiment], return_type="list")) == 3)
    mlflow.log_feedback(trace_id=low, name="score", value=0.2)
    mlflow.log_feedback(trace_id=high, name="score", value=0.9)
    mlflow.log_feedback(trace_id=worded, name="score", value="excellent")

    def found(filter_string):
        return sorted(t.info.trace_id for t in mlflow.search_traces(
            locations=[experiment], filter_string=filter_string, return_type="list"))

    assert found("feedback.score > 0.5") == [high]
    assert found("feedback.score <= 0.5") == [low]
    assert found("feedback.score = 'excellent'") == [worded]
