"""LDAP sign-in: Basic credentials of users without a local password are checked by a bind against a
real slapd (scripts/ldap/slapd, seeded from scripts/ldap/seed.ldif) that this module starts; the
server finds each user with a service account (search, then bind) over StartTLS verified against
the directory's CA. Directory groups give roles (ml-governance -> governance, which alone may
promote to Production) and admin (ml-admins). The local admin keeps signing in with its own
password. With the directory stopped, a recently verified password still signs in and anyone else
gets 503, not 401; the directory back, they sign in again."""
import os
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

from helpers import own_run_source
from conftest import SWIFTRACK_BIN, auth_server_environment, _free_port, start_logged, stop_process_group, wait_for_health

pytestmark = [
    pytest.mark.swiftrack_only,
    pytest.mark.skipif(os.environ.get("SWIFTRACK_COMPAT_ENGINE", "sqlite") != "sqlite",
                       reason="sign-in does not depend on the engine: runs in the SQLite pass"),
]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLAPD = os.path.join(ROOT, "scripts", "ldap", "slapd")
ADMIN = ("admin", "admin-password-1")
STATE = {}


def _slapd(verb):
    return subprocess.run([SLAPD, verb, STATE["ldap_dir"]], check=True, capture_output=True, text=True,
                          timeout=60).stdout.strip()


@pytest.fixture(scope="module")
def server():
    tmp = tempfile.mkdtemp(prefix="compat-ldap-")
    STATE["ldap_dir"] = os.path.join(tmp, "ldap")
    uri = _slapd("start")
    port = _free_port()
    _, env = auth_server_environment(
        tmp, ADMIN, "[swiftrack]\ngovernance_role = governance\n"
                    "[ldap]\n"
                    f"uri = {uri}\nstart_tls = true\nca_file = {STATE['ldap_dir']}/ca.crt\n"
                    "bind_dn = cn=reader,dc=swiftrack,dc=test\n"
                    "user_base = ou=people,dc=swiftrack,dc=test\nuser_filter = (&(objectClass=inetOrgPerson)(uid={username}))\n"
                    "group_base = ou=groups,dc=swiftrack,dc=test\n"
                    "group_roles = ml-governance: governance\nadmin_groups = ml-admins\ncache_seconds = 300\n")
    env["SWIFTRACK_LDAP_BIND_PASSWORD"] = "reader-password"   # the service password is never in the file
    STATE["audit_db"] = os.path.join(tmp, "audit.db")
    cmd = [SWIFTRACK_BIN, "server", "--app-name", "basic-auth", "--backend-store-uri", f"sqlite:///{tmp}/mlflow.db",
           "--default-artifact-root", os.path.join(tmp, "artifacts"), "--host", "127.0.0.1", "--port", str(port),
           "--audit-db-uri", f"sqlite:///{STATE['audit_db']}"]
    log_path = os.path.join(tmp, "server.log")
    STATE["log"] = log_path
    proc, log = start_logged(cmd, env, tmp, log_path)
    base = f"http://127.0.0.1:{port}"
    wait_for_health(base, proc, "swiftrack with LDAP", log_path)
    assert requests.post(base + "/api/3.0/mlflow/roles/create", json={"name": "governance"}, auth=ADMIN,
                         timeout=15).status_code == 200
    yield base
    stop_process_group(proc, timeout=15)
    log.close()
    _slapd("stop")
    shutil.rmtree(tmp, ignore_errors=True)


def _search(base, auth):
    return requests.get(base + "/api/2.0/mlflow/experiments/search", params={"max_results": 1}, auth=auth, timeout=15)


def _audited(user, timeout=10):
    """The (auth_method, status) of the user's audit records, once the writer has them (sqlite3 shell)."""
    deadline = time.monotonic() + timeout
    while True:
        out = subprocess.run(["sqlite3", STATE["audit_db"],
                              f"SELECT auth_method, status FROM audit_records WHERE user_name = '{user}' ORDER BY seq"],
                             capture_output=True, text=True, timeout=15).stdout
        rows = [tuple(line.split("|")) for line in out.splitlines() if line]
        if rows or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def test_the_mlflow_client_signs_in_with_directory_credentials(server, monkeypatch):
    from mlflow import MlflowClient
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "alice")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "alice-password")
    client = MlflowClient(tracking_uri=server)
    experiment = client.create_experiment(f"ldap-{uuid.uuid4().hex[:8]}")
    run = client.create_run(experiment)
    client.log_metric(run.info.run_id, "loss", 0.5)
    assert client.get_run(run.info.run_id).data.metrics == {"loss": 0.5}
    made = requests.get(server + "/api/2.0/mlflow/users/get", params={"username": "alice"}, auth=ADMIN, timeout=15)
    assert made.status_code == 200 and made.json()["user"]["is_admin"] is False
    grant = requests.get(server + "/api/3.0/mlflow/users/permissions/get", auth=ADMIN, timeout=15,
                         params={"username": "alice", "resource_type": "experiment", "resource_id": experiment})
    assert grant.json()["permission"] == "MANAGE", grant.text
    assert ("ldap", "200") in _audited("alice")


