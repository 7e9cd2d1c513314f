"""MLflow 3 evaluation datasets through the official client (mlflow.genai.datasets): create with
experiments and tags, get by id and by name, search with filter, order_by and pages, tags set and
deleted, records merged from dicts, a DataFrame and traces (the same inputs again update, never
duplicate), read back with to_df() over more than one page, schema and profile, experiments added
and removed, records and datasets deleted; the raw routes' errors; and `mlflow.genai.evaluate` over
a server dataset (a trace per record with its feedback, the dataset as the run's input). Also
against MLflow 3.17.2 in check mode."""
import json
import time

import mlflow
import pandas as pd
import pytest
import requests
from mlflow.genai import datasets as genai_datasets

from helpers import assert_error

V3 = "/api/3.0/mlflow/datasets"


@pytest.fixture
def experiments(client, unique):
    return [client.create_experiment(f"ds-{unique}-{n}") for n in range(2)]


def _own(tags):
    """The tags without the `mlflow.user` the client adds (the caller's login name)."""
    return {k: v for k, v in (tags or {}).items() if k != "mlflow.user"}


def _create(unique, experiments, **tags):
    return genai_datasets.create_dataset(name=f"golden-{unique}", experiment_id=experiments,
                                         tags=tags or {"team": "search", "version": "1"})


def test_create_get_and_tags(server, experiments, unique):
    created = _create(unique, experiments)
    assert created.dataset_id.startswith("d-") and len(created.dataset_id) == 34
    assert created.name == f"golden-{unique}"
    assert _own(created.tags) == {"team": "search", "version": "1"}
    assert created.created_by == created.tags.get("mlflow.user")
    assert sorted(created.experiment_ids) == sorted(experiments)
    assert len(created.digest) == 8
    assert created.schema is None and created.profile is None

    read = genai_datasets.get_dataset(dataset_id=created.dataset_id)
    assert read.name == created.name and read.digest == created.digest
    assert read.created_time == created.created_time
    assert read.tags == created.tags
    # Experiment ids are read lazily, through datasets/{id}/experiment-ids.
    assert sorted(read.experiment_ids) == sorted(experiments)
    by_name = genai_datasets.get_dataset(name=f"golden-{unique}")
    assert by_name.dataset_id == created.dataset_id

    genai_datasets.set_dataset_tags(created.dataset_id, {"team": "ranking", "stage": "dev", "count": 3, "ok": True})
    genai_datasets.delete_dataset_tag(created.dataset_id, "version")
    genai_datasets.delete_dataset_tag(created.dataset_id, "never-set")
    assert _own(genai_datasets.get_dataset(dataset_id=created.dataset_id).tags) == {
        "team": "ranking", "stage": "dev", "count": "3", "ok": "True"}

    genai_datasets.delete_dataset(dataset_id=created.dataset_id)
    with pytest.raises(mlflow.exceptions.MlflowException) as gone:
        genai_datasets.get_dataset(dataset_id=created.dataset_id)
    assert gone.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert f"Evaluation dataset with id '{created.dataset_id}' not found" in gone.value.message


