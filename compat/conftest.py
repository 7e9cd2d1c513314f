"""Shared fixtures for the Swiftrack compatibility suite.

Target selection: SWIFTRACK_COMPAT_TARGET=mlflow runs the real `mlflow server` (check mode);
SWIFTRACK_COMPAT_TARGET=replicas runs two replicas of $SWIFTRACK_BIN on one PostgreSQL database
behind nginx with TLS (compat/topology.py; `make compat-replicas`, under scripts/with-databases);
anything else (default "swiftrack") runs the binary at $SWIFTRACK_BIN.

Backend: SWIFTRACK_COMPAT_ENGINE=postgres or mysql runs our binary on a fresh database of the
server that scripts/with-databases started (SWIFTRACK_TEST_POSTGRES_URI / SWIFTRACK_TEST_MYSQL_URI);
the default is a SQLite file.

Parallel runs (pytest-xdist, `-n N`, as scripts/compat-pass does): each worker is a process of its
own, so the session-scoped `server` fixture and the module globals below exist once per worker:
every worker tests against its own server. Tests that must not share the machine are in SERIAL.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import pytest
import requests

from helpers import Api

# No traffic may leave the loopback interface, and a broken server must fail fast instead of
# being retried with back-off by the MLflow client. Set before mlflow is imported anywhere.
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"
os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = "15"
os.environ.pop("MLFLOW_EXPERIMENT_ID", None)
os.environ.pop("MLFLOW_EXPERIMENT_NAME", None)
os.environ.pop("MLFLOW_RUN_ID", None)

TARGET = os.environ.get("SWIFTRACK_COMPAT_TARGET", "swiftrack").strip().lower()
IS_MLFLOW = TARGET == "mlflow"
VENV_BIN = os.path.join(os.path.dirname(sys.executable))
MLFLOW_BIN = os.environ.get("MLFLOW_BIN", os.path.join(VENV_BIN, "mlflow"))
SWIFTRACK_BIN = os.environ.get("SWIFTRACK_BIN", "/work/main/.build/release/swiftrack")
STARTUP_TIMEOUT = 60.0
ENGINE = os.environ.get("SWIFTRACK_COMPAT_ENGINE", "sqlite").strip().lower()

_server_log_path = None
_server_pid = None


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process_group(proc, timeout):
    """SIGTERM to the process group `proc` leads (started with start_new_session=True), then
    SIGKILL if it is still there after `timeout` seconds."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()

def auth_server_environment(tmp, admin, extra=""):
    """Writes `tmp`/auth.ini (default permission READ, users in `tmp`/auth.db, `admin` = (name,
    password), then `extra` sections) and returns an environment naming it, without the client's
    credentials, for a server started with --app-name basic-auth."""
    config = os.path.join(tmp, "auth.ini")
    with open(config, "w") as f:
        f.write("[mlflow]\ndefault_permission = READ\n"
                f"database_uri = sqlite:///{tmp}/auth.db\n"
                f"admin_username = {admin[0]}\nadmin_password = {admin[1]}\n" + extra)
    env = dict(os.environ, MLFLOW_AUTH_CONFIG_PATH=config)
    for name in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"):
        env.pop(name, None)
    return config, env


def start_logged(cmd, env, cwd, log_path):
    """Starts `cmd` in a process group of its own, its output going to `log_path`; returns (proc, log)."""
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True)
    return proc, log


