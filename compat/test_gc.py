"""`swiftrack gc`: the real client logs runs, logged models and artifacts through a Swiftrack server of
this module's own (artifacts proxied into a local destination), deletes some, and the built binary
collects them while the server runs. The client then finds the collected runs gone
(RESOURCE_DOES_NOT_EXIST) and their artifact files removed; everything else answers as before.

The store is the session's engine (SQLite by default; SWIFTRACK_COMPAT_ENGINE=postgres or mysql under
scripts/with-databases), so gc runs on every engine."""

import os
import shutil
import subprocess
import tempfile
import time

import pytest
from mlflow import MlflowClient
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from conftest import SWIFTRACK_BIN, _free_port, fresh_database_uri, start_logged, stop_process_group, wait_for_health

pytestmark = pytest.mark.swiftrack_only


class _GCServer:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="compat-gc-")
        self.db = fresh_database_uri(self.tmp)
        self.artifacts = os.path.join(self.tmp, "artifacts")
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = os.path.join(self.tmp, "server.log")
        cmd = [SWIFTRACK_BIN, "server", "--backend-store-uri", self.db, "--artifacts-destination", self.artifacts,
               "--host", "127.0.0.1", "--port", str(port), "--log-format", "none"]
        self.proc, self.log = start_logged(cmd, dict(os.environ), self.tmp, self.log_path)
        wait_for_health(self.base, self.proc, "swiftrack", self.log_path)
        self.client = MlflowClient(tracking_uri=self.base)

    def gc(self, *args):
        return subprocess.run([SWIFTRACK_BIN, "gc", "--backend-store-uri", self.db,
                               "--artifacts-destination", self.artifacts, *args],
                              capture_output=True, text=True, timeout=60, cwd=self.tmp)

    def run_dir(self, run):
        return os.path.join(self.artifacts, run.info.experiment_id, run.info.run_id)

    def stop(self):
        stop_process_group(self.proc, timeout=15)
        self.log.close()


@pytest.fixture(scope="module")
def gcs():
    server = _GCServer()
    yield server
    server.stop()
    shutil.rmtree(server.tmp, ignore_errors=True)


def _logged_run(client, experiment_id, name, tmp):
    """A finished run with params, metrics (a history of 5), tags and two artifact files."""
    run = client.create_run(experiment_id, run_name=name, tags={"kind": "gc-test"})
    rid = run.info.run_id
    client.log_param(rid, "lr", "0.1")
    for step in range(5):
        client.log_metric(rid, "loss", 1.0 / (step + 1), step=step)
    client.set_tag(rid, "owner", name)
    folder = os.path.join(tmp, f"upload-{rid}")
    os.makedirs(os.path.join(folder, "model"))
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write(f"notes of {name}\n")
    with open(os.path.join(folder, "model", "weights.bin"), "wb") as f:
        f.write(os.urandom(4096))
    client.log_artifacts(rid, folder)
    client.set_terminated(rid)
    return client.get_run(rid)


def _assert_gone(client, run_id):
    with pytest.raises(MlflowException) as info:
        client.get_run(run_id)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def _assert_intact(gcs, run, tmp):
    """The run answers as logged, its metric history whole and its artifact bytes unchanged."""
    client = gcs.client
    again = client.get_run(run.info.run_id)
    assert again.info.lifecycle_stage == run.info.lifecycle_stage
    assert again.data.params == run.data.params == {"lr": "0.1"}
    assert again.data.tags == run.data.tags
    assert [m.value for m in client.get_metric_history(run.info.run_id, "loss")] == [1.0 / (s + 1) for s in range(5)]
    listed = sorted(f.path for f in client.list_artifacts(run.info.run_id))
    assert listed == ["model", "notes.txt"]
    out = client.download_artifacts(run.info.run_id, "model/weights.bin", tempfile.mkdtemp(dir=tmp))
    with open(out, "rb") as f, open(os.path.join(gcs.run_dir(run), "artifacts", "model", "weights.bin"), "rb") as g:
        assert f.read() == g.read()
    assert len(open(out, "rb").read()) == 4096


@pytest.mark.timeout(120)
def test_gc_removes_deleted_runs_rows_and_artifacts(gcs):
    client = gcs.client
    eid = client.create_experiment("gc-basic")
    runs = [_logged_run(client, eid, f"r{i}", gcs.tmp) for i in range(3)]
    for run in runs[:2]:
        assert os.path.isfile(os.path.join(gcs.run_dir(run), "artifacts", "model", "weights.bin"))
        client.delete_run(run.info.run_id)

    result = gcs.gc("--older-than", "0s")
    assert result.returncode == 0, result.stdout + result.stderr
    for run in runs[:2]:
        assert f"deleted run {run.info.run_id}: experiment {eid}" in result.stdout
        _assert_gone(client, run.info.run_id)
        assert not os.path.exists(gcs.run_dir(run)), os.listdir(os.path.dirname(gcs.run_dir(run)))
    assert "deleted 2 runs, 0 logged models, 0 experiments (4 artifact files, 8216 bytes" in result.stdout
    everything = client.search_runs([eid], run_view_type=ViewType.ALL)
    assert [r.info.run_id for r in everything] == [runs[2].info.run_id]
    _assert_intact(gcs, runs[2], gcs.tmp)

    # Nothing is left to collect: a second pass deletes nothing and succeeds.
    again = gcs.gc()
    assert again.returncode == 0, again.stderr
    assert "deleted 0 runs, 0 logged models, 0 experiments" in again.stdout