def test_search_filters_orders_and_pages(server, experiments, unique):
    made = {}
    for name, experiment, stage in [("a", 0, "prod"), ("b", 0, "dev"), ("c", 1, "prod"), ("d", 1, "dev"), ("e", 1, "prod")]:
        made[name] = genai_datasets.create_dataset(name=f"{name}-{unique}", experiment_id=experiments[experiment],
                                                   tags={"stage": stage, "run": unique}).dataset_id
    mine = f"tags.run = '{unique}'"
    found = genai_datasets.search_datasets(filter_string=mine, order_by=["name ASC"])
    assert [d.name for d in found] == [f"{n}-{unique}" for n in "abcde"]
    found = genai_datasets.search_datasets(filter_string=f"{mine} AND tags.stage = 'prod'", order_by=["name DESC"])
    assert [d.name for d in found] == [f"{n}-{unique}" for n in "eca"]
    found = genai_datasets.search_datasets(experiment_ids=experiments[1], filter_string=mine, order_by=["name"])
    assert [d.name for d in found] == [f"{n}-{unique}" for n in "cde"]
    found = genai_datasets.search_datasets(filter_string=f"name LIKE '%-{unique}' AND name != 'b-{unique}'",
                                           order_by=["name ASC"])
    assert [d.name for d in found] == [f"{n}-{unique}" for n in "acde"]
    # The default order is newest first; max_results pages through the client's own paging.
    found = genai_datasets.search_datasets(filter_string=mine, max_results=3)
    assert [d.name for d in found] == [f"{n}-{unique}" for n in "edc"]

    # Raw pages: two per page, tokens until the last.
    client = mlflow.MlflowClient()
    names, token = [], None
    while True:
        page = client.search_datasets(filter_string=mine, max_results=2, order_by=["name ASC"], page_token=token)
        names += [d.name for d in page]
        token = page.token
        if not token:
            break
    assert names == [f"{n}-{unique}" for n in "abcde"]


def test_search_errors(server, api):
    for body, contains in [
        ({"filter_string": "foo = 'x'"}, "Invalid attribute key 'foo' specified"),
        ({"filter_string": "params.x = 'y'"}, "Invalid identifier token 'params' specified"),
        ({"filter_string": "name IN 'x'"}, None),
        ({"order_by": ["tags.x ASC"]}, None),
        ({"order_by": ["nope DESC"]}, "Invalid attribute key 'nope' specified"),
        ({"max_results": 50001}, "It must be at most 50000"),
    ]:
        body = {"max_results": 10, **body}
        assert_error(api.post(f"{V3}/search", body), 400, "INVALID_PARAMETER_VALUE", contains=contains)


def test_merge_records_updates_the_same_inputs(server, experiments, unique):
    dataset = _create(unique, experiments)
    dataset.merge_records([
        {"inputs": {"question": "What is MLflow?", "lang": "en"}, "expectations": {"answer": "A platform"},
         "tags": {"reviewed": "no"}},
        {"inputs": {"question": "What is Swiftrack?"}, "expectations": {"answer": "A server"}},
        {"inputs": {"question": "Plain"}},
    ])
    # The same inputs (keys in another order): expectations and tags merged, no duplicate.
    dataset.merge_records([
        {"inputs": {"lang": "en", "question": "What is MLflow?"}, "expectations": {"score": 0.9},
         "tags": {"reviewed": "yes", "by": "ann"}},
    ])
    df = genai_datasets.get_dataset(dataset_id=dataset.dataset_id).to_df()
    assert len(df) == 3
    assert set(df.columns) >= {"inputs", "outputs", "expectations", "tags", "source_type", "source_id", "source",
                               "created_time", "dataset_record_id"}
    rows = {row["inputs"]["question"]: row for _, row in df.iterrows()}
    merged = rows["What is MLflow?"]
    assert merged["inputs"] == {"question": "What is MLflow?", "lang": "en"}
    assert merged["expectations"] == {"answer": "A platform", "score": 0.9}
    assert merged["tags"]["reviewed"] == "yes" and merged["tags"]["by"] == "ann"
    # The client infers the source: HUMAN with expectations, CODE without.
    assert merged["source_type"] == "HUMAN"
    assert rows["Plain"]["source_type"] == "CODE"
    assert rows["Plain"]["outputs"] == {}

    read = genai_datasets.get_dataset(dataset_id=dataset.dataset_id)
    assert json.loads(read.profile) == {"num_records": 3}
    schema = json.loads(read.schema)
    assert schema["inputs"] == {"question": "string", "lang": "string"}
    assert schema["expectations"] == {"answer": "string", "score": "float"}
    assert schema["version"] == "1.0"
    assert read.digest != dataset.digest and read.last_update_time >= dataset.created_time

    ids = [rows["Plain"]["dataset_record_id"]]
    assert read.delete_records(ids) == 1
    assert len(genai_datasets.get_dataset(dataset_id=dataset.dataset_id).to_df()) == 2
    assert json.loads(genai_datasets.get_dataset(dataset_id=dataset.dataset_id).profile) == {"num_records": 2}