@pytest.mark.parametrize("credentials", [("alice", "wrong-password"), ("alice", ""), ("nobody", "nobody-password"),
                                         ("*", "alice-password"), ("alice)(uid=*", "alice-password"),
                                         ("ALICE", "bob-password")])
def test_wrong_credentials_are_refused(server, credentials):
    reply = _search(server, credentials)
    assert reply.status_code == 401, reply.text
    assert reply.headers["WWW-Authenticate"] == 'Basic realm="mlflow"'


def test_the_local_admin_keeps_its_own_password(server):
    assert _search(server, ADMIN).status_code == 200
    assert ("basic", "200") in _audited("admin")
    # A directory user has no local password that works: "!external" is no password.
    assert _search(server, ("alice", "!external")).status_code == 401


def test_directory_groups_give_the_governance_role_and_admin(server):
    model = f"ldap-model-{uuid.uuid4().hex[:6]}"
    alice, bob = ("alice", "alice-password"), ("bob", "bob-password")
    assert requests.post(server + "/api/2.0/mlflow/registered-models/create", json={"name": model}, auth=alice,
                         timeout=15).status_code == 200
    source = own_run_source(server, auth=alice)
    assert requests.post(server + "/api/2.0/mlflow/model-versions/create", json={"name": model, **source},
                         auth=alice, timeout=15).status_code == 200
    assert _search(server, bob).status_code == 200   # bob exists now, with the governance role
    roles = requests.get(server + "/api/3.0/mlflow/users/roles/list", params={"username": "bob"}, auth=ADMIN,
                         timeout=15).json()["roles"]
    assert [r["name"] for r in roles] == ["governance"]
    assert requests.post(server + "/api/3.0/mlflow/users/permissions/grant", auth=ADMIN, timeout=15,
                         json={"username": "bob", "resource_type": "registered_model", "resource_id": model,
                               "permission": "EDIT"}).status_code == 200
    promote = {"name": model, "version": "1", "stage": "Production"}
    refused = requests.post(server + "/api/2.0/mlflow/model-versions/transition-stage", json=promote, auth=alice,
                            timeout=15)
    assert refused.status_code == 403 and "'governance' role" in refused.json()["message"]
    done = requests.post(server + "/api/2.0/mlflow/model-versions/transition-stage", json=promote, auth=bob, timeout=15)
    assert done.status_code == 200 and done.json()["model_version"]["current_stage"] == "Production"
    # carol is in ml-admins: an admin, who may list users.
    listed = requests.get(server + "/api/2.0/mlflow/users/list", auth=("carol", "carol-password"), timeout=15)
    assert listed.status_code == 200, listed.text
    assert requests.get(server + "/api/2.0/mlflow/users/get", params={"username": "carol"}, auth=ADMIN,
                        timeout=15).json()["user"]["is_admin"] is True


def test_a_stopped_directory_is_503_and_remembered_passwords_still_work(server):
    assert _search(server, ("alice", "alice-password")).status_code == 200   # remembered (cache_seconds = 300)
    _slapd("stop")
    try:
        assert _search(server, ("alice", "alice-password")).status_code == 200
        down = _search(server, ("dave", "dave-password"))
        assert down.status_code == 503, down.text
        assert down.json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
        assert "LDAP directory is unreachable" in down.json()["message"]
        assert down.headers["Retry-After"] == "5"
        # A remembered name with another password is never let in, directory or not.
        assert _search(server, ("alice", "guess-password")).status_code == 503
    finally:
        _slapd("start")
    assert _search(server, ("dave", "dave-password")).status_code == 200
    with open(STATE["log"]) as f:
        log = f.read()
    for secret in ("reader-password", "alice-password", "dave-password"):
        assert secret not in log


def test_an_entry_named_like_a_local_account_is_refused(server):
    """Issue 20, hole 5: the directory's spelling of a name (`DAVE` typed, `dave` in the directory)
    must not make a directory user of the local account `dave`."""
    requests.delete(server + "/api/2.0/mlflow/users/delete", json={"username": "dave"}, auth=ADMIN, timeout=15)
    local = ("dave", "local-dave-password")
    assert requests.post(server + "/api/2.0/mlflow/users/create", json={"username": local[0], "password": local[1]},
                         auth=ADMIN, timeout=15).status_code == 200
    try:
        refused = _search(server, ("DAVE", "dave-password"))
        # 403 once the API answers a refused sign-in with its own status (Auth throws PERMISSION_DENIED); never 200.
        assert refused.status_code != 200, refused.text
        assert "'dave', which a local account holds" in refused.json()["message"], refused.text
        assert _search(server, local).status_code == 200   # the local account is untouched
    finally:
        requests.delete(server + "/api/2.0/mlflow/users/delete", json={"username": "dave"}, auth=ADMIN, timeout=15)
    # Without the local account, the directory's dave signs in as a user of their own.
    assert _search(server, ("dave", "dave-password")).status_code == 200
