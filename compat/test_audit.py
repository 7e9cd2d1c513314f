"""The audit log (docs/AUDIT.md) with the real mlflow client: every request of a session is in
the audit database with its user, route template, status and resource ids; `swiftrack audit
verify` accepts the chain and names a record edited or deleted behind the server's back; on a
keyed chain, records cut from the end with the head moved back are caught by the head's seal, and
with the head row put back from an earlier copy by a signed checkpoint kept outside the database.

The module starts its own server with basic auth on and `--audit-db-uri`: a SQLite file, or a
fresh database on the engine's test server when SWIFTRACK_COMPAT_ENGINE is postgres or mysql.
Swiftrack only: MLflow has no audit log.
"""
import json
import os
import re
import subprocess
import tempfile
import time
import uuid
from urllib.parse import urlparse

import pytest
import requests

from conftest import auth_server_environment, ENGINE, SWIFTRACK_BIN, _free_port, create_database_uri, start_logged, stop_process_group, \
    wait_for_health

pytestmark = pytest.mark.swiftrack_only

ADMIN = ("admin", "audit-admin-password-1")
USER = ("auditee", "first-secret-Pa55word")
NEW_PASSWORD = "second-secret-Pa55word"
REQUEST_LINE = re.compile(r"^\S+ (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) [\d.]+ ms id=(?P<id>\S+)")


class Session:
    """What the module's server run left behind: its audit database, log and facts to check."""

    def __init__(self, tmp, audit_uri):
        self.tmp = tmp
        self.audit_uri = audit_uri
        self.facts = {}

    def swiftrack(self, *args):
        return subprocess.run([SWIFTRACK_BIN, "audit", *args, "--audit-db-uri", self.audit_uri],
                              capture_output=True, text=True, timeout=60)

    def records(self):
        exported = self.swiftrack("export", "--since", "0", "--format", "jsonl")
        assert exported.returncode == 0, exported.stderr
        return [json.loads(line) for line in exported.stdout.splitlines()]

    def sql(self, statement):
        """Runs one statement on the audit database behind the server's back."""
        if self.audit_uri.startswith("sqlite:"):
            # The sqlite3 shell, as someone with access to the file would edit it.
            subprocess.run(["sqlite3", self.audit_uri[len("sqlite:///"):], statement], check=True, timeout=30)
        elif self.audit_uri.startswith("postgresql:"):
            subprocess.run(["psql", self.audit_uri, "-q", "-c", statement], check=True)
        else:
            u = urlparse(self.audit_uri)
            subprocess.run(["mariadb", "-h", u.hostname, "-P", str(u.port), "-u", u.username, f"-p{u.password}",
                            u.path.lstrip("/"), "-e", statement], check=True)

    def log_lines(self):
        with open(os.path.join(self.tmp, "server.log")) as f:
            return f.read()


def audit_database_uri(tmp):
    if ENGINE in ("postgres", "mysql"):
        uri = create_database_uri(ENGINE)
        if uri is None:
            pytest.skip(f"SWIFTRACK_COMPAT_ENGINE={ENGINE} without its test server")
        return uri
    return f"sqlite:///{tmp}/audit.db"


