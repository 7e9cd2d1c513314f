"""The prompt registry through the official client (mlflow.genai): register text and chat
prompts, new versions, load by version, by alias and @latest, aliases set and deleted,
search_prompts, and prompts kept out of model search. Prompts are registered models tagged
mlflow.prompt.is_prompt; their versions carry a placeholder source, which the server must
accept for prompts and refuse for anything else named a prompt."""
import mlflow
import pytest

from helpers import assert_error


def _register(name, template, **kw):
    return mlflow.genai.register_prompt(name=name, template=template, **kw)


def test_register_load_and_format_text_prompts(server, unique):
    name = f"greet-{unique}"
    first = _register(name, "Hello {{ name }}!", commit_message="first", tags={"team": "nlp"})
    assert first.version == 1
    second = _register(name, "Hi {{ name }}, welcome to {{ place }}.")
    assert second.version == 2

    by_version = mlflow.genai.load_prompt(f"prompts:/{name}/1")
    assert by_version.template == "Hello {{ name }}!"
    assert by_version.format(name="Ada") == "Hello Ada!"
    assert by_version.commit_message == "first"
    assert by_version.tags.get("team") == "nlp"
    latest = mlflow.genai.load_prompt(f"prompts:/{name}@latest")
    assert latest.version == 2
    assert latest.format(name="Ada", place="Paris") == "Hi Ada, welcome to Paris."
    assert mlflow.genai.load_prompt(name, version=2).variables == {"name", "place"}


def test_chat_prompts_keep_their_messages(server, unique):
    name = f"chat-{unique}"
    messages = [{"role": "system", "content": "You answer in {{ language }}."},
                {"role": "user", "content": "{{ question }}"}]
    _register(name, messages)
    loaded = mlflow.genai.load_prompt(f"prompts:/{name}/1")
    assert not loaded.is_text_prompt
    assert loaded.template == messages
    assert loaded.format(language="French", question="Why?") == [
        {"role": "system", "content": "You answer in French."}, {"role": "user", "content": "Why?"}]


def test_aliases_move_and_go(server, unique):
    name = f"aliased-{unique}"
    _register(name, "v1 {{ x }}")
    _register(name, "v2 {{ x }}")
    mlflow.genai.set_prompt_alias(name, alias="production", version=1)
    assert mlflow.genai.load_prompt(f"prompts:/{name}@production").template == "v1 {{ x }}"
    mlflow.genai.set_prompt_alias(name, alias="production", version=2)
    assert mlflow.genai.load_prompt(f"prompts:/{name}@production").template == "v2 {{ x }}"
    mlflow.genai.delete_prompt_alias(name, alias="production")
    assert mlflow.genai.load_prompt(f"prompts:/{name}@production", allow_missing=True) is None


def test_search_prompts_and_model_search_keep_apart(server, client, unique):
    prompts = [f"find-{unique}-{i}" for i in range(3)]
    for name in prompts:
        _register(name, "text {{ a }}", tags={"kind": "odd" if name.endswith("1") else "even"})
    model = f"model-{unique}"
    client.create_registered_model(model)

    found = mlflow.genai.search_prompts(filter_string=f"name LIKE 'find-{unique}-%'")
    assert sorted(p.name for p in found) == prompts
    odd = mlflow.genai.search_prompts(filter_string=f"name LIKE 'find-{unique}-%' AND tags.kind = 'odd'")
    assert [p.name for p in odd] == [prompts[1]]
    assert mlflow.genai.search_prompts(filter_string=f"name = '{model}'") == []
    # Model search leaves prompts out.
    models = client.search_registered_models(filter_string=f"name LIKE '%{unique}%'")
    assert [m.name for m in models] == [model]


def test_a_prompt_version_needs_a_placeholder_source(api, unique):
    """The REST call the client makes, with a source that is no placeholder: 400, as MLflow."""
    name = f"raw-{unique}"
    r = api.post("registered-models/create", {
        "name": name, "tags": [{"key": "mlflow.prompt.is_prompt", "value": "true"}]})
    assert r.status_code == 200, r.text
    prompt_tags = [{"key": "mlflow.prompt.is_prompt", "value": "true"},
                   {"key": "mlflow.prompt.text", "value": "t"}]
    for source in ["s3://bucket/x", "/etc", "runs:/abc/model", "dummy-sourcex"]:
        r = api.post("model-versions/create", {"name": name, "source": source, "tags": prompt_tags})
        assert_error(r, 400, "INVALID_PARAMETER_VALUE", contains=f"Invalid prompt source: '{source}'")
    for source in ["dummy-source", "prompt-template"]:
        r = api.post("model-versions/create", {"name": name, "source": source, "tags": prompt_tags})
        assert r.status_code == 200, r.text
        assert r.json()["model_version"]["source"] == source
    # The last value of the tag decides, as MLflow's: "false" last makes it an ordinary version.
    flipped = prompt_tags + [{"key": "mlflow.prompt.is_prompt", "value": "false"}]
    r = api.post("model-versions/create", {"name": name, "source": "dummy-source", "tags": flipped})
    assert r.status_code == 400, r.text
    # Only the two placeholder versions were made.
    for version, status in [("1", 200), ("2", 200), ("3", 404)]:
        assert api.get("model-versions/get", {"name": name, "version": version}).status_code == status