def test_merge_a_dataframe_and_read_back_more_than_a_page(server, experiments, unique):
    dataset = _create(unique, experiments)
    frame = pd.DataFrame([{"inputs": {"n": n, "text": f"row {n}"}, "expectations": {"double": 2 * n}}
                          for n in range(2500)])
    dataset.merge_records(frame)
    # Half of them again: updates only.
    dataset.merge_records(pd.DataFrame([{"inputs": {"text": f"row {n}", "n": n}, "expectations": {"seen": True}}
                                        for n in range(0, 2500, 2)]))
    df = genai_datasets.get_dataset(dataset_id=dataset.dataset_id).to_df()   # 1000 per page: three pages
    assert len(df) == 2500
    assert df["dataset_record_id"].is_unique
    by_n = {row["inputs"]["n"]: row["expectations"] for _, row in df.iterrows()}
    assert sorted(by_n) == list(range(2500))
    assert by_n[4] == {"double": 8, "seen": True} and by_n[5] == {"double": 10}
    assert json.loads(genai_datasets.get_dataset(dataset_id=dataset.dataset_id).profile) == {"num_records": 2500}


def test_records_from_traces(server, experiments, unique):
    mlflow.set_experiment(experiment_id=experiments[0])

    @mlflow.trace
    def answer(question):
        return f"answer to {question}"

    for question in ["one", "two"]:
        answer(question)
    mlflow.flush_trace_async_logging()
    deadline = time.monotonic() + 15
    traces = []
    while time.monotonic() < deadline:
        traces = mlflow.search_traces(locations=[experiments[0]], return_type="list")
        if len(traces) == 2 and all(t.data.spans for t in traces):
            break
        time.sleep(0.2)
    assert len(traces) == 2
    mlflow.log_expectation(trace_id=traces[0].info.trace_id, name="expected", value="yes")
    traces = [mlflow.get_trace(t.info.trace_id) for t in traces]
    dataset = _create(unique, experiments)
    dataset.merge_records(traces)
    df = genai_datasets.get_dataset(dataset_id=dataset.dataset_id).to_df()
    assert len(df) == 2
    by_question = {row["inputs"]["question"]: row for _, row in df.iterrows()}
    assert set(by_question) == {"one", "two"}
    for trace in traces:
        row = by_question[trace.data.spans[0].inputs["question"]]
        assert row["source_type"] == "TRACE" and row["source_id"] == trace.info.trace_id
        assert row["outputs"] == f"answer to {trace.data.spans[0].inputs['question']}"
    assert {q: r["expectations"] for q, r in by_question.items()} in (
        {"one": {"expected": "yes"}, "two": {}}, {"one": {}, "two": {"expected": "yes"}})


def test_add_and_remove_experiments(server, client, experiments, unique):
    dataset = genai_datasets.create_dataset(name=f"links-{unique}", experiment_id=experiments[0])
    third = client.create_experiment(f"ds-{unique}-third")
    added = genai_datasets.add_dataset_to_experiments(dataset.dataset_id, [experiments[1], third])
    assert added.dataset_id == dataset.dataset_id
    assert sorted(genai_datasets.get_dataset(dataset_id=dataset.dataset_id).experiment_ids) == sorted(
        [experiments[0], experiments[1], third])
    genai_datasets.remove_dataset_from_experiments(dataset.dataset_id, [experiments[0], third])
    assert genai_datasets.get_dataset(dataset_id=dataset.dataset_id).experiment_ids == [experiments[1]]
    found = genai_datasets.search_datasets(experiment_ids=[experiments[0]], filter_string=f"name = 'links-{unique}'")
    assert found == []
    with pytest.raises(mlflow.exceptions.MlflowException) as unknown:
        genai_datasets.add_dataset_to_experiments(dataset.dataset_id, ["987654321"])
    assert unknown.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert "No Experiment with id=987654321" in unknown.value.message