@pytest.mark.timeout(60)
def test_dry_run_changes_nothing(gcs):
    client = gcs.client
    eid = client.create_experiment("gc-dry-run")
    run = _logged_run(client, eid, "dry", gcs.tmp)
    client.delete_run(run.info.run_id)
    before = sorted(os.listdir(os.path.join(gcs.run_dir(run), "artifacts")))

    result = gcs.gc("--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"would delete run {run.info.run_id}: experiment {eid}" in result.stdout
    assert "dry run: would delete 1 runs" in result.stdout
    assert "2 artifact files, 4109 bytes" in result.stdout
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "deleted"
    assert sorted(os.listdir(os.path.join(gcs.run_dir(run), "artifacts"))) == before == ["model", "notes.txt"]
    client.restore_run(run.info.run_id)
    _assert_intact(gcs, client.get_run(run.info.run_id), gcs.tmp)


@pytest.mark.timeout(60)
def test_older_than_keeps_recent_deletions(gcs):
    client = gcs.client
    eid = client.create_experiment("gc-older-than")
    old, recent = _logged_run(client, eid, "old", gcs.tmp), _logged_run(client, eid, "recent", gcs.tmp)
    client.delete_run(old.info.run_id)
    time.sleep(3)
    client.delete_run(recent.info.run_id)

    result = gcs.gc("--older-than", "2s")
    assert result.returncode == 0, result.stderr
    assert f"deleted run {old.info.run_id}" in result.stdout
    assert f"kept run {recent.info.run_id}: deleted less than 2s ago" in result.stdout
    _assert_gone(client, old.info.run_id)
    kept = client.get_run(recent.info.run_id)
    assert kept.info.lifecycle_stage == "deleted"
    assert os.path.isfile(os.path.join(gcs.run_dir(recent), "artifacts", "notes.txt"))

    # Naming the recent run with the same cutoff is an error, as in mlflow gc; nothing changes.
    named = gcs.gc("--older-than", "1h", "--run-ids", recent.info.run_id)
    assert named.returncode == 1
    assert f"Run {recent.info.run_id} is not older than the required age. Only runs older than 1h can be deleted." \
        in named.stderr
    assert client.get_run(recent.info.run_id).info.lifecycle_stage == "deleted"


@pytest.mark.timeout(60)
def test_registered_model_versions_keep_what_they_point_to(gcs, unique):
    client = gcs.client
    eid = client.create_experiment("gc-registry")
    registered = _logged_run(client, eid, "registered", gcs.tmp)
    model = client.create_logged_model(experiment_id=eid, name="registered-model")
    path = os.path.join(gcs.tmp, "registered.txt")
    with open(path, "w") as f:
        f.write("registered")
    client.log_model_artifact(model.model_id, path)
    name = f"gc-model-{unique}"
    client.create_registered_model(name)
    client.create_model_version(name, f"runs:/{registered.info.run_id}/model", run_id=registered.info.run_id)
    client.create_model_version(name, f"models:/{model.model_id}", model_id=model.model_id)
    client.delete_run(registered.info.run_id)
    client.delete_logged_model(model.model_id)

    result = gcs.gc("--run-ids", registered.info.run_id, "--logged-model-ids", model.model_id)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"kept run {registered.info.run_id}: registered model '{name}' version 1 points to it" in result.stdout
    assert f"kept logged model {model.model_id}: registered model '{name}' version 2 points to it" in result.stdout
    assert "deleted 0 runs, 0 logged models, 0 experiments" in result.stdout
    assert client.get_run(registered.info.run_id).info.lifecycle_stage == "deleted"
    assert os.path.isfile(os.path.join(gcs.run_dir(registered), "artifacts", "model", "weights.bin"))
    assert os.path.isfile(os.path.join(gcs.artifacts, eid, "models", model.model_id, "artifacts", "registered.txt"))
    assert client.get_model_version(name, "1").run_id == registered.info.run_id
    assert client.get_model_version(name, "2").source == f"models:/{model.model_id}"

    # The experiment, deleted too, stays while it holds them.
    client.delete_experiment(eid)
    result = gcs.gc("--experiment-ids", eid)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"kept experiment {eid}: it holds run {registered.info.run_id}, which is kept" in result.stdout
    assert client.get_experiment(eid).lifecycle_stage == "deleted"


@pytest.mark.timeout(60)
def test_deleted_experiment_goes_with_its_runs_and_logged_models(gcs):
    client = gcs.client
    eid = client.create_experiment("gc-experiment")
    runs = [_logged_run(client, eid, f"e{i}", gcs.tmp) for i in range(2)]
    model = client.create_logged_model(experiment_id=eid, name="gc-logged", source_run_id=runs[0].info.run_id)
    weights = os.path.join(gcs.tmp, "logged-weights.bin")
    with open(weights, "wb") as f:
        f.write(b"w" * 100)
    client.log_model_artifact(model.model_id, weights)
    model_dir = os.path.join(gcs.artifacts, eid, "models", model.model_id)
    assert os.path.isfile(os.path.join(model_dir, "artifacts", "logged-weights.bin"))
    client.delete_experiment(eid)

    result = gcs.gc("--experiment-ids", eid)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"deleted experiment {eid}" in result.stdout
    assert f"deleted logged model {model.model_id}" in result.stdout
    assert "deleted 2 runs, 1 logged models, 1 experiments (5 artifact files, 8316 bytes" in result.stdout
    with pytest.raises(MlflowException) as info:
        client.get_experiment(eid)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException) as info:
        client.get_logged_model(model.model_id)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    for run in runs:
        _assert_gone(client, run.info.run_id)
    assert not os.path.exists(os.path.join(gcs.artifacts, eid))
    assert client.get_experiment_by_name("gc-experiment") is None


