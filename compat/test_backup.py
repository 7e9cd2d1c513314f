"""`swiftrack backup` / `swiftrack restore`: an online copy of a SQLite store taken while a writer thread logs
metrics through the running server, restored into a fresh place and served again. Every count the client
can see (experiments, runs, params, metrics, tags, registered models, versions, aliases) matches, the
writer's metric history is a gap-free prefix of what it logged (one consistent snapshot), and sampled
artifacts are byte-for-byte the same."""

import os
import subprocess
import threading
import time

import pytest
from mlflow import MlflowClient
from mlflow.entities import ViewType

from conftest import SWIFTRACK_BIN, _free_port, start_logged, stop_process_group, wait_for_health

pytestmark = pytest.mark.swiftrack_only


class _Server:
    def __init__(self, root):
        os.makedirs(root, exist_ok=True)
        self.root = root
        self.db = f"sqlite:///{root}/mlflow.db"
        self.artifacts = os.path.join(root, "artifacts")
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = os.path.join(root, "server.log")
        self.proc, self.log = start_logged(
            [SWIFTRACK_BIN, "server", "--backend-store-uri", self.db, "--artifacts-destination", self.artifacts,
             "--host", "127.0.0.1", "--port", str(port), "--log-format", "none"],
            dict(os.environ), root, self.log_path)
        wait_for_health(self.base, self.proc, "swiftrack", self.log_path)
        self.client = MlflowClient(tracking_uri=self.base)

    def stop(self):
        stop_process_group(self.proc, timeout=15)
        self.log.close()


def _swiftrack(*args):
    return subprocess.run([SWIFTRACK_BIN, *args], capture_output=True, text=True, timeout=120)


def _fill(client, tmp):
    """Three experiments (one deleted), five runs with params, metrics, tags and artifacts, two registered
    models with three versions and an alias."""
    experiments = [client.create_experiment(f"backup-{i}", tags={"i": str(i)}) for i in range(3)]
    runs = []
    for i in range(5):
        run = client.create_run(experiments[i % 2], run_name=f"run-{i}", tags={"i": str(i)})
        rid = run.info.run_id
        client.log_param(rid, "lr", str(0.1 * (i + 1)))
        client.log_param(rid, "layers", str(i))
        for step in range(10):
            client.log_metric(rid, "loss", 1.0 / (step + 1 + i), step=step)
        folder = os.path.join(tmp, f"upload-{i}")
        os.makedirs(os.path.join(folder, "model"))
        with open(os.path.join(folder, "model", "weights.bin"), "wb") as f:
            f.write(os.urandom(10_000 + i))
        with open(os.path.join(folder, "readme.txt"), "w") as f:
            f.write(f"run {i}\n")
        client.log_artifacts(rid, folder)
        client.set_terminated(rid)
        runs.append(rid)
    client.delete_experiment(experiments[2])
    for name, versions in (("backup-model-a", runs[:2]), ("backup-model-b", runs[2:3])):
        client.create_registered_model(name, tags={"owner": "ops"})
        for rid in versions:
            client.create_model_version(name, f"runs:/{rid}/model", run_id=rid)
    client.set_registered_model_alias("backup-model-a", "champion", "2")
    return runs


def _counts(client):
    """Everything countable through the client, for runs other than the live writer's."""
    experiments = client.search_experiments(view_type=ViewType.ALL)
    runs = client.search_runs([e.experiment_id for e in experiments], run_view_type=ViewType.ALL, max_results=1000)
    static = [r for r in runs if r.info.run_name != "live"]
    models = client.search_registered_models()
    return {
        "experiments": sorted((e.name, e.lifecycle_stage, tuple(sorted(e.tags.items()))) for e in experiments),
        "runs": sorted(r.info.run_id for r in runs),
        "params": sum(len(r.data.params) for r in static),
        "metrics": sum(len(client.get_metric_history(r.info.run_id, "loss")) for r in static),
        "tags": sum(len(r.data.tags) for r in static),
        "registered_models": sorted((m.name, tuple(sorted(m.tags.items())), tuple(sorted(m.aliases.items())))
                                    for m in models),
        "versions": sorted((v.name, v.version, v.run_id) for v in client.search_model_versions()),
    }