def test_raw_route_errors(server, api, experiments, unique):
    missing = "d-" + "0" * 32
    assert_error(api.get(f"{V3}/{missing}"), 404, "RESOURCE_DOES_NOT_EXIST",
                 contains=f"Evaluation dataset with id '{missing}' not found")
    assert_error(api.request("PATCH", f"{V3}/{missing}/tags", json={"tags": json.dumps({"a": "b"})}), 404,
                 "RESOURCE_DOES_NOT_EXIST", contains=f"Could not find evaluation dataset with ID {missing}")
    assert_error(api.post(f"{V3}/{missing}/add-experiments", {"experiment_ids": [experiments[0]]}), 404,
                 "RESOURCE_DOES_NOT_EXIST", contains=f"Dataset '{missing}' not found")
    assert_error(api.post(f"{V3}/create", {"experiment_ids": [experiments[0]]}), 400, "INVALID_PARAMETER_VALUE",
                 contains="'name'")
    # Deleting an unknown dataset, or a tag of one, is no error.
    assert api.request("DELETE", f"{V3}/{missing}").status_code == 200
    assert api.request("DELETE", f"{V3}/{missing}/tags/x").status_code == 200
    # The same name twice is two datasets.
    first = api.post(f"{V3}/create", {"name": f"twice-{unique}", "experiment_ids": [experiments[0]]})
    second = api.post(f"{V3}/create", {"name": f"twice-{unique}", "experiment_ids": [experiments[0]]})
    assert first.status_code == second.status_code == 200
    assert first.json()["dataset"]["dataset_id"] != second.json()["dataset"]["dataset_id"]
    with pytest.raises(mlflow.exceptions.MlflowException, match="Multiple datasets found"):
        genai_datasets.get_dataset(name=f"twice-{unique}")

    dataset_id = first.json()["dataset"]["dataset_id"]
    upsert = api.post(f"{V3}/{dataset_id}/records",
                      {"records": json.dumps([{"inputs": {"q": 1}}, {"inputs": {"q": 1}, "expectations": {"e": 2}}])})
    assert upsert.status_code == 200, upsert.text
    assert upsert.json() == {"inserted_count": 1, "updated_count": 1}
    page = api.get(f"{V3}/{dataset_id}/records", params={"max_results": 5})
    assert page.status_code == 200
    records = json.loads(page.json()["records"])
    assert [r["inputs"] for r in records] == [{"q": 1}] and records[0]["expectations"] == {"e": 2}
    assert records[0]["outputs"] == {} and records[0]["tags"] == {}
    assert "next_page_token" not in page.json()


def test_an_unknown_source_type_and_a_garbage_search_token_are_refused(server, api, experiments, unique):
    dataset_id = api.post(f"{V3}/create", {"name": f"src-{unique}", "experiment_ids": [experiments[0]]}
                          ).json()["dataset"]["dataset_id"]
    assert_error(api.post(f"{V3}/{dataset_id}/records",
                          {"records": json.dumps([{"inputs": {}, "source": {"source_type": "nope"}}])}),
                 400, "INVALID_PARAMETER_VALUE",
                 message="Invalid dataset record source type: NOPE. Valid source types: "
                         "['UNSPECIFIED', 'TRACE', 'HUMAN', 'DOCUMENT', 'CODE']")
    assert_error(api.post(f"{V3}/search", {"page_token": "garbage!", "max_results": 5}), 400, "INVALID_PARAMETER_VALUE",
                 message="Invalid page token, could not base64-decode")


@pytest.mark.skipif(__import__("conftest").IS_MLFLOW,
                    reason="MLflow's store fails on these shapes with a 500 (an HTML page for bad JSON or a bad "
                           "records token), or takes them (an experiment id 'abc', a 256-character name on SQLite); "
                           "Swiftrack answers 400")
