"""`mlflow.genai.evaluate` end to end with the official client: list and pandas data, code scorers
(`@scorer` returning a bool, a number and a `Feedback` with a rationale) and the built-in
`RegexMatch` (rule-based, no LLM). The run's aggregate metrics, one trace per row linked to the
run (`mlflow.search_traces(run_id=...)`), each row's feedback and expectation, the search by a
feedback's value, the trace's inputs and outputs, and a second run over the same rows whose
results differ. No request made during an evaluation may fail. Also against MLflow 3.17.2 in
check mode."""
import re

import mlflow
import pandas as pd
import pytest
from mlflow.exceptions import MlflowException
from mlflow.genai.scorers import RegexMatch

import conftest
from eval_scorers import exact, judged, length

ROWS = [("What is 2+2?", "4"), ("Capital of France?", "Paris"), ("Colour of the sky?", "blue")]
FIRST_ANSWERS = {"What is 2+2?": "4", "Capital of France?": "Paris", "Colour of the sky?": "green"}
SECOND_ANSWERS = {"What is 2+2?": "four", "Capital of France?": "Paris", "Colour of the sky?": "blue"}


SCORERS = [exact, length, judged, RegexMatch(pattern=r"^[A-Z0-9]")]


def records():
    return [{"inputs": {"question": q}, "expectations": {"expected_response": a}} for q, a in ROWS]


def server_log_offset():
    path = conftest._server_log_path
    with open(path, "rb") as f:
        return f.seek(0, 2)


# Swiftrack's access line (`<time> POST /path 200 1.2 ms id=...`) and uvicorn's (`"POST /path HTTP/1.1" 200`).
ACCESS_LINE = re.compile(r'\b(GET|POST|PUT|PATCH|DELETE|HEAD) (/\S*)(?: HTTP/[\d.]+")? (\d{3})\b')