def wait_for_health(base, proc, what, log_path=None, timeout=120, verify=True, headers=None):
    """Waits until `base`/health answers 200; fails the test (with the log's tail) if the process
    exits first or the time runs out. `verify` is the certificate to trust for HTTPS, `headers`
    what to send (a proxy's forwarding headers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = open(log_path).read()[-4000:] if log_path else ""
            pytest.fail(f"{what} exited with {proc.returncode}:\n{tail}")
        try:
            if requests.get(base + "/health", timeout=2, verify=verify, headers=headers).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    pytest.fail(f"{what} did not answer /health within {timeout} s")


def _log_tail(limit=6000):
    if not _server_log_path or not os.path.exists(_server_log_path):
        return ""
    with open(_server_log_path, "rb") as f:
        data = f.read()
    return data[-limit:].decode("utf-8", "replace")


def pytest_report_header(config):
    return f"compat target: {TARGET} ({MLFLOW_BIN if IS_MLFLOW else SWIFTRACK_BIN}), engine: {ENGINE}"


ENGINE_URI_VARIABLES = {"postgres": "SWIFTRACK_TEST_POSTGRES_URI", "mysql": "SWIFTRACK_TEST_MYSQL_URI"}
ENGINE_DIR_VARIABLES = {"postgres": "SWIFTRACK_TEST_POSTGRES_DIR", "mysql": "SWIFTRACK_TEST_MYSQL_DIR"}


def create_database_uri(engine):
    """Create a new, empty database on the test server of `engine` ("postgres" or "mysql") and
    return its URI; None when the server's admin URI is not in the environment."""
    admin = os.environ.get(ENGINE_URI_VARIABLES.get(engine, ""))
    if not admin:
        return None
    name = "compat_" + uuid.uuid4().hex[:12]
    base, _, _ = admin.rpartition("/")
    if engine == "postgres":
        subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    else:
        from urllib.parse import urlparse
        u = urlparse(admin)
        subprocess.run(["mariadb", "-h", u.hostname, "-P", str(u.port), "-u", u.username, f"-p{u.password}",
                        "-e", f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"], check=True)
    return f"{base}/{name}"


def fresh_database_uri(tmp):
    """The backend store URI for this session: a SQLite file, or a new database on the test server."""
    if ENGINE == "sqlite" or IS_MLFLOW:
        return f"sqlite:///{tmp}/mlflow.db"
    uri = create_database_uri(ENGINE)
    if uri is None:
        variable = ENGINE_URI_VARIABLES.get(ENGINE)
        pytest.exit(f"SWIFTRACK_COMPAT_ENGINE={ENGINE} needs {variable} (run under scripts/with-databases)",
                    returncode=2)
    return uri


# Tests that must not run beside others (`make test` runs the compat passes with pytest-xdist,
# `-m "not serial"` on several workers, then `-m serial` alone; scripts/compat-pass). A file named
# here is serial as a whole; "file::test" names one test (every parametrization of it).
SERIAL = {
    # restarts the PostgreSQL and MariaDB servers that every other test of the run shares
    "test_database_restart.py",
    # three replicas behind nginx, one killed mid-load: a load whose timing others would disturb
    "test_replicas.py",
    # headless Chromium (a few hundred MB and a core each), and a page load that is timed
    "test_ui_builtin.py",
    "test_ui_mlflow.py",
    # 2 GiB through the server with its RSS watched: disk and memory others would share
    "test_artifacts.py::test_two_gib_round_trip_keeps_memory_flat",
    # 200 MiB sealed and served with the server's RSS watched
    "test_sealed_versions.py::test_sealing_and_serving_a_200_mib_file_keeps_memory_flat",
    # a 2 GiB model sealed on disk and in moto's S3 with the server's RSS watched
    "test_sealed_versions.py::test_sealing_a_2_gib_model_keeps_memory_flat_and_the_client_waits_for_it",
}


# Serial tests whose subject does not depend on the tracking database (the browser UIs, memory
# watched under large transfers): they run in the SQLite pass only. The routes the UIs call are
# tested on every engine by the API tests; running the browsers three times cost 7 of CI's minutes.
ENGINE_AGNOSTIC = {
    "test_ui_builtin.py",
    "test_ui_mlflow.py",
    "test_artifacts.py::test_two_gib_round_trip_keeps_memory_flat",
    "test_sealed_versions.py::test_sealing_and_serving_a_200_mib_file_keeps_memory_flat",
    "test_sealed_versions.py::test_sealing_a_2_gib_model_keeps_memory_flat_and_the_client_waits_for_it",
}


@pytest.hookimpl(tryfirst=True)   # before `-m` selects: the serial marks must be on the items by then
def pytest_collection_modifyitems(config, items):
    once = pytest.mark.skip(reason="engine-agnostic: runs in the SQLite pass (conftest.ENGINE_AGNOSTIC)")
    for item in items:
        name = os.path.basename(str(item.path))
        if name in SERIAL or f"{name}::{item.originalname}" in SERIAL:
            item.add_marker(pytest.mark.serial)
        if ENGINE not in ("sqlite",) and not IS_MLFLOW and (
                name in ENGINE_AGNOSTIC or f"{name}::{item.originalname}" in ENGINE_AGNOSTIC):
            item.add_marker(once)
    if not IS_MLFLOW:
        return
    skip = pytest.mark.skip(reason="swiftrack_only: MLflow's behaviour here is deliberately not matched")
    # MLflow's basic-auth app hashes the password on every request: the permission-table test alone
    # takes 8.7 s against it on a quiet machine and passed 20 s under `make test`'s parallel passes
    # (CI, stop 30). Check mode bounds each test at 60 s; Swiftrack's own runs keep pytest.ini's 20 s.
    slow_target = pytest.mark.timeout(60)
    for item in items:
        if "swiftrack_only" in item.keywords:
            item.add_marker(skip)
        elif item.get_closest_marker("timeout") is None:
            item.add_marker(slow_target)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        tail = _log_tail()
        if tail:
            rep.sections.append((f"{TARGET} server log (tail of {_server_log_path})", tail))


@pytest.fixture(scope="session")
def server(request):
    """Start the target server once per session; yield its base URL."""
    global _server_log_path
    if not IS_MLFLOW and not os.access(SWIFTRACK_BIN, os.X_OK):
        pytest.exit(f"SWIFTRACK_BIN {SWIFTRACK_BIN} is not an executable (build it, or set "
                    f"SWIFTRACK_COMPAT_TARGET=mlflow)", returncode=2)
    tmp = tempfile.mkdtemp(prefix=f"compat-{TARGET}-")
    if TARGET == "replicas":
        yield from _replicas(request, tmp)
        return
    port = _free_port()
    db = fresh_database_uri(tmp)
    artifacts = os.path.join(tmp, "artifacts")
    env = dict(os.environ)
    if IS_MLFLOW:
        # One worker (the machine has two cores and others compile); no job-execution
        # subprocesses (huey), which the tracking API does not need.
        env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
        cmd = [MLFLOW_BIN, "server", "--backend-store-uri", db,
               "--default-artifact-root", artifacts,
               "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    else:
        cmd = [SWIFTRACK_BIN, "server", "--backend-store-uri", db,
               "--default-artifact-root", artifacts,
               "--host", "127.0.0.1", "--port", str(port)]
    _server_log_path = os.path.join(tmp, "server.log")
    log = open(_server_log_path, "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    global _server_pid
    _server_pid = proc.pid
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.exit(f"{TARGET} server exited with {proc.returncode} during startup:\n{_log_tail()}",
                        returncode=2)
        try:
            if requests.get(base + "/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            log.close()
            pytest.exit(f"{TARGET} server did not answer /health within {STARTUP_TIMEOUT}s:\n{_log_tail()}",
                        returncode=2)
        time.sleep(0.25)

    import mlflow
    os.environ["MLFLOW_TRACKING_URI"] = base
    mlflow.set_tracking_uri(base)
    try:
        yield base
    finally:
        if IS_MLFLOW:
            # uvicorn + its worker: stop the whole process group we created.
            stop_process_group(proc, timeout=15)
            log.close()
        else:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                log.close()
                pytest.fail(f"swiftrack did not exit within 10 s of SIGTERM:\n{_log_tail()}")
            log.close()
            assert code == 0, f"swiftrack exited with {code} after SIGTERM:\n{_log_tail()}"
        # keep the store and server.log for inspection only when something failed
        if request.session.testsfailed == 0 and not os.environ.get("COMPAT_KEEP_TMP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"\ncompat: server store and log kept in {tmp}")


def _replicas(request, tmp):
    """The suite through nginx to two replicas: the client and requests trust nginx's certificate."""
    from topology import Topology
    global _server_log_path
    # The replicas share one artifact folder, as the single server of the other targets has it.
    topology = Topology(tmp, count=2, audit=False, default_artifact_root=os.path.join(tmp, "artifacts")).start()
    _server_log_path = os.path.join(tmp, "replica-0.log")
    os.environ["MLFLOW_TRACKING_SERVER_CERT_PATH"] = topology.cert
    os.environ["REQUESTS_CA_BUNDLE"] = topology.cert
    import mlflow
    os.environ["MLFLOW_TRACKING_URI"] = topology.url
    mlflow.set_tracking_uri(topology.url)
    try:
        yield topology.url
    finally:
        codes = topology.stop()
        assert codes == [0, 0], f"replicas exited with {codes} after SIGTERM"
        if request.session.testsfailed == 0 and not os.environ.get("COMPAT_KEEP_TMP"):
            shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(autouse=True)
def _clean_fluent_state(server):
    """Every test starts with no active run and the default experiment."""
    import mlflow
    mlflow.set_tracking_uri(server)
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run()
    # forget the experiment chosen by mlflow.set_experiment
    import mlflow.tracking.fluent as fluent
    fluent._active_experiment_id = None
    os.environ.pop("MLFLOW_EXPERIMENT_ID", None)


@pytest.fixture
def client(server):
    from mlflow import MlflowClient
    return MlflowClient(tracking_uri=server)


@pytest.fixture
def api(server):
    """Raw HTTP helper: api.get(path, params), api.post(path, json) against /api/2.0/mlflow."""
    return Api(server)


@pytest.fixture
def unique():
    """A short unique suffix for names (tests share one server)."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def server_pid(server):
    """The process id of the server under test (to watch its memory)."""
    if TARGET == "replicas":
        pytest.skip("watches one server process; the replicas target runs two behind nginx")
    return _server_pid