def test_malformed_records_are_refused(server, api, experiments, unique):
    dataset_id = api.post(f"{V3}/create", {"name": f"bad-{unique}", "experiment_ids": [experiments[0]]}
                          ).json()["dataset"]["dataset_id"]
    for records, contains in [
        ("not json", "not valid JSON"),
        (json.dumps({"inputs": {}}), "expected a JSON list of records"),
        (json.dumps(["x"]), "Record 0 must be a dictionary"),
        (json.dumps([{"inputs": "text"}]), "Record 0: 'inputs' must be a dictionary"),
        (json.dumps([{"inputs": {}, "expectations": [1]}]), "'expectations' must be a dictionary"),
        (json.dumps([{"inputs": {}, "tags": "x"}]), "'tags' must be a dictionary"),
        (json.dumps([{"inputs": {}, "source": 5}]), "'source' must be a dictionary"),
    ]:
        assert_error(api.post(f"{V3}/{dataset_id}/records", {"records": records}), 400, "INVALID_PARAMETER_VALUE",
                     contains=contains)
    assert_error(api.get(f"{V3}/{dataset_id}/records", params={"page_token": "not a token"}), 400,
                 "INVALID_PARAMETER_VALUE", contains="Invalid page token")
    assert_error(api.post(f"{V3}/create", {"name": "x", "experiment_ids": ["abc"]}), 400, "INVALID_PARAMETER_VALUE",
                 contains="Invalid experiment ID 'abc'")
    assert_error(api.post(f"{V3}/create", {"name": "x" * 256, "experiment_ids": [experiments[0]]}), 400,
                 "INVALID_PARAMETER_VALUE", contains="longer than 255")
    assert_error(api.post(f"{V3}/create", {"name": "x", "tags": "[1]"}), 400, "INVALID_PARAMETER_VALUE",
                 contains="expected a JSON object of tags")


def test_evaluate_over_a_server_dataset_leaves_a_trace_per_record(server, client, experiments, unique):
    """`mlflow.genai.evaluate(data=<server dataset>)`: one trace per record linked to the evaluation
    run, each with its scorer's feedback (searchable by value) and the record's expectation, the
    dataset recorded as the run's input."""
    from mlflow.genai.scorers import scorer

    mlflow.set_experiment(experiment_id=experiments[0])
    dataset = _create(unique, [experiments[0]])
    dataset.merge_records([{"inputs": {"question": f"question {i}"}, "expectations": {"expected": f"answer {i}"}}
                           for i in range(4)])

    @scorer
    def exact(outputs, expectations):
        return outputs == expectations["expected"]

    def predict(question):
        return "wrong" if question == "question 2" else "answer " + question.split()[-1]

    result = mlflow.genai.evaluate(data=genai_datasets.get_dataset(dataset_id=dataset.dataset_id),
                                   predict_fn=predict, scorers=[exact])
    assert result.metrics["exact/mean"] == 0.75
    traces = mlflow.search_traces(run_id=result.run_id, return_type="list")
    assert len(traces) == 4
    by_question = {json.loads(t.info.request_preview)["question"]: t for t in traces}
    assert sorted(by_question) == [f"question {i}" for i in range(4)]
    failed = by_question["question 2"].info.assessments
    assert {(a.name, a.value) for a in failed} >= {("exact", False), ("expected", "answer 2")}
    assert {a.source.source_type for a in failed if a.name == "exact"} == {"CODE"}
    passed = mlflow.search_traces(run_id=result.run_id, filter_string="feedback.exact = 'true'", return_type="list")
    assert sorted(json.loads(t.info.request_preview)["question"] for t in passed) == ["question 0", "question 1",
                                                                                       "question 3"]
    inputs = client.get_run(result.run_id).inputs.dataset_inputs
    assert [(i.dataset.name, i.dataset.source_type) for i in inputs] == [(f"golden-{unique}", "mlflow_evaluation_dataset")]