def test_deleted_experiment_goes_with_its_registered_scorers(gcs):
    import json
    import requests
    from mlflow.genai.scorers import Guidelines
    eid = gcs.client.create_experiment("gc-scorers")
    scorers = f"{gcs.base}/api/3.0/mlflow/scorers"
    registered = requests.post(f"{scorers}/register", timeout=15, json={
        "experiment_id": eid, "name": "polite",
        "serialized_scorer": json.dumps(Guidelines(name="polite", guidelines=["Be polite"]).model_dump())})
    assert registered.status_code == 200, registered.text
    scorer_id = registered.json()["scorer_id"]
    assert requests.put(f"{scorers}/online-config", timeout=15,
                        json={"experiment_id": eid, "name": "polite", "sample_rate": 0}).status_code == 200
    gcs.client.delete_experiment(eid)
    # A configuration is found by its scorer's id whatever the experiment's stage: until gc, it is there.
    configs = lambda: requests.get(f"{scorers}/online-configs", params={"scorer_ids": scorer_id}, timeout=15).json()
    assert [c["scorer_id"] for c in configs()["configs"]] == [scorer_id]

    result = gcs.gc("--experiment-ids", eid)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"deleted experiment {eid}" in result.stdout
    assert configs() == {"configs": []}


@pytest.mark.timeout(60)
def test_deleted_logged_model_is_collected(gcs):
    client = gcs.client
    eid = client.create_experiment("gc-logged-model")
    keep = client.create_logged_model(experiment_id=eid, name="keep")
    gone = client.create_logged_model(experiment_id=eid, name="gone")
    path = os.path.join(gcs.tmp, "model.txt")
    with open(path, "w") as f:
        f.write("model")
    for model in (keep, gone):
        client.log_model_artifact(model.model_id, path)
    client.delete_logged_model(gone.model_id)

    result = gcs.gc("--logged-model-ids", gone.model_id)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"deleted logged model {gone.model_id}: experiment {eid}" in result.stdout
    with pytest.raises(MlflowException) as info:
        client.get_logged_model(gone.model_id)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert not os.path.exists(os.path.join(gcs.artifacts, eid, "models", gone.model_id))
    assert client.get_logged_model(keep.model_id).name == "keep"
    assert os.path.isfile(os.path.join(gcs.artifacts, eid, "models", keep.model_id, "artifacts", "model.txt"))


@pytest.mark.timeout(60)
def test_named_ids_must_be_deleted(gcs):
    client = gcs.client
    eid = client.create_experiment("gc-errors")
    active = _logged_run(client, eid, "active", gcs.tmp)

    result = gcs.gc("--run-ids", active.info.run_id)
    assert result.returncode == 1
    assert (f"Run {active.info.run_id} is not in `deleted` lifecycle stage. Only runs in `deleted` lifecycle stage "
            "can be deleted.") in result.stderr
    result = gcs.gc("--experiment-ids", eid)
    assert result.returncode == 1
    assert (f"Experiments ['{eid}'] are not in the deleted lifecycle stage. Only experiments in the deleted "
            "lifecycle stage can be hard-deleted.") in result.stderr
    result = gcs.gc("--run-ids", "0" * 32)
    assert result.returncode == 1
    assert f"Run with id={'0' * 32} not found" in result.stderr
    result = gcs.gc("--older-than", "3x")
    assert result.returncode == 1
    assert "Could not parse any time information from '3x'" in result.stderr
    _assert_intact(gcs, active, gcs.tmp)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind", ["s3", "gcs"])
