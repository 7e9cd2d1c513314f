"""`swiftrack import`: a real MLflow server's database (SQLite, PostgreSQL or MariaDB), filled by the real
client, copied into a Swiftrack store; everything the client can read back must be the same, ids included.

The PostgreSQL and MariaDB cases need the servers of scripts/with-databases (SWIFTRACK_TEST_POSTGRES_URI /
SWIFTRACK_TEST_MYSQL_URI); without them they skip, unless CI=true. They run in the default (SQLite) compat
session only, like test_database_restart.py."""

import math
import os
import shutil
import subprocess
import sys
import tempfile

import pytest
import requests
from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag, ViewType

from conftest import (ENGINE, ENGINE_URI_VARIABLES, IS_MLFLOW, MLFLOW_BIN, SWIFTRACK_BIN, _free_port,
                      create_database_uri, start_logged, stop_process_group, wait_for_health)

pytestmark = pytest.mark.swiftrack_only


def _stop(proc):
    stop_process_group(proc, timeout=20)


def _value(v):
    """NaN compares equal to itself; a file store answers +-inf where databases store +-DBL_MAX."""
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if abs(v) >= sys.float_info.max:
            return "inf" if v > 0 else "-inf"
    return v


def _fill(client):
    """Experiments, runs, a dataset input, a registry; returns the ids the test relies on."""
    a = client.create_experiment("import-a", tags={"team": "vision", "priority": "1"})
    b = client.create_experiment("import-b", tags={"team": "nlp"})
    gone = client.create_experiment("import-deleted")
    client.set_experiment_tag(b, "stage", "beta")
    runs = []
    for i in range(10):
        exp = a if i < 6 else b
        run = client.create_run(exp, run_name=f"run-{i}", tags={"i": str(i), "kind": "import-test"})
        rid = run.info.run_id
        client.log_param(rid, "lr", str(0.01 * (i + 1)))
        client.log_param(rid, "layers", str(i % 3 + 1))
        for step in range(5):
            client.log_metric(rid, "loss", 1.0 / (step + 1 + i), timestamp=1_700_000_000_000 + step * 1000 + i,
                              step=step)
        client.log_metric(rid, "acc", 0.5 + i / 100, timestamp=1_700_000_000_000, step=0)
        if i == 2:
            client.log_metric(rid, "weird", float("nan"), timestamp=1_700_000_000_001, step=1)
            client.log_metric(rid, "weird", float("inf"), timestamp=1_700_000_000_002, step=2)
            client.log_metric(rid, "weird", float("-inf"), timestamp=1_700_000_000_003, step=3)
        if i == 3:
            client.log_inputs(rid, datasets=[DatasetInput(
                Dataset(name="train-set", digest="abc123", source_type="local", source='{"uri": "/data/train"}',
                        schema='{"cols": ["x"]}', profile='{"rows": 10}'),
                tags=[InputTag("mlflow.data.context", "training")])])
        client.set_terminated(rid, "FINISHED" if i != 4 else "FAILED")
        runs.append(rid)
    client.delete_run(runs[5])
    doomed = client.create_run(gone, run_name="in-deleted-exp")
    client.log_param(doomed.info.run_id, "p", "v")
    client.delete_experiment(gone)

    client.create_registered_model("import-model", tags={"owner": "ml"}, description="imported model")
    v1 = client.create_model_version("import-model", f"runs:/{runs[0]}/model", run_id=runs[0],
                                     tags={"validated": "yes"}, description="first")
    v2 = client.create_model_version("import-model", f"runs:/{runs[1]}/model", run_id=runs[1])
    client.transition_model_version_stage("import-model", v1.version, "Production")
    client.set_registered_model_alias("import-model", "champion", v2.version)
    client.set_model_version_tag("import-model", v2.version, "note", "second")
    client.create_registered_model("import-empty-model")
    return runs