def failed_requests_since(offset):
    with open(conftest._server_log_path, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    answered = [m.groups() for m in ACCESS_LINE.finditer(text)]
    assert answered, text[-2000:]   # the log does record requests: an empty list would prove nothing
    return [f"{method} {path} -> {status}" for method, path, status in answered if int(status) >= 400]


def evaluate(experiment_id, answers, data):
    mlflow.set_experiment(experiment_id=experiment_id)
    offset = server_log_offset()
    result = mlflow.genai.evaluate(data=data, predict_fn=lambda question: answers[question], scorers=SCORERS)
    mlflow.flush_trace_async_logging()
    return result, offset


def search_run(evaluated, run_id, filter_string=None):
    # The tests' fluent state forgets the active experiment, so the run's experiment is named.
    return mlflow.search_traces(locations=[evaluated["experiment_id"]], run_id=run_id, filter_string=filter_string,
                                return_type="list")


def by_question(traces):
    return {t.data.spans[0].inputs["question"]: t for t in traces}


def assessments(trace):
    return {a.name: a for a in trace.info.assessments}


@pytest.fixture(scope="module")
def evaluated(server):
    from mlflow import MlflowClient
    import uuid
    experiment_id = MlflowClient(tracking_uri=server).create_experiment(f"evaluate-{uuid.uuid4().hex[:8]}")
    first, first_offset = evaluate(experiment_id, FIRST_ANSWERS, records())
    first_failures = failed_requests_since(first_offset)
    # The same rows as a pandas DataFrame, answered by another function.
    second, second_offset = evaluate(experiment_id, SECOND_ANSWERS, pd.DataFrame(records()))
    second_failures = failed_requests_since(second_offset)
    return {"experiment_id": experiment_id, "first": first, "second": second,
            "failures": first_failures + second_failures}


def test_no_request_fails_during_an_evaluation(evaluated):
    assert evaluated["failures"] == []


def test_the_run_holds_each_scorers_mean(evaluated, client):
    assert evaluated["first"].metrics == pytest.approx({"exact/mean": 2 / 3, "length/mean": 11 / 3, "judged/mean": 2 / 3,
                                                         "regex_match/mean": 2 / 3})
    run = client.get_run(evaluated["first"].run_id)
    assert run.info.status == "FINISHED" and run.info.experiment_id == evaluated["experiment_id"]
    assert run.data.metrics == pytest.approx(evaluated["first"].metrics)
    assert run.data.tags["mlflow.runType"] == "genai_evaluate"


def test_one_trace_per_row_with_its_inputs_outputs_and_expectation(evaluated):
    traces = search_run(evaluated, evaluated["first"].run_id)
    assert len(traces) == len(ROWS)
    rows = by_question(traces)
    assert sorted(rows) == sorted(q for q, _ in ROWS)
    for question, expected in ROWS:
        trace = rows[question]
        assert trace.info.experiment_id == evaluated["experiment_id"] and trace.info.state == "OK"
        assert trace.data.spans[0].inputs == {"question": question}
        assert trace.data.spans[0].outputs == FIRST_ANSWERS[question]
        assert trace.info.request_preview == f'{{"question": "{question}"}}'
        assert trace.info.response_preview == f'"{FIRST_ANSWERS[question]}"'
        expectation = assessments(trace)["expected_response"]
        assert expectation.value == expected
        assert expectation.source.source_type == "HUMAN"
        assert expectation.run_id == evaluated["first"].run_id


def test_each_row_has_every_scorers_feedback(evaluated):
    rows = by_question(search_run(evaluated, evaluated["first"].run_id))
    found = {q: assessments(t) for q, t in rows.items()}
    assert {q: sorted(a) for q, a in found.items()} == {
        q: ["exact", "expected_response", "judged", "length", "regex_match"] for q, _ in ROWS}
    values = {q: {name: a.value for name, a in found[q].items() if name != "expected_response"} for q in found}
    assert values == {
        "What is 2+2?": {"exact": True, "length": 1.0, "judged": "no", "regex_match": "yes"},
        "Capital of France?": {"exact": True, "length": 5.0, "judged": "yes", "regex_match": "yes"},
        "Colour of the sky?": {"exact": False, "length": 5.0, "judged": "yes", "regex_match": "no"},
    }
    sky = found["Colour of the sky?"]
    assert {name: a.source.source_type for name, a in sky.items()} == {
        "exact": "CODE", "length": "CODE", "judged": "CODE", "regex_match": "CODE", "expected_response": "HUMAN"}
    assert sky["exact"].source.source_id == "exact" and sky["length"].source.source_id == "length"
    assert sky["judged"].rationale == "the answer to Colour of the sky? has 5 characters"
    assert sky["regex_match"].rationale == "Output does not match pattern '^[A-Z0-9]'"
    assert sky["exact"].rationale is None
    assert all(a.run_id == evaluated["first"].run_id for a in sky.values())


def questions(traces):
    return sorted(t.data.spans[0].inputs["question"] for t in traces)


def test_rows_are_found_by_a_feedback_value(evaluated):
    run_id = evaluated["first"].run_id
    search = lambda f: search_run(evaluated, run_id, filter_string=f)
    # A boolean is matched as JSON writes it, `true`, not as Python's `True`; a string bare.
    assert questions(search("feedback.exact = 'true'")) == ["Capital of France?", "What is 2+2?"]
    assert questions(search("feedback.`exact` = 'false'")) == ["Colour of the sky?"]
    assert search("feedback.exact = 'True'") == []
    assert questions(search("feedback.regex_match = 'no'")) == ["Colour of the sky?"]
    assert questions(search("feedback.judged != 'yes'")) == ["What is 2+2?"]
    assert questions(search("expectation.expected_response = 'Paris'")) == ["Capital of France?"]
    # An unquoted value is refused, as MLflow refuses it.
    with pytest.raises(MlflowException) as refused:
        search("feedback.exact = true")
    assert refused.value.error_code == "INVALID_PARAMETER_VALUE"


def test_a_second_run_over_the_same_rows_has_its_own_traces_and_results(evaluated):
    first, second = evaluated["first"], evaluated["second"]
    assert second.run_id != first.run_id
    assert second.metrics == pytest.approx({"exact/mean": 2 / 3, "length/mean": 13 / 3, "judged/mean": 1.0,
                                            "regex_match/mean": 1 / 3})
    one = search_run(evaluated, first.run_id)
    two = search_run(evaluated, second.run_id)
    assert len(two) == len(ROWS) and not {t.info.trace_id for t in one} & {t.info.trace_id for t in two}
    rows = by_question(two)
    assert {q: t.data.spans[0].outputs for q, t in rows.items()} == SECOND_ANSWERS
    assert {q: assessments(t)["exact"].value for q, t in rows.items()} == {
        "What is 2+2?": False, "Capital of France?": True, "Colour of the sky?": True}
    assert all(a.run_id == second.run_id for t in two for a in t.info.assessments)
    # The experiment holds both runs' traces; each run's search finds only its own.
    both = mlflow.search_traces(locations=[evaluated["experiment_id"]], return_type="list")
    assert len(both) == 2 * len(ROWS)
    assert questions(search_run(evaluated, second.run_id, filter_string="feedback.exact = 'false'")) == ["What is 2+2?"]
