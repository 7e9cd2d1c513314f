"""The audit log (docs/AUDIT.md) with the real mlflow client: every request of a session is in
the audit database with its user, route template, status and resource ids; `swiftrack audit
verify` accepts the chain and names a record edited or deleted behind the server's back.

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
    failed = find(records, "experiments/get", experiment_id="987654321", **user)
    assert [(r["status"], r["error_code"]) for r in failed] == [(404, "RESOURCE_DOES_NOT_EXIST")]
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

    failed = next(r for r in records if r["status"] == 404)
    session.sql(f"UPDATE audit_records SET status = 200 WHERE seq = {failed['seq']}")
    edited = session.swiftrack("verify")
    assert edited.returncode == 1
    assert f"record {failed['seq']}" in edited.stdout and "edited" in edited.stdout
    session.sql(f"UPDATE audit_records SET status = 404 WHERE seq = {failed['seq']}")
    assert session.swiftrack("verify").returncode == 0

    victim = records[3]["seq"]
    session.sql(f"DELETE FROM audit_records WHERE seq = {victim}")
    deleted = session.swiftrack("verify")
    assert deleted.returncode == 1
    assert f"FAILED at record {victim}" in deleted.stdout and "missing" in deleted.stdout


def test_verify_refuses_a_database_without_an_audit_log(session, tmp_path):
    missing = subprocess.run([SWIFTRACK_BIN, "audit", "verify", "--audit-db-uri", f"sqlite:///{tmp_path}/none.db"],
                             capture_output=True, text=True, timeout=30)
    assert missing.returncode == 1
    assert "no audit database" in missing.stderr