def test_gc_deletes_artifacts_in_object_stores(kind, tmp_path):
    """The proxied destination is a bucket (moto's S3 server, the GCS emulator): gc lists and deletes
    the deleted run's objects there, and leaves the other run's."""
    from test_artifacts_object_stores import _start_store

    store, store_env, destination, lister = _start_store(kind, _free_port())
    tmp = str(tmp_path)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, **store_env)
    db = f"sqlite:///{tmp}/db.sqlite"
    server, log = start_logged([SWIFTRACK_BIN, "server", "--backend-store-uri", db, "--artifacts-destination",
                                destination, "--host", "127.0.0.1", "--port", str(port), "--log-format", "none"],
                               env, tmp, os.path.join(tmp, "server.log"))
    try:
        wait_for_health(base, server, "swiftrack", os.path.join(tmp, "server.log"))
        client = MlflowClient(tracking_uri=base)
        eid = client.create_experiment(f"gc-{kind}")
        gone, kept = _logged_run(client, eid, "gone", tmp), _logged_run(client, eid, "kept", tmp)
        assert gone.info.run_id in lister() and kept.info.run_id in lister()
        client.delete_run(gone.info.run_id)

        result = subprocess.run([SWIFTRACK_BIN, "gc", "--backend-store-uri", db, "--artifacts-destination", destination],
                                capture_output=True, text=True, timeout=60, cwd=tmp, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "deleted 1 runs, 0 logged models, 0 experiments (2 artifact files, 4110 bytes" in result.stdout
        listing = lister()
        assert gone.info.run_id not in listing
        assert f"{kept.info.run_id}/artifacts/model/weights.bin" in listing
        assert f"{kept.info.run_id}/artifacts/notes.txt" in listing
        _assert_gone(client, gone.info.run_id)
        out = client.download_artifacts(kept.info.run_id, "notes.txt", tmp)
        assert open(out).read() == "notes of kept\n"
    finally:
        stop_process_group(server, timeout=15)
        log.close()
        os.killpg(store.pid, 9)
        store.wait()


@pytest.mark.timeout(60)
def test_unreachable_artifact_store_leaves_the_run_whole_and_fails(gcs):
    """A run whose artifact root no repository serves is not half-deleted: its rows stay, gc exits 1
    naming it, and the other deleted runs of the same pass are collected."""
    client = gcs.client
    odd = client.create_experiment("gc-unreachable", artifact_location="ftp://nowhere.invalid/store")
    stuck = client.create_run(odd).info.run_id
    client.log_param(stuck, "p", "1")
    normal = client.create_experiment("gc-reachable")
    other = _logged_run(client, normal, "other", gcs.tmp)
    client.delete_run(stuck)
    client.delete_run(other.info.run_id)

    result = gcs.gc()
    assert result.returncode == 1
    assert f"failed: run {stuck}: cannot reach its artifacts at ftp://nowhere.invalid/store/{stuck}/artifacts" \
        in result.stdout
    assert "nothing of it was deleted" in result.stdout
    assert "gc failed for 1 of 2 items (see above)" in result.stderr
    assert f"deleted run {other.info.run_id}" in result.stdout
    _assert_gone(client, other.info.run_id)
    assert client.get_run(stuck).data.params == {"p": "1"}
    assert client.get_run(stuck).info.lifecycle_stage == "deleted"


@pytest.mark.timeout(60)
def test_a_missing_local_destination_stops_gc_before_anything_is_deleted(gcs):
    client = gcs.client
    eid = client.create_experiment("gc-wrong-destination")
    run = _logged_run(client, eid, "wrong", gcs.tmp)
    client.delete_run(run.info.run_id)
    missing = os.path.join(gcs.tmp, "not-the-destination")
    result = subprocess.run([SWIFTRACK_BIN, "gc", "--backend-store-uri", gcs.db, "--artifacts-destination", missing,
                             "--run-ids", run.info.run_id], capture_output=True, text=True, timeout=60, cwd=gcs.tmp)
    assert result.returncode == 1
    assert f"the artifacts destination {missing} does not exist: give gc the server's --artifacts-destination" \
        in result.stderr
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "deleted"
    assert os.path.isfile(os.path.join(gcs.run_dir(run), "artifacts", "notes.txt"))
    assert gcs.gc("--run-ids", run.info.run_id).returncode == 0
    _assert_gone(client, run.info.run_id)
