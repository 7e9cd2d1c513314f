"""Registered scorers through the official client (Scorer.register, mlflow.genai.scorers' list_scorers,
get_scorer, list_scorer_versions, delete_scorer, and start/update/stop of online scoring), and the
scorer routes' errors over raw HTTP. Also against MLflow 3.17.2 in check mode.

Neither server here has an AI gateway endpoint: MLflow refuses a scorer whose judge is a gateway
model (the endpoint is not found) and refuses to start any other scorer (online scoring needs a
gateway model), so what start() can do is refused on both; stop() stores a rate of 0."""
import concurrent.futures
import json

import mlflow
import pytest
import requests
from conftest import IS_MLFLOW
from mlflow.exceptions import MlflowException
from mlflow.genai.judges import make_judge
from mlflow.genai.scorers import Guidelines, ScorerSamplingConfig, delete_scorer, get_scorer, list_scorers, scorer
from mlflow.genai.scorers.registry import list_scorer_versions


@pytest.fixture
def experiment(client, unique):
    return client.create_experiment(f"scorers-{unique}")


def _v3(server, method, path, **kwargs):
    return requests.request(method, f"{server}/api/3.0/mlflow/scorers/{path}", timeout=15, **kwargs)


def _judge(instructions="Is {{ outputs }} polite?", model=None):
    extra = {"model": model} if model else {}
    return make_judge(name="tone", instructions=instructions, feedback_value_type=bool, **extra)


def test_a_builtin_scorer_registers_lists_and_reads_back(server, experiment):
    registered = Guidelines(name="polite", guidelines=["Be polite"]).register(experiment_id=experiment)
    assert registered.name == "polite"
    assert registered.sample_rate is None and registered.filter_string is None
    listed = list_scorers(experiment_id=experiment)
    assert [s.name for s in listed] == ["polite"]
    assert isinstance(listed[0], Guidelines) and listed[0].guidelines == ["Be polite"]
    read = get_scorer(name="polite", experiment_id=experiment)
    assert isinstance(read, Guidelines) and read.guidelines == ["Be polite"]
    assert read._scorer_version == 1
    assert read._experiment_id == experiment


def test_registering_again_makes_version_two_and_each_version_reads_back(server, experiment):
    _judge("Is {{ outputs }} polite?").register(name="tone", experiment_id=experiment)
    _judge("Is {{ outputs }} kind?").register(name="tone", experiment_id=experiment)
    Guidelines(name="brief", guidelines=["Be brief"]).register(experiment_id=experiment)
    assert get_scorer(name="tone", experiment_id=experiment).instructions == "Is {{ outputs }} kind?"
    first = get_scorer(name="tone", experiment_id=experiment, version=1)
    assert first.instructions == "Is {{ outputs }} polite?" and first._scorer_version == 1
    versions = list_scorer_versions(name="tone", experiment_id=experiment)
    assert [(s.instructions, v) for s, v in versions] == [("Is {{ outputs }} polite?", 1), ("Is {{ outputs }} kind?", 2)]
    # The latest of each, by name.
    assert [(s.name, s._scorer_version) for s in list_scorers(experiment_id=experiment)] == [("brief", 1), ("tone", 2)]


def test_the_wire_shapes_are_mlflows(server, experiment):
    payload = json.dumps(Guidelines(name="polite", guidelines=["Be polite"]).model_dump())
    reply = _v3(server, "POST", "register", json={"experiment_id": experiment, "name": "polite", "serialized_scorer": payload})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert set(body) == {"version", "scorer_id", "experiment_id", "name", "serialized_scorer", "creation_time"}
    assert (body["version"], body["experiment_id"], body["name"], body["serialized_scorer"]) == (1, experiment, "polite", payload)
    assert len(body["scorer_id"]) == 36 and isinstance(body["creation_time"], int)
    got = _v3(server, "GET", "get", params={"experiment_id": experiment, "name": "polite", "version": 1}).json()
    assert got == {"scorer": {"experiment_id": int(experiment), "scorer_name": "polite", "scorer_version": 1,
                              "serialized_scorer": payload, "creation_time": body["creation_time"],
                              "scorer_id": body["scorer_id"]}}
    assert _v3(server, "GET", "list", params={"experiment_id": experiment}).json() == {"scorers": [got["scorer"]]}
    assert _v3(server, "GET", "versions", params={"experiment_id": experiment, "name": "polite"}).json() == {
        "scorers": [got["scorer"]]}
    configs = _v3(server, "GET", "online-configs", params={"scorer_ids": [body["scorer_id"]]})
    assert configs.status_code == 200 and configs.json() == {"configs": []}