@pytest.mark.timeout(240)
def test_backup_while_writing_then_restore_and_serve(tmp_path):
    tmp = str(tmp_path)
    source = _Server(os.path.join(tmp, "source"))
    restored = None
    stop = threading.Event()
    acked = []
    errors = []
    try:
        client = source.client
        runs = _fill(client, tmp)
        live = client.create_run(client.get_experiment_by_name("backup-0").experiment_id, run_name="live").info.run_id

        def writer():
            writer_client = MlflowClient(tracking_uri=source.base)
            step = 0
            while not stop.is_set():
                try:
                    writer_client.log_metric(live, "live", float(step), step=step, timestamp=1_700_000_000_000 + step)
                except Exception as error:  # noqa: BLE001 - reported by the test
                    errors.append(error)
                    return
                acked.append(step)
                step += 1

        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        while len(acked) < 50:
            time.sleep(0.05)
        acked_before = len(acked)
        output = os.path.join(tmp, "backups", "store.db")
        result = _swiftrack("backup", "--backend-store-uri", source.db, "--output", output,
                            "--artifacts-destination", source.artifacts)
        acked_after = len(acked)
        assert result.returncode == 0, result.stdout + result.stderr
        while len(acked) < acked_after + 50:
            time.sleep(0.05)
        stop.set()
        thread.join(timeout=15)
        assert not errors, errors
        assert f"backed up {source.root}/mlflow.db to {output}" in result.stdout
        assert f"copied artifacts {source.artifacts} to {output}.artifacts" in result.stdout
        assert not os.path.exists(output + "-wal")
        expected = _counts(client)
        assert expected["params"] == 10 and expected["metrics"] == 50 and len(expected["runs"]) == 6
        assert len(client.get_metric_history(live, "live")) == len(acked) > acked_after

        target = os.path.join(tmp, "restored")
        result = _swiftrack("restore", "--input", output, "--backend-store-uri", f"sqlite:///{target}/mlflow.db",
                            "--artifacts-destination", os.path.join(target, "artifacts"))
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"restored {output} to {target}/mlflow.db" in result.stdout
        restored = _Server(target)
        assert _counts(restored.client) == expected

        # The writer's history is a prefix of what it logged, without gaps: one snapshot, taken while
        # the backup ran (everything acknowledged before it started is in, nothing after it ended).
        history = sorted(m.step for m in restored.client.get_metric_history(live, "live"))
        print(f"backup: {acked_before} metrics acknowledged before, {len(history)} in the copy, {acked_after} after")
        assert acked_before <= len(history) <= acked_after
        assert history == list(range(len(history)))
        assert restored.client.get_run(live).data.metrics["live"] == float(len(history) - 1)

        for index in (0, 3, 4):
            rid = runs[index]
            for path in ("model/weights.bin", "readme.txt"):
                out = restored.client.download_artifacts(rid, path, os.path.join(tmp, f"download-{index}"))
                run = client.get_run(rid)
                original = os.path.join(source.artifacts, run.info.experiment_id, rid, "artifacts", path)
                with open(out, "rb") as f, open(original, "rb") as g:
                    assert f.read() == g.read()
        assert os.path.getsize(os.path.join(target, "artifacts", client.get_run(runs[4]).info.experiment_id,
                                            runs[4], "artifacts", "model", "weights.bin")) == 10_004
        # The restored store is a working one: it takes new writes.
        new = restored.client.create_run(client.get_experiment_by_name("backup-1").experiment_id).info.run_id
        restored.client.log_param(new, "after", "restore")
        assert restored.client.get_run(new).data.params == {"after": "restore"}
    finally:
        stop.set()
        source.stop()
        if restored is not None:
            restored.stop()


