"""Experiments through the real MLflow client (and a little raw HTTP)."""
import re

import mlflow
import pytest
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from helpers import assert_error


def test_default_experiment(client):
    exp = client.get_experiment("0")
    assert exp.experiment_id == "0"
    assert exp.name == "Default"
    assert exp.lifecycle_stage == "active"
    assert client.get_experiment_by_name("Default").experiment_id == "0"


def test_default_experiment_raw(api):
    r = api.get("experiments/get", {"experiment_id": "0"})
    assert r.status_code == 200
    exp = r.json()["experiment"]
    assert exp["experiment_id"] == "0"
    assert exp["name"] == "Default"
    assert exp["lifecycle_stage"] == "active"
    assert exp["artifact_location"].endswith("/artifacts/0")
    assert isinstance(exp["creation_time"], int) and exp["creation_time"] > 1_600_000_000_000
    assert isinstance(exp["last_update_time"], int)
    # no tags -> the key is omitted, not an empty list
    assert "tags" not in exp


def test_set_experiment_creates_then_reuses(unique):
    name = f"set-exp-{unique}"
    exp = mlflow.set_experiment(name)
    assert exp.name == name
    assert re.fullmatch(r"[1-9][0-9]*", exp.experiment_id)
    assert exp.lifecycle_stage == "active"
    again = mlflow.set_experiment(name)
    assert again.experiment_id == exp.experiment_id
    with mlflow.start_run() as run:
        assert run.info.experiment_id == exp.experiment_id
    by_id = mlflow.set_experiment(experiment_id=exp.experiment_id)
    assert by_id.name == name


def test_create_experiment_with_tags_and_get(client, unique):
    name = f"create-{unique}"
    eid = client.create_experiment(name, tags={"team": "ml", "purpose": "compat"})
    exp = client.get_experiment(eid)
    assert exp.name == name
    assert exp.tags == {"team": "ml", "purpose": "compat"}
    assert exp.artifact_location.endswith(f"/artifacts/{eid}")
    assert client.get_experiment_by_name(name).experiment_id == eid
    assert client.get_experiment_by_name(f"missing-{unique}") is None


def test_duplicate_experiment_name(client, api, unique):
    name = f"dup-{unique}"
    client.create_experiment(name)
    with pytest.raises(MlflowException) as ei:
        client.create_experiment(name)
    assert ei.value.error_code == "RESOURCE_ALREADY_EXISTS"
    r = api.post("experiments/create", {"name": name})
    # MLflow appends an SQLAlchemy dump after the stable prefix.
    body = assert_error(r, 400, "RESOURCE_ALREADY_EXISTS")
    assert body["message"].startswith(f"Experiment(name={name}) already exists.")


def test_rename_experiment(client, unique):
    eid = client.create_experiment(f"old-{unique}")
    client.rename_experiment(eid, f"new-{unique}")
    assert client.get_experiment(eid).name == f"new-{unique}"
    assert client.get_experiment_by_name(f"old-{unique}") is None
    assert client.get_experiment_by_name(f"new-{unique}").experiment_id == eid


def test_rename_experiment_to_taken_name_is_400(api, unique):
    a = api.create_experiment(f"ren-a-{unique}")
    api.create_experiment(f"ren-b-{unique}")
    r = api.post("experiments/update", {"experiment_id": a, "new_name": f"ren-b-{unique}"})
    assert r.status_code == 400
    assert api.get("experiments/get", {"experiment_id": a}).json()["experiment"]["name"] == f"ren-a-{unique}"


@pytest.mark.swiftrack_only
def test_rename_experiment_to_taken_name_error_code(api, unique):
    # MLflow leaks the raw sqlite IntegrityError as error_code BAD_REQUEST; Swiftrack answers
    # with the code MLflow itself uses for a duplicate create.
    a = api.create_experiment(f"ren2-a-{unique}")
    api.create_experiment(f"ren2-b-{unique}")
    r = api.post("experiments/update", {"experiment_id": a, "new_name": f"ren2-b-{unique}"})
    assert_error(r, 400, "RESOURCE_ALREADY_EXISTS")


def test_experiment_tags_set_and_delete(client, unique):
    eid = client.create_experiment(f"tags-{unique}")
    client.set_experiment_tag(eid, "stage", "dev")
    client.set_experiment_tag(eid, "owner", "ana")
    client.set_experiment_tag(eid, "stage", "prod")  # overwrite is allowed for tags
    assert client.get_experiment(eid).tags == {"stage": "prod", "owner": "ana"}
    client.delete_experiment_tag(eid, "owner")
    assert client.get_experiment(eid).tags == {"stage": "prod"}