def test_listing_across_experiments(server, client, unique):
    first = client.create_experiment(f"scorers-a-{unique}")
    second = client.create_experiment(f"scorers-b-{unique}")
    gone = client.create_experiment(f"scorers-gone-{unique}")
    for experiment, name in [(second, "zeta"), (first, "beta"), (first, "alpha"), (gone, "old")]:
        Guidelines(name=name, guidelines=["x"]).register(experiment_id=experiment)
    client.delete_experiment(gone)
    reply = _v3(server, "GET", "list", params={"experiment_ids": [second, first, gone, "999999999"]})
    assert reply.status_code == 200, reply.text
    assert [(s["experiment_id"], s["scorer_name"]) for s in reply.json()["scorers"]] == [
        (int(first), "alpha"), (int(first), "beta"), (int(second), "zeta")]
    everywhere = [(s["experiment_id"], s["scorer_name"]) for s in _v3(server, "GET", "list").json()["scorers"]]
    assert (int(first), "alpha") in everywhere and (int(gone), "old") not in everywhere
    assert everywhere == sorted(everywhere)
    both = _v3(server, "GET", "list", params={"experiment_id": first, "experiment_ids": [second]})
    assert both.status_code == 400 and "Cannot specify both 'experiment_id' and 'experiment_ids'" in both.json()["message"]
    bad = _v3(server, "GET", "list", params={"experiment_ids": ["no way"]})
    assert (bad.status_code, bad.json()["message"]) == (400, "Invalid experiment ID: 'no way'")
    deleted = _v3(server, "GET", "list", params={"experiment_id": gone})
    assert deleted.status_code == 400 and deleted.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_deleting_one_version_then_all(server, experiment):
    for guideline in ["one", "two", "three"]:
        Guidelines(name="g", guidelines=[guideline]).register(experiment_id=experiment)
    delete_scorer(name="g", experiment_id=experiment, version=2)
    assert [v for _, v in list_scorer_versions(name="g", experiment_id=experiment)] == [1, 3]
    with pytest.raises(MlflowException) as caught:
        get_scorer(name="g", experiment_id=experiment, version=2)
    assert caught.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert f"Scorer with name 'g' and version 2 not found for experiment {experiment}." in caught.value.message
    with pytest.raises(MlflowException) as caught:
        delete_scorer(name="g", experiment_id=experiment, version=2)
    assert caught.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    delete_scorer(name="g", experiment_id=experiment, version="all")
    assert list_scorers(experiment_id=experiment) == []
    with pytest.raises(MlflowException) as caught:
        list_scorer_versions(name="g", experiment_id=experiment)
    assert caught.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    # A new registration of the name starts again at 1.
    Guidelines(name="g", guidelines=["again"]).register(experiment_id=experiment)
    assert get_scorer(name="g", experiment_id=experiment)._scorer_version == 1


def test_deleting_the_only_version_keeps_the_scorer_and_numbering_restarts(server, experiment):
    Guidelines(name="solo", guidelines=["x"]).register(experiment_id=experiment)
    delete_scorer(name="solo", experiment_id=experiment, version=1)
    assert list_scorers(experiment_id=experiment) == []
    with pytest.raises(MlflowException) as caught:
        get_scorer(name="solo", experiment_id=experiment)
    assert caught.value.message.endswith(f"Scorer with name 'solo' not found for experiment {experiment}.")
    Guidelines(name="solo", guidelines=["y"]).register(experiment_id=experiment)
    assert get_scorer(name="solo", experiment_id=experiment)._scorer_version == 1


def test_unknown_scorers_and_experiments(server, experiment):
    with pytest.raises(MlflowException) as caught:
        get_scorer(name="nobody", experiment_id=experiment)
    assert caught.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert f"Scorer with name 'nobody' not found for experiment {experiment}." in caught.value.message
    with pytest.raises(MlflowException) as caught:
        delete_scorer(name="nobody", experiment_id=experiment, version="all")
    assert caught.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException) as caught:
        Guidelines(name="g", guidelines=["x"]).register(experiment_id="987654321")
    assert caught.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert "No Experiment with id=987654321 exists" in caught.value.message