@pytest.mark.timeout(60)
def test_restore_refuses_non_empty_targets_and_newer_schemas(tmp_path):
    tmp = str(tmp_path)
    source = _Server(os.path.join(tmp, "source"))
    try:
        eid = source.client.create_experiment("refusals")
        rid = source.client.create_run(eid).info.run_id
        source.client.log_text(rid, "backed up", "a.txt")
    finally:
        source.stop()
    output = os.path.join(tmp, "backup.db")
    backup = _swiftrack("backup", "--backend-store-uri", source.db, "--output", output,
                        "--artifacts-destination", source.artifacts)
    assert backup.returncode == 0, backup.stderr
    assert f"copied artifacts {source.artifacts} to {output}.artifacts: 1 files, 9 bytes" in backup.stdout
    again = _swiftrack("backup", "--backend-store-uri", source.db, "--output", output)
    assert again.returncode == 1 and f"{output} already exists (use --force to replace it)" in again.stderr

    # A target with data is refused, and left as it was; --force replaces it.
    other = _Server(os.path.join(tmp, "other"))
    try:
        other.client.create_experiment("precious")
    finally:
        other.stop()
    refused = _swiftrack("restore", "--input", output, "--backend-store-uri", other.db)
    assert refused.returncode == 1
    assert f"{other.root}/mlflow.db is not empty (use --force to replace it)" in refused.stderr
    stale = os.path.join(other.artifacts, "stale.txt")
    os.makedirs(other.artifacts, exist_ok=True)
    with open(stale, "w") as f:
        f.write("stale")
    refused = _swiftrack("restore", "--input", output, "--backend-store-uri", f"sqlite:///{tmp}/elsewhere.db",
                         "--artifacts-destination", other.artifacts)
    assert refused.returncode == 1 and f"{other.artifacts} is not empty (use --force to replace it)" in refused.stderr
    assert not os.path.exists(f"{tmp}/elsewhere.db")
    forced = _swiftrack("restore", "--input", output, "--backend-store-uri", other.db, "--force",
                        "--artifacts-destination", other.artifacts)
    assert forced.returncode == 0, forced.stderr
    assert not os.path.exists(stale)
    with open(os.path.join(other.artifacts, eid, rid, "artifacts", "a.txt")) as f:
        assert f.read() == "backed up"
    served = _Server(other.root)
    try:
        assert served.client.get_experiment_by_name("precious") is None
        assert served.client.get_experiment_by_name("refusals").experiment_id == eid
        out = served.client.download_artifacts(rid, "a.txt", tmp)
        assert open(out).read() == "backed up"
    finally:
        served.stop()

    # A backup from a newer swiftrack is refused before anything is touched.
    subprocess.run(["sqlite3", output, "INSERT INTO schema_version (version, applied_at) VALUES (999, 0)"], check=True)
    fresh = os.path.join(tmp, "fresh", "mlflow.db")
    newer = _swiftrack("restore", "--input", output, "--backend-store-uri", f"sqlite:///{fresh}")
    assert newer.returncode == 1
    assert "is at tracking schema version 999, newer than this swiftrack knows (up to" in newer.stderr
    assert not os.path.exists(fresh)

    # The auth database (a SQLite file of its own) is backed up and restored the same way.
    from conftest import auth_server_environment
    config, env = auth_server_environment(tmp, ("admin", "admin-password-1"))
    subprocess.run([SWIFTRACK_BIN, "users", "create", "carol", "--auth-config", config], input="carol-password-1\n",
                   text=True, env=env, check=True, capture_output=True)
    auth_backup = os.path.join(tmp, "auth-backup.db")
    result = _swiftrack("backup", "--backend-store-uri", f"sqlite:///{tmp}/auth.db", "--output", auth_backup)
    assert result.returncode == 0, result.stderr
    assert "auth schema 3" in result.stdout
    restored_auth = os.path.join(tmp, "restored-auth", "auth.db")
    result = _swiftrack("restore", "--input", auth_backup, "--backend-store-uri", f"sqlite:///{restored_auth}")
    assert result.returncode == 0, result.stderr
    users = subprocess.run(["sqlite3", restored_auth, "SELECT username FROM users ORDER BY username"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert users == ["carol"]

    # Other engines and object stores have their own tools.
    postgres = _swiftrack("backup", "--backend-store-uri", "postgresql://u:p@127.0.0.1:1/db", "--output", output)
    assert postgres.returncode == 1 and "pg_dump" in postgres.stderr
    bucket = _swiftrack("backup", "--backend-store-uri", source.db, "--output", output + "2",
                        "--artifacts-destination", "s3://bucket/root")
    assert bucket.returncode == 1 and "aws s3 sync" in bucket.stderr


def _fill_through(base, tmp):
    client = MlflowClient(tracking_uri=base)
    _fill(client, tmp)
    return _counts(client)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("engine", ["postgres", "mysql"])
def test_documented_dump_and_restore_of_server_engines(engine, tmp_path):
    """docs/DEPLOYMENT.md's pg_dump/pg_restore and mariadb-dump procedures, run as written against the
    scripts/with-databases servers while Swiftrack serves the source: the restored database serves
    the same counts."""
    from urllib.parse import urlparse

    from conftest import create_database_uri

    source_uri = create_database_uri(engine)
    if source_uri is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{engine} test server missing under CI")
        pytest.skip(f"needs the {engine} server of scripts/with-databases")
    target_uri = create_database_uri(engine)
    tmp = str(tmp_path)
    dump = os.path.join(tmp, "swiftrack.dump")

    def serve(uri, name):
        root = os.path.join(tmp, name)
        os.makedirs(root)
        port = _free_port()
        proc, log = start_logged([SWIFTRACK_BIN, "server", "--backend-store-uri", uri, "--artifacts-destination",
                                  os.path.join(tmp, "artifacts"), "--host", "127.0.0.1", "--port", str(port),
                                  "--log-format", "none"], dict(os.environ), root, os.path.join(root, "server.log"))
        wait_for_health(f"http://127.0.0.1:{port}", proc, "swiftrack", os.path.join(root, "server.log"))
        return f"http://127.0.0.1:{port}", proc, log

    base, proc, log = serve(source_uri, "source")
    try:
        expected = _fill_through(base, tmp)
        if engine == "postgres":
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source_uri], check=True)
        else:
            u = urlparse(source_uri)
            with open(dump, "wb") as out:
                subprocess.run(["mariadb-dump", "--single-transaction", "--quick", "--routines", "--no-tablespaces",
                                "-h", u.hostname, "-P", str(u.port), "-u", u.username, f"-p{u.password}",
                                u.path.lstrip("/")], stdout=out, check=True)
    finally:
        stop_process_group(proc, timeout=15)
        log.close()
    if engine == "postgres":
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target_uri}", dump], check=True)
    else:
        u = urlparse(target_uri)
        with open(dump, "rb") as source:
            subprocess.run(["mariadb", "-h", u.hostname, "-P", str(u.port), "-u", u.username, f"-p{u.password}",
                            u.path.lstrip("/")], stdin=source, check=True)
    base, proc, log = serve(target_uri, "restored")
    try:
        client = MlflowClient(tracking_uri=base)
        assert _counts(client) == expected
        # New rows get fresh ids after the restored ones: the sequences came back too.
        new_id = client.create_experiment("after-restore")
        assert int(new_id) > max(int(e.experiment_id) for e in client.search_experiments(view_type=ViewType.ALL)
                                 if e.name != "after-restore")
    finally:
        stop_process_group(proc, timeout=15)
        log.close()