def _snapshot(client):
    """Everything the client reads back, keyed by ids."""
    snap = {"experiments": {}, "runs": {}, "models": {}}
    for exp in client.search_experiments(view_type=ViewType.ALL, max_results=1000):
        snap["experiments"][exp.experiment_id] = (exp.name, exp.lifecycle_stage, exp.artifact_location,
                                                  dict(exp.tags), exp.creation_time, exp.last_update_time)
        runs = client.search_runs([exp.experiment_id], run_view_type=ViewType.ALL, max_results=1000)
        for run in runs:
            info, data = run.info, run.data
            history = {key: sorted((m.step, m.timestamp, repr(_value(m.value)))
                                   for m in client.get_metric_history(info.run_id, key))
                       for key in data.metrics}
            inputs = sorted((d.dataset.name, d.dataset.digest, d.dataset.source_type, d.dataset.source,
                             d.dataset.schema, d.dataset.profile, tuple((t.key, t.value) for t in d.tags))
                            for d in (run.inputs.dataset_inputs if run.inputs else []))
            snap["runs"][info.run_id] = dict(
                experiment=info.experiment_id, name=info.run_name, status=info.status, user=info.user_id,
                start=info.start_time, end=info.end_time, stage=info.lifecycle_stage, artifact_uri=info.artifact_uri,
                params=dict(data.params), tags=dict(data.tags),
                metrics={k: repr(_value(v)) for k, v in data.metrics.items()}, history=history, inputs=inputs)
    for model in client.search_registered_models(max_results=1000):
        versions = {}
        for v in client.search_model_versions(f"name='{model.name}'", max_results=1000):
            # str()/`or ""`: an in-process file store client answers ints and None where REST has "" .
            versions[str(v.version)] = (v.current_stage, v.source, v.run_id, v.status, v.description, dict(v.tags),
                                        v.creation_timestamp, v.last_updated_timestamp, v.user_id or "")
        snap["models"][model.name] = dict(description=model.description or "", tags=dict(model.tags),
                                          aliases=dict(model.aliases), created=model.creation_timestamp,
                                          versions=versions)
    return snap


@pytest.fixture
def workdir():
    if IS_MLFLOW:
        pytest.skip("swiftrack only")
    tmp = tempfile.mkdtemp(prefix="compat-import-")
    yield tmp
    if not os.environ.get("COMPAT_KEEP_TMP"):
        shutil.rmtree(tmp, ignore_errors=True)


# MLflow's server reaches these databases through SQLAlchemy drivers (compat/requirements.txt).
MLFLOW_DRIVER_SCHEMES = {"postgres": "postgresql+psycopg2", "mysql": "mysql+pymysql"}


def _database_uris(engine, workdir):
    """(MLflow's backend store URI, Swiftrack's destination URI) on `engine`; fresh, empty databases."""
    if engine == "sqlite":
        return f"sqlite:///{os.path.join(workdir, 'mlflow.db')}", f"sqlite:///{os.path.join(workdir, 'swiftrack.db')}"
    if ENGINE != "sqlite":
        # It starts its own servers on each engine: once per CI run (the SQLite session) is enough.
        pytest.skip("runs in the default (SQLite) compat session only")
    if not os.environ.get(ENGINE_URI_VARIABLES[engine]):
        message = f"{ENGINE_URI_VARIABLES[engine]} not set (run under scripts/with-databases)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    source = create_database_uri(engine)
    _, sep, rest = source.partition("://")
    assert sep, source
    # Swiftrack reads the "+driver" spelling MLflow needs, so both sides use the same URI.
    return f"{MLFLOW_DRIVER_SCHEMES[engine]}://{rest}", create_database_uri(engine)


def _assert_same(before, after):
    """Every experiment, run (with params, tags, metrics and history) and model, by id."""
    assert sorted(after["experiments"]) == sorted(before["experiments"])
    for exp_id, exp in before["experiments"].items():
        assert after["experiments"][exp_id] == exp, exp_id
    assert sorted(after["runs"]) == sorted(before["runs"])
    for run_id, run in before["runs"].items():
        assert after["runs"][run_id] == run, run_id
    assert after["models"] == before["models"]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("engine", ["sqlite", "postgres", "mysql"])