def test_fluent_experiment_tags(unique):
    exp = mlflow.set_experiment(f"ftags-{unique}")
    mlflow.set_experiment_tags({"a": "1", "b": "2"})
    mlflow.set_experiment_tag("c", "3")
    assert mlflow.get_experiment(exp.experiment_id).tags == {"a": "1", "b": "2", "c": "3"}


def test_delete_and_restore_experiment(client, unique):
    name = f"del-{unique}"
    eid = client.create_experiment(name)
    client.delete_experiment(eid)
    exp = client.get_experiment(eid)
    assert exp.lifecycle_stage == "deleted"
    flt = f"name = '{name}'"
    assert client.search_experiments(filter_string=flt) == []
    assert [e.experiment_id for e in client.search_experiments(view_type=ViewType.DELETED_ONLY, filter_string=flt)] == [eid]
    assert [e.experiment_id for e in client.search_experiments(view_type=ViewType.ALL, filter_string=flt)] == [eid]
    # a deleted experiment's name is still taken
    with pytest.raises(MlflowException) as ei:
        client.create_experiment(name)
    assert ei.value.error_code == "RESOURCE_ALREADY_EXISTS"
    client.restore_experiment(eid)
    assert client.get_experiment(eid).lifecycle_stage == "active"
    assert [e.experiment_id for e in client.search_experiments(filter_string=flt)] == [eid]


def test_set_experiment_on_deleted_experiment_fails(client, unique):
    name = f"setdel-{unique}"
    eid = client.create_experiment(name)
    client.delete_experiment(eid)
    with pytest.raises(MlflowException) as ei:
        mlflow.set_experiment(name)
    assert "deleted" in str(ei.value)


def test_get_by_name_raw(api):
    assert api.get("experiments/get-by-name", {"experiment_name": "Default"}).json()["experiment"]["experiment_id"] == "0"


def test_search_experiments_filter_order_and_pages(client, unique):
    prefix = f"srch-{unique}-"
    ids = {}
    for n in ["c", "a", "d", "b", "e"]:
        ids[n] = client.create_experiment(prefix + n, tags={"letter": n, "vowel": str(n in "ae")})
    flt = f"name LIKE '{prefix}%'"
    # default order: newest first: creation_time DESC, then experiment_id ASC for equal times
    got = client.search_experiments(filter_string=flt)
    created = {eid: client.get_experiment(eid).creation_time for eid in ids.values()}
    assert [e.experiment_id for e in got] == sorted(ids.values(), key=lambda i: (-created[i], int(i)))
    asc = client.search_experiments(filter_string=flt, order_by=["name ASC"])
    assert [e.name for e in asc] == [prefix + n for n in "abcde"]
    desc = client.search_experiments(filter_string=flt, order_by=["name DESC"])
    assert [e.name for e in desc] == [prefix + n for n in "edcba"]
    by_tag = client.search_experiments(filter_string=f"{flt} AND tags.vowel = 'True'", order_by=["name"])
    assert [e.name for e in by_tag] == [prefix + "a", prefix + "e"]
    # pagination: max_results + page_token
    page1 = client.search_experiments(filter_string=flt, order_by=["name ASC"], max_results=2)
    assert [e.name for e in page1] == [prefix + "a", prefix + "b"]
    assert page1.token
    page2 = client.search_experiments(filter_string=flt, order_by=["name ASC"], max_results=2, page_token=page1.token)
    assert [e.name for e in page2] == [prefix + "c", prefix + "d"]
    page3 = client.search_experiments(filter_string=flt, order_by=["name ASC"], max_results=2, page_token=page2.token)
    assert [e.name for e in page3] == [prefix + "e"]
    assert not page3.token


def test_search_experiments_view_types(client, unique):
    prefix = f"vt-{unique}-"
    live = client.create_experiment(prefix + "live")
    dead = client.create_experiment(prefix + "dead")
    client.delete_experiment(dead)
    flt = f"name LIKE '{prefix}%'"
    ids = lambda vt: sorted(e.experiment_id for e in client.search_experiments(view_type=vt, filter_string=flt))
    assert ids(ViewType.ACTIVE_ONLY) == [live]
    assert ids(ViewType.DELETED_ONLY) == [dead]
    assert ids(ViewType.ALL) == sorted([live, dead])


@pytest.mark.swiftrack_only
def test_search_without_max_results_uses_the_default_page(api, unique):
    # MLflow reads an absent max_results as 0 and answers 400; Swiftrack uses its default page
    # size (1000), as the runs search already does in MLflow.
    eid = api.create_experiment(f"nomax-{unique}")
    r = api.get("experiments/search", {"filter": f"name = 'nomax-{unique}'"})
    assert r.status_code == 200
    assert [e["experiment_id"] for e in r.json()["experiments"]] == [eid]