def test_a_decorator_scorer_is_refused_also_inside_an_ensemble(server, experiment):
    @scorer
    def short(outputs) -> bool:
        return len(outputs) < 10

    with pytest.raises(MlflowException) as caught:
        short.register(experiment_id=experiment)
    assert caught.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Custom scorer registration (using @scorer decorator) is disabled by default" in caught.value.message
    nested = {"name": "ens", "ensemble_scorer_data": {"scorers": [json.loads(json.dumps(short.model_dump()))]}}
    reply = _v3(server, "POST", "register",
                json={"experiment_id": experiment, "name": "ens", "serialized_scorer": json.dumps(nested)})
    assert reply.status_code == 400
    assert reply.json()["message"].startswith("Custom scorer registration (using @scorer decorator) is disabled")
    assert list_scorers(experiment_id=experiment) == []


def test_bad_payloads_and_names_are_refused_with_mlflows_words(server, experiment):
    good = json.dumps(Guidelines(name="g", guidelines=["x"]).model_dump())
    cases = [
        ({"experiment_id": experiment, "name": "g", "serialized_scorer": "{not json"},
         "serialized_scorer must be valid JSON"),
        ({"experiment_id": experiment, "name": "   ", "serialized_scorer": good},
         "Scorer name cannot be empty or contain only whitespace."),
        ({"experiment_id": experiment, "name": "g", "serialized_scorer": json.dumps(
            {"name": "g", "third_party_scorer_data": {"kwargs": {"completion_kwargs": {"api_base": "http://evil"}}}})},
         "third_party_scorer_data.kwargs must not contain 'api_base': these options choose where the scorer's LLM "
         "client sends requests."),
        ({"experiment_id": experiment, "name": "g", "serialized_scorer": json.dumps(
            {"name": "g", "third_party_scorer_data": {"kwargs": ["base_url", "x"]}})},
         "third_party_scorer_data.kwargs must be a JSON object, got list."),
        ({"experiment_id": experiment, "name": "g", "serialized_scorer": json.dumps(
            {"name": "g", "instructions_judge_pydantic_data": {"model": 5}})},
         "Scorer model must be a string, got int."),
        ({"experiment_id": experiment, "name": "g", "serialized_scorer": json.dumps(
            {"name": "g", "instructions_judge_pydantic_data": {"model": "  "}})},
         "Scorer model cannot be empty or contain only whitespace."),
        ({"experiment_id": experiment, "name": "g"}, "Missing value for required parameter 'serialized_scorer'"),
        ({"name": "g", "serialized_scorer": good}, "Missing value for required parameter 'experiment_id'"),
    ]
    for body, message in cases:
        reply = _v3(server, "POST", "register", json=body)
        assert (reply.status_code, reply.json()["error_code"]) == (400, "INVALID_PARAMETER_VALUE"), (body, reply.text)
        assert message in reply.json()["message"], (body, reply.json()["message"])
    assert list_scorers(experiment_id=experiment) == []


def test_a_gateway_judge_is_refused_as_an_unknown_endpoint(server, experiment):
    with pytest.raises(MlflowException) as caught:
        _judge(model="gateway:/my-judge").register(name="tone", experiment_id=experiment)
    assert caught.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert "GatewayEndpoint not found (name='my-judge')" in caught.value.message


def test_online_scoring_without_a_gateway_stores_only_a_stopped_configuration(server, experiment):
    registered = _judge().register(name="tone", experiment_id=experiment)
    with pytest.raises(MlflowException) as caught:
        registered.start(sampling_config=ScorerSamplingConfig(sample_rate=0.5))
    assert caught.value.error_code == "INVALID_PARAMETER_VALUE"
    assert ("Scorer 'tone' does not use a gateway model. Automatic evaluation is only supported for scorers that "
            "use gateway models.") in caught.value.message
    stopped = registered.stop()
    assert stopped.sample_rate == 0.0 and stopped.filter_string is None
    assert get_scorer(name="tone", experiment_id=experiment).sample_rate == 0.0
    updated = registered.update(sampling_config=ScorerSamplingConfig(sample_rate=0.0, filter_string="trace.status = 'OK'"))
    assert (updated.sample_rate, updated.filter_string) == (0.0, "trace.status = 'OK'")
    [listed] = list_scorers(experiment_id=experiment)
    assert (listed.sample_rate, listed.filter_string) == (0.0, "trace.status = 'OK'")


