"""Feedback and expectations on traces through the official client (mlflow.log_feedback,
log_expectation, get_assessment, update_assessment, override_feedback, delete_assessment): values of
every JSON type, sources, errors, rationale and metadata, returned with the trace. Also against
MLflow 3.17.2 in check mode."""
import time

import mlflow
import pytest
from mlflow.entities import AssessmentError, AssessmentSource, AssessmentSourceType


@pytest.fixture
def trace_id(client, unique):
    eid = client.create_experiment(f"assess-{unique}")
    mlflow.set_experiment(experiment_id=eid)

    @mlflow.trace
    def answer(question):
        return "42"

    answer("meaning?")
    tid = mlflow.get_last_active_trace_id()
    mlflow.flush_trace_async_logging()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            mlflow.get_trace(tid)
            return tid
        except Exception:
            time.sleep(0.1)
    return tid


def _human(name="ann"):
    return AssessmentSource(source_type=AssessmentSourceType.HUMAN, source_id=name)


def test_feedback_of_every_json_type_reads_back(server, trace_id):
    values = [True, 5, 0.25, "great", ["a", 1], {"score": 4.5, "tags": ["x"]}]
    ids = []
    for index, value in enumerate(values):
        logged = mlflow.log_feedback(trace_id=trace_id, name=f"q{index}", value=value, source=_human(),
                                     rationale="because", metadata={"round": str(index)})
        read = mlflow.get_assessment(trace_id, logged.assessment_id)
        assert read.value == value
        assert read.name == f"q{index}"
        assert read.rationale == "because"
        assert read.metadata == {"round": str(index)}
        assert read.source.source_type == "HUMAN" and read.source.source_id == "ann"
        assert read.valid
        ids.append(logged.assessment_id)
    trace = mlflow.get_trace(trace_id)
    assert sorted(a.assessment_id for a in trace.info.assessments) == sorted(ids)


def test_expectations_and_judge_errors(server, trace_id):
    expected = mlflow.log_expectation(trace_id=trace_id, name="expected_answer", value={"answer": "42"},
                                      source=_human("curator"))
    assert mlflow.get_assessment(trace_id, expected.assessment_id).value == {"answer": "42"}
    judge = AssessmentSource(source_type=AssessmentSourceType.LLM_JUDGE, source_id="gpt-x")
    failed = mlflow.log_feedback(trace_id=trace_id, name="relevance", source=judge,
                                 error=AssessmentError(error_code="RATE_LIMIT", error_message="slow down"))
    read = mlflow.get_assessment(trace_id, failed.assessment_id)
    assert read.error.error_code == "RATE_LIMIT" and read.error.error_message == "slow down"
    assert read.source.source_type == "LLM_JUDGE"


def test_update_override_and_delete(server, trace_id):
    first = mlflow.log_feedback(trace_id=trace_id, name="quality", value="bad", source=_human())
    updated = mlflow.update_assessment(trace_id, first.assessment_id,
                                       mlflow.entities.Feedback(name="quality", value="ok", rationale="re-read"))
    assert updated.value == "ok"
    assert mlflow.get_assessment(trace_id, first.assessment_id).rationale == "re-read"
    second = mlflow.override_feedback(trace_id=trace_id, assessment_id=first.assessment_id, value="good",
                                      rationale="second look", source=_human("bob"))
    assert second.overrides == first.assessment_id
    assert not mlflow.get_assessment(trace_id, first.assessment_id).valid
    mlflow.delete_assessment(trace_id, second.assessment_id)
    assert mlflow.get_assessment(trace_id, first.assessment_id).valid
    with pytest.raises(Exception):
        mlflow.get_assessment(trace_id, second.assessment_id)