def test_import_from_mlflow_database_keeps_everything(workdir, engine):
    source_uri, dest_uri = _database_uris(engine, workdir)
    artifacts = os.path.join(workdir, "artifacts")

    env = dict(os.environ, MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
    port = _free_port()
    log_path = os.path.join(workdir, "mlflow.log")
    proc, log = start_logged([MLFLOW_BIN, "server", "--backend-store-uri", source_uri,
                        "--default-artifact-root", artifacts, "--host", "127.0.0.1", "--port", str(port),
                        "--workers", "1"], env, workdir, log_path)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_health(base, proc, "mlflow server", log_path)
        mlflow_client = MlflowClient(tracking_uri=base, registry_uri=base)
        runs = _fill(mlflow_client)
        before = _snapshot(mlflow_client)
    finally:
        _stop(proc)
        log.close()

    assert len(before["experiments"]) == 4  # Default, a, b, deleted
    assert len(before["runs"]) == 11
    assert before["runs"][runs[5]]["stage"] == "deleted"

    result = subprocess.run([SWIFTRACK_BIN, "import", "--from", source_uri, "--to", dest_uri],
                            capture_output=True, text=True, timeout=120)
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stderr
    assert "import complete" in result.stdout
    for line in ("runs ", "metrics ", "model_versions ", "registered_model_aliases "):
        assert any(row.startswith(line) and row.rstrip().endswith("ok") for row in result.stdout.splitlines()), line
    if engine == "postgres":
        # The planner's statistics describe the imported rows before the server's first query.
        analyzed = subprocess.run(["psql", dest_uri, "-At", "-c", "SELECT count(*) FROM pg_stat_user_tables WHERE "
                                   "relname IN ('runs', 'params', 'latest_metrics') AND last_analyze IS NOT NULL"],
                                  capture_output=True, text=True, check=True, timeout=60)
        assert analyzed.stdout.strip() == "3"

    # A second import into the now-filled store is refused.
    again = subprocess.run([SWIFTRACK_BIN, "import", "--from", source_uri, "--to", dest_uri],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode != 0
    assert "not empty" in again.stderr

    proc, log, base = _start_swiftrack(workdir, dest_uri, artifacts)
    try:
        client = MlflowClient(tracking_uri=base, registry_uri=base)
        after = _snapshot(client)

        _assert_same(before, after)
        assert client.get_model_version_by_alias("import-model", "champion").version == "2"
        nan_history = {m.step: m.value for m in client.get_metric_history(runs[2], "weird")}
        # MLflow stores +-inf as +-DBL_MAX and answers them so; the import keeps the stored value.
        assert math.isnan(nan_history[1])
        assert nan_history[2] == sys.float_info.max and nan_history[3] == -sys.float_info.max

        # The store keeps working: new ids continue after the imported ones.
        new_exp = client.create_experiment("after-import")
        assert int(new_exp) > max(int(e) for e in before["experiments"])
        v3 = client.create_model_version("import-model", f"runs:/{runs[2]}/model", run_id=runs[2])
        assert v3.version == "3"
    finally:
        _stop(proc)
        log.close()


def _start_swiftrack(workdir, dest_uri, artifacts):
    port = _free_port()
    log_path = os.path.join(workdir, "swiftrack.log")
    proc, log = start_logged([SWIFTRACK_BIN, "server", "--backend-store-uri", dest_uri,
                        "--default-artifact-root", artifacts, "--host", "127.0.0.1", "--port", str(port)],
                       dict(os.environ), workdir, log_path)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, proc, "swiftrack server", log_path)
    except BaseException:
        _stop(proc)
        log.close()
        raise
    return proc, log, base


@pytest.mark.timeout(600)
def test_import_from_mlflow_file_store_keeps_everything(workdir, monkeypatch):
    """The same, from an MLflow file store (./mlruns) written by the real client."""
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    store = os.path.join(workdir, "mlruns")
    uri = f"file://{store}"
    fs_client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    runs = _fill(fs_client)
    fs_client.log_metric(runs[0], "dup", 1.5, timestamp=1_700_000_000_000, step=0)
    fs_client.log_metric(runs[0], "dup", 1.5, timestamp=1_700_000_000_000, step=0)  # stored once by databases
    before = _snapshot(fs_client)
    assert len(before["experiments"]) == 4 and len(before["runs"]) == 11
    # The file store keeps the repeated line; a database store (and Swiftrack) keeps one row.
    before["runs"][runs[0]]["history"]["dup"] = sorted(set(before["runs"][runs[0]]["history"]["dup"]))

    dest_db = os.path.join(workdir, "from-files.db")
    result = subprocess.run([SWIFTRACK_BIN, "import", "--from", store, "--to", f"sqlite:///{dest_db}"],
                            capture_output=True, text=True, timeout=120)
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stderr
    assert "1 exact duplicates stored once" in result.stdout

    proc, log, base = _start_swiftrack(workdir, f"sqlite:///{dest_db}", os.path.join(workdir, "artifacts"))
    try:
        client = MlflowClient(tracking_uri=base, registry_uri=base)
        after = _snapshot(client)
        _assert_same(before, after)
        assert client.get_model_version_by_alias("import-model", "champion").version == "2"
    finally:
        _stop(proc)
        log.close()