def drive(base, facts):
    """A session with the real clients: users, an experiment, runs, metrics, a registered model,
    a failed request and an unauthenticated one."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException
    from mlflow.server.auth.client import AuthServiceClient

    os.environ["MLFLOW_TRACKING_USERNAME"], os.environ["MLFLOW_TRACKING_PASSWORD"] = ADMIN
    AuthServiceClient(base).create_user(*USER)
    AuthServiceClient(base).update_user_password(USER[0], NEW_PASSWORD)

    os.environ["MLFLOW_TRACKING_USERNAME"], os.environ["MLFLOW_TRACKING_PASSWORD"] = USER[0], NEW_PASSWORD
    client = MlflowClient(tracking_uri=base)
    experiment = client.create_experiment(f"audited-{uuid.uuid4().hex[:8]}")
    run = client.create_run(experiment)
    client.log_metric(run.info.run_id, "loss", 0.25, step=1)
    client.log_param(run.info.run_id, "lr", "0.1")
    client.set_terminated(run.info.run_id)
    second = client.create_run(experiment)
    model = f"audited-model-{uuid.uuid4().hex[:6]}"
    client.create_registered_model(model)
    version = client.create_model_version(model, f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
    client.get_model_version(model, version.version)
    with pytest.raises(MlflowException):
        client.get_experiment("987654321")
    unauthenticated = requests.get(base + "/api/2.0/mlflow/experiments/get", params={"experiment_id": experiment},
                                   timeout=15)
    assert unauthenticated.status_code == 401
    tagged = requests.get(base + "/api/2.0/mlflow/runs/get", params={"run_id": second.info.run_id},
                          auth=(USER[0], NEW_PASSWORD), headers={"X-Request-Id": "compat-audit-1"}, timeout=15)
    assert tagged.status_code == 200
    assert tagged.headers["X-Request-Id"] == "compat-audit-1"
    assert re.fullmatch(r"[0-9a-f-]{36}", unauthenticated.headers["X-Request-Id"])
    facts.update(experiment=experiment, run=run.info.run_id, second=second.info.run_id, model=model,
                 version=version.version)
    for name in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        os.environ.pop(name, None)


@pytest.fixture(scope="module")
def session():
    tmp = tempfile.mkdtemp(prefix="compat-audit-")
    port = _free_port()
    _, env = auth_server_environment(tmp, ADMIN)
    audit_uri = audit_database_uri(tmp)
    cmd = [SWIFTRACK_BIN, "server", "--app-name", "basic-auth", "--backend-store-uri", f"sqlite:///{tmp}/mlflow.db",
           "--default-artifact-root", os.path.join(tmp, "artifacts"), "--host", "127.0.0.1", "--port", str(port),
           "--audit-db-uri", audit_uri]
    log_path = os.path.join(tmp, "server.log")
    proc, log = start_logged(cmd, env, tmp, log_path)
    base = f"http://127.0.0.1:{port}"
    result = Session(tmp, audit_uri)
    try:
        wait_for_health(base, proc, "the audited server", log_path)
        drive(base, result.facts)
    finally:
        # A graceful stop flushes the audit queue.
        stop_process_group(proc, timeout=30)
        log.close()
    return result


def test_every_request_of_the_session_is_in_the_audit_log(session):
    logged = [m.groupdict() for m in map(REQUEST_LINE.match, session.log_lines().splitlines()) if m]
    records = session.records()
    assert len(logged) >= 15
    by_id = {r["request_id"]: r for r in records}
    assert len(by_id) == len(records) == len(logged)
    for line in logged:
        record = by_id[line["id"]]
        assert (record["method"], record["status"]) == (line["method"], int(line["status"]))
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    assert all(r["client_address"] == "127.0.0.1" for r in records)


def find(records, route, **fields):
    """The records of `route` (a template below /api/2.0/mlflow) whose fields equal `fields`."""
    return [r for r in records if r["route"] == "/api/2.0/mlflow/" + route
            and all(r[name] == value for name, value in fields.items())]


def test_records_name_the_user_route_outcome_and_resources(session):
    records, facts = session.records(), session.facts
    user = {"user": USER[0], "auth_method": "basic", "roles": []}
    assert find(records, "users/create", user=ADMIN[0], auth_method="basic", roles=["admin"], status=200)
    assert find(records, "users/update-password", method="PATCH", user=ADMIN[0], status=200)
    assert find(records, "experiments/create", experiment_id=facts["experiment"], status=200, **user)
    assert find(records, "runs/create", experiment_id=facts["experiment"], run_id=facts["run"], status=200, **user)
    assert find(records, "runs/log-metric", run_id=facts["run"], status=200, **user)
    assert find(records, "runs/log-parameter", run_id=facts["run"], status=200, **user)
    assert find(records, "runs/update", run_id=facts["run"], status=200, **user)
    assert find(records, "registered-models/create", registered_model_name=facts["model"], status=200, **user)
    assert find(records, "model-versions/create", registered_model_name=facts["model"], run_id=facts["run"],
                model_version=facts["version"], status=200, **user)
    assert find(records, "model-versions/get", registered_model_name=facts["model"], model_version=facts["version"],
                status=200, **user)
    # A non-admin is refused an unknown experiment as a hidden one (no existence oracle), with 403.
    failed = find(records, "experiments/get", experiment_id="987654321", **user)
    assert [(r["status"], r["error_code"]) for r in failed] == [(403, "PERMISSION_DENIED")]
    refused = [r for r in records if r["route"] == "unauthenticated"]
    assert [(r["user"], r["auth_method"], r["status"], r["method"]) for r in refused] == [(None, "none", 401, "GET")]
    tagged = [r for r in records if r["request_id"] == "compat-audit-1"]
    assert [(r["route"], r["run_id"], r["status"]) for r in tagged] == [
        ("/api/2.0/mlflow/runs/get", facts["second"], 200)]
    assert all(r["chain"] == "sha256" and len(r["hash"]) == 64 for r in records)


def test_passwords_reach_neither_the_audit_database_nor_the_logs(session):
    secrets = [USER[1], NEW_PASSWORD, ADMIN[1]]
    exported = session.swiftrack("export", "--since", "0").stdout
    for secret in secrets:
        assert secret not in exported
        assert secret not in session.log_lines()
    if session.audit_uri.startswith("sqlite:"):
        path = session.audit_uri[len("sqlite:///"):]
        for name in (path, path + "-wal", path + "-journal"):
            if os.path.exists(name):
                data = open(name, "rb").read()
                for secret in secrets:
                    assert secret.encode() not in data


def test_export_keeps_the_records_answered_since_a_time(session):
    records = session.records()
    middle = records[len(records) // 2]
    later = session.swiftrack("export", "--since", str(middle["time_ms"]), "--format", "jsonl")
    assert later.returncode == 0, later.stderr
    seqs = [json.loads(line)["seq"] for line in later.stdout.splitlines()]
    assert seqs == [r["seq"] for r in records if r["time_ms"] >= middle["time_ms"]]
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(records[-1]["time_ms"] / 1000 + 3600))
    assert session.swiftrack("export", "--since", iso).stdout == ""


def test_verify_accepts_the_chain_then_names_an_edited_and_a_deleted_record(session):
    records = session.records()
    verified = session.swiftrack("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"{len(records)} records" in verified.stdout

    failed = next(r for r in records if r["status"] == 403)
    session.sql(f"UPDATE audit_records SET status = 200 WHERE seq = {failed['seq']}")
    edited = session.swiftrack("verify")
    assert edited.returncode == 1
    assert f"record {failed['seq']}" in edited.stdout and "edited" in edited.stdout
    session.sql(f"UPDATE audit_records SET status = 403 WHERE seq = {failed['seq']}")
    assert session.swiftrack("verify").returncode == 0

    victim = records[3]["seq"]
    session.sql(f"DELETE FROM audit_records WHERE seq = {victim}")
    deleted = session.swiftrack("verify")
    assert deleted.returncode == 1
    assert f"FAILED at record {victim}" in deleted.stdout and "missing" in deleted.stdout


def test_verify_says_what_a_plain_chain_cannot_show(session, tmp_path):
    if not session.audit_uri.startswith("sqlite:"):
        pytest.skip("the same note on every engine; the copy is made with the sqlite3 shell")
    # On a copy: the module's database has record 4 deleted by now.
    copy = tmp_path / "plain.db"
    subprocess.run(["sqlite3", session.audit_uri[len("sqlite:///"):], f".backup {copy}"], check=True, timeout=30)
    subprocess.run(["sqlite3", str(copy), "DELETE FROM audit_records WHERE seq > 3; "
                    "UPDATE audit_chain_head SET seq = 3, hash = (SELECT hash FROM audit_records WHERE seq = 3)"],
                   check=True, timeout=30)
    cut = subprocess.run([SWIFTRACK_BIN, "audit", "verify", "--audit-db-uri", f"sqlite:///{copy}"],
                         capture_output=True, text=True, timeout=60)
    # Records 1-3 left, the head moved to match, and no key: verify cannot tell, and says so.
    assert cut.returncode == 0, cut.stdout + cut.stderr
    assert "audit verify: OK: 3 records" in cut.stdout
    assert "the chain is not keyed" in cut.stdout and "cut records from the end" in cut.stdout


def test_verify_refuses_a_database_without_an_audit_log(session, tmp_path):
    missing = subprocess.run([SWIFTRACK_BIN, "audit", "verify", "--audit-db-uri", f"sqlite:///{tmp_path}/none.db"],
                             capture_output=True, text=True, timeout=30)
    assert missing.returncode == 1
    assert "no audit database" in missing.stderr


class KeyedSession(Session):
    """A second server run with --audit-key-file and --audit-checkpoint-dir (SQLite audit
    database, edited with the sqlite3 shell as someone with access to the file would)."""

    def swiftrack(self, *args):
        return subprocess.run([SWIFTRACK_BIN, "audit", *args, "--audit-db-uri", self.audit_uri,
                               "--audit-key-file", self.key_file], capture_output=True, text=True, timeout=60)

    def head_row(self):
        out = subprocess.run(["sqlite3", self.path, "SELECT seq, hash, head_mac FROM audit_chain_head"],
                             capture_output=True, text=True, check=True, timeout=30).stdout.strip()
        seq, hash_, mac = out.split("|")
        return int(seq), hash_, mac

    @property
    def path(self):
        return self.audit_uri[len("sqlite:///"):]


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("compat-audit-keyed"))
    key_file = os.path.join(tmp, "audit.key")
    with open(key_file, "w") as f:
        f.write(uuid.uuid4().hex + uuid.uuid4().hex + "\n")
    port = _free_port()
    result = KeyedSession(tmp, f"sqlite:///{tmp}/audit.db")
    result.key_file = key_file
    result.checkpoints = os.path.join(tmp, "checkpoints")
    cmd = [SWIFTRACK_BIN, "server", "--backend-store-uri", f"sqlite:///{tmp}/mlflow.db",
           "--default-artifact-root", os.path.join(tmp, "artifacts"), "--host", "127.0.0.1", "--port", str(port),
           "--audit-db-uri", result.audit_uri, "--audit-key-file", key_file,
           "--audit-checkpoint-dir", result.checkpoints, "--audit-checkpoint-every", "4"]
    log_path = os.path.join(tmp, "server.log")
    proc, log = start_logged(cmd, dict(os.environ), tmp, log_path)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, proc, "the keyed audited server", log_path)
        from mlflow import MlflowClient
        client = MlflowClient(tracking_uri=base)
        experiment = client.create_experiment(f"keyed-{uuid.uuid4().hex[:8]}")
        for _ in range(3):
            client.log_metric(client.create_run(experiment).info.run_id, "loss", 0.5)
        # The head row as someone reading the table now would copy it: the records after it are the ones to cut.
        deadline = time.time() + 10
        while result.head_row()[0] < 4 and time.time() < deadline:
            time.sleep(0.05)
        result.early_head = result.head_row()
        for _ in range(4):
            client.search_experiments()
            client.get_experiment(experiment)
    finally:
        stop_process_group(proc, timeout=30)
        log.close()
    return result


def checkpoint_files(keyed):
    return sorted(os.path.join(keyed.checkpoints, name) for name in os.listdir(keyed.checkpoints))


def test_keyed_server_writes_signed_checkpoints_that_verify(keyed):
    records = keyed.records()
    files = checkpoint_files(keyed)
    # Every 4 records (the batches decide where exactly) and the last head at shutdown.
    assert len(files) >= 2
    last = json.load(open(files[-1]))
    assert (last["seq"], last["hash"]) == (records[-1]["seq"], records[-1]["hash"])
    assert last["chain"] == "hmac-sha256" and len(last["mac"]) == 64
    assert all(r["chain"] == "hmac-sha256" for r in records)
    verified = keyed.swiftrack("verify", "--checkpoint", keyed.checkpoints)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"OK: {len(records)} records" in verified.stdout and "head sealed with the key" in verified.stdout
    assert f"{len(files)} of {len(files)} checkpoints matched (the latest names record {records[-1]['seq']})" \
        in verified.stdout
    made = keyed.swiftrack("checkpoint", "--output", os.path.join(keyed.tmp, "operator.json"))
    assert made.returncode == 0, made.stdout + made.stderr
    assert json.load(open(os.path.join(keyed.tmp, "operator.json")))["seq"] == records[-1]["seq"]
    on_stdout = keyed.swiftrack("checkpoint")
    assert on_stdout.returncode == 0 and json.loads(on_stdout.stdout)["seq"] == records[-1]["seq"]
    assert "audit verify: OK" in on_stdout.stderr


def test_a_checkpoint_with_a_wrong_mac_is_refused(keyed, tmp_path):
    checkpoint = json.load(open(checkpoint_files(keyed)[-1]))
    checkpoint["seq"] += 100
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(checkpoint))
    refused = keyed.swiftrack("verify", "--checkpoint", str(forged))
    assert refused.returncode == 1
    assert f"checkpoint {forged} refused: its MAC does not match: forged or edited" in refused.stdout


def test_reseal_seals_a_head_an_older_swiftrack_left_but_not_a_cut_one(keyed, tmp_path):
    copy = tmp_path / "resealed.db"
    subprocess.run(["sqlite3", keyed.path, f".backup {copy}"], check=True, timeout=30)
    records = keyed.records()

    def audit(*args):
        return subprocess.run([SWIFTRACK_BIN, "audit", *args, "--audit-db-uri", f"sqlite:///{copy}",
                               "--audit-key-file", keyed.key_file], capture_output=True, text=True, timeout=60)

    # An older swiftrack wrote after the early head and left its seal behind.
    subprocess.run(["sqlite3", str(copy), f"UPDATE audit_chain_head SET head_mac = '{keyed.early_head[2]}'"],
                   check=True, timeout=30)
    assert audit("verify").returncode == 1
    assert audit("reseal").returncode == 2   # neither a checkpoint nor --without-checkpoints
    resealed = audit("reseal", "--checkpoint", keyed.checkpoints)
    assert resealed.returncode == 0, resealed.stdout + resealed.stderr
    assert f"the chain head (record {records[-1]['seq']}, hash {records[-1]['hash']}) is sealed again" in resealed.stdout
    assert "was: the chain head" in resealed.stdout
    assert audit("verify", "--checkpoint", keyed.checkpoints).returncode == 0
    # A cut one: the checkpoints refuse it.
    early_seq, early_hash, _ = keyed.early_head
    subprocess.run(["sqlite3", str(copy), f"DELETE FROM audit_records WHERE seq > {early_seq}; "
                    f"UPDATE audit_chain_head SET seq = {early_seq}, hash = '{early_hash}'"], check=True, timeout=30)
    refused = audit("reseal", "--checkpoint", keyed.checkpoints)
    assert refused.returncode == 1
    assert "truncated: the log ends at record" in refused.stdout
    assert audit("verify").returncode == 1


def test_a_cut_from_the_end_with_the_head_moved_back_fails_verify(keyed):
    """Runs last on the keyed database: it cuts it."""
    records = keyed.records()
    # The operator's own checkpoint of the whole chain, beside the server's.
    final = os.path.join(keyed.tmp, "before-the-cut.json")
    assert keyed.swiftrack("checkpoint", "--output", final).returncode == 0
    early_seq, early_hash, early_mac = keyed.early_head
    assert 4 <= early_seq < records[-1]["seq"]
    assert early_hash == records[early_seq - 1]["hash"]
    keyed.sql(f"DELETE FROM audit_records WHERE seq > {early_seq}; "
              f"UPDATE audit_chain_head SET seq = {early_seq}, hash = '{early_hash}' WHERE id = 1")
    # Without the key the seal cannot be moved along.
    sealed = keyed.swiftrack("verify")
    assert sealed.returncode == 1
    assert f"FAILED at record {early_seq}: the chain head (record {early_seq}) does not carry its seal" in sealed.stdout
    # The server will not build on it either.
    port = _free_port()
    refused = subprocess.run([SWIFTRACK_BIN, "server", "--backend-store-uri", f"sqlite:///{keyed.tmp}/mlflow.db",
                              "--port", str(port), "--audit-db-uri", keyed.audit_uri, "--audit-key-file", keyed.key_file],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert "The audit log cannot be continued" in refused.stderr

    # The head row put back as it was read earlier: its seal is genuine, only a checkpoint tells.
    keyed.sql(f"UPDATE audit_chain_head SET head_mac = '{early_mac}' WHERE id = 1")
    unnoticed = keyed.swiftrack("verify")
    assert unnoticed.returncode == 0, unnoticed.stdout
    assert f"OK: {early_seq} records" in unnoticed.stdout
    assert "without --checkpoint, records cut from the end" in unnoticed.stdout
    caught = keyed.swiftrack("verify", "--checkpoint", final, "--checkpoint", keyed.checkpoints)
    assert caught.returncode == 1
    assert f"FAILED at record {early_seq + 1}: truncated: the log ends at record {early_seq} but checkpoint " \
        in caught.stdout
    assert f"says record {records[-1]['seq']} was written: records {early_seq + 1}...{records[-1]['seq']} " \
        "were cut from the end" in caught.stdout