def test_online_config_routes_validate_and_answer_plain_json(server, experiment):
    body = _v3(server, "POST", "register", json={
        "experiment_id": experiment, "name": "tone",
        "serialized_scorer": json.dumps(_judge().model_dump())}).json()
    put = _v3(server, "PUT", "online-config", json={"experiment_id": experiment, "name": "tone", "sample_rate": 0,
                                                    "filter_string": "tags.env = 'prod'"})
    assert put.status_code == 200, put.text
    config = put.json()["config"]
    assert set(config) == {"online_scoring_config_id", "scorer_id", "sample_rate", "experiment_id", "filter_string"}
    assert (config["scorer_id"], config["sample_rate"], config["experiment_id"], config["filter_string"]) == (
        body["scorer_id"], 0.0, experiment, "tags.env = 'prod'")
    assert len(config["online_scoring_config_id"]) == 32
    listed = _v3(server, "GET", "online-configs", params={"scorer_ids": [body["scorer_id"], "no-such-scorer"]})
    assert listed.json() == {"configs": [config]}
    # A second upsert replaces the configuration (one per scorer), under a new id.
    again = _v3(server, "PUT", "online-config", json={"experiment_id": experiment, "name": "tone", "sample_rate": 0})
    assert "filter_string" not in again.json()["config"]
    assert again.json()["config"]["online_scoring_config_id"] != config["online_scoring_config_id"]
    assert _v3(server, "GET", "online-configs", params={"scorer_ids": body["scorer_id"]}).json() == {
        "configs": [again.json()["config"]]}
    refusals = [
        ({"sample_rate": 1.5}, "INVALID_PARAMETER_VALUE", "sample_rate must be between 0.0 and 1.0, got 1.5"),
        ({"sample_rate": -0.1}, "INVALID_PARAMETER_VALUE", "sample_rate must be between 0.0 and 1.0, got -0.1"),
        ({"sample_rate": 0, "filter_string": 5}, "INVALID_PARAMETER_VALUE",
         "Invalid value 5 for parameter 'filter_string' supplied: Value was of type 'int'. Expected type 'str' or None."),
        ({"sample_rate": 0, "filter_string": "tags.env ="}, "INVALID_PARAMETER_VALUE", ""),
        ({"sample_rate": 0, "name": "nobody"}, "RESOURCE_DOES_NOT_EXIST",
         f"Scorer with name 'nobody' not found for experiment {experiment}."),
        ({}, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'sample_rate'"),
    ]
    for extra, code, message in refusals:
        reply = _v3(server, "PUT", "online-config", json={"experiment_id": experiment, "name": "tone", **extra})
        assert reply.json()["error_code"] == code, (extra, reply.text)
        assert message in reply.json()["message"], (extra, reply.json()["message"])
    missing = _v3(server, "GET", "online-configs")
    assert (missing.status_code, missing.json()["error_code"]) == (400, "INVALID_PARAMETER_VALUE")


def test_concurrent_registrations_of_one_name_get_distinct_versions(server, experiment):
    payload = json.dumps(Guidelines(name="race", guidelines=["x"]).model_dump())

    def register(_):
        reply = _v3(server, "POST", "register", json={"experiment_id": experiment, "name": "race",
                                                      "serialized_scorer": payload})
        return reply.status_code, reply.json().get("version", reply.json().get("message"))

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(register, range(16)))
    versions = [version for status, version in outcomes if status == 200]
    # No version is handed out twice, on either server.
    assert len(versions) == len(set(versions))
    assert [v for _, v in list_scorer_versions(name="race", experiment_id=experiment)] == sorted(versions)
    if IS_MLFLOW:
        # MLflow reads the highest version and inserts the next without a lock: racing registrations
        # of one name collide on a unique key, and the losers get its IntegrityError as a 400.
        assert all("UNIQUE constraint failed" in str(message) for status, message in outcomes if status != 200)
        return
    assert all(status == 200 for status, _ in outcomes), outcomes
    assert sorted(versions) == list(range(1, 17))
