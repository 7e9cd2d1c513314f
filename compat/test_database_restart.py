"""The database server restarts under load: requests answer 200 or 503, the pool reconnects by
itself, and nothing the server acknowledged is lost.

Each engine gets its own Swiftrack server (not the session fixture) on a fresh database of the
server that scripts/with-databases started; the test restarts that database server with
scripts/db/postgres|mariadb restart. Without those servers the test skips, unless CI=true.
"""
import collections
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import pytest
import requests

from conftest import (ENGINE, ENGINE_DIR_VARIABLES, ENGINE_URI_VARIABLES, SWIFTRACK_BIN, _free_port,
                      create_database_uri)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESTART_SCRIPTS = {"postgres": "postgres", "mysql": "mariadb"}
THREADS = 16
RUNS = 4
METRICS_PER_BATCH = 5
LOAD_SECONDS = 12.0
RESTART_AFTER = 3.0
CLIENT_TIMEOUT = 10
# Debugging: COMPAT_RESTART_LOG_FORMAT=text keeps one log line per request in the server log.
LOG_FORMAT = os.environ.get("COMPAT_RESTART_LOG_FORMAT", "none")


def _tail(path, limit=6000):
    try:
        with open(path, "rb") as f:
            return f.read()[-limit:].decode("utf-8", "replace")
    except OSError:
        return ""


class _Server:
    """A Swiftrack server of this test's own, on `uri`."""

    def __init__(self, uri, tmp):
        self.log_path = os.path.join(tmp, "server.log")
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(self.log_path, "wb")
        cmd = [SWIFTRACK_BIN, "server", "--backend-store-uri", uri,
               "--default-artifact-root", os.path.join(tmp, "artifacts"),
               "--host", "127.0.0.1", "--port", str(self.port),
               "--db-pool-size", "8", "--db-pool-timeout", "5", "--log-format", LOG_FORMAT]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, cwd=tmp,
                                     start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"swiftrack exited with {self.proc.returncode} during startup:\n{self.tail()}")
            try:
                if requests.get(self.base + "/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"swiftrack did not answer /health within 30 s:\n{self.tail()}")
            time.sleep(0.1)

    def url(self, path):
        return f"{self.base}/api/2.0/mlflow/{path}"

    def tail(self):
        self.log.flush()
        return _tail(self.log_path)

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()

    def terminate(self):
        """SIGTERM; the exit code, or None when it did not exit within 10 s (then it is killed)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            return None


class _Load:
    """16 writers logging batches until `stop_at`; everything they saw, with timestamps."""

    def __init__(self, server, run_ids, stop_at):
        self.server = server
        self.run_ids = run_ids
        self.stop_at = stop_at
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.error_codes = collections.Counter()
        self.bad = []            # (seconds, description) of anything other than 200 or 503 TEMPORARILY_UNAVAILABLE
        self.acked = []          # (monotonic time of the answer, run_id, key, step)
        self.unavailable = []    # monotonic times of the 503s
        self.messages = collections.Counter()  # the 503s' messages (what the outage looked like)
        self.threads = [threading.Thread(target=self._writer, args=(i,), daemon=True) for i in range(THREADS)]

    def start(self):
        for t in self.threads:
            t.start()

    def join(self):
        for t in self.threads:
            t.join(timeout=LOAD_SECONDS + 2 * CLIENT_TIMEOUT)
        return not any(t.is_alive() for t in self.threads)

    def _writer(self, index):
        session = requests.Session()
        run_id = self.run_ids[index % len(self.run_ids)]
        keys = [f"w{index:02d}.m{j}" for j in range(METRICS_PER_BATCH)]
        step = 0
        while time.monotonic() < self.stop_at:
            step += 1
            now_ms = int(time.time() * 1000)
            body = {"run_id": run_id,
                    "metrics": [{"key": k, "value": float(step), "timestamp": now_ms, "step": step} for k in keys]}
            sent = time.monotonic()
            try:
                r = session.post(self.server.url("runs/log-batch"), json=body, timeout=CLIENT_TIMEOUT)
            except requests.RequestException as e:
                with self.lock:
                    self.statuses[type(e).__name__] += 1
                    self.bad.append((sent, f"{type(e).__name__}: {e}"))
                session.close()
                session = requests.Session()
                time.sleep(0.05)
                continue
            answered = time.monotonic()
            code = None
            if r.status_code != 200:
                try:
                    code = r.json().get("error_code")
                except ValueError:
                    code = None
            with self.lock:
                self.statuses[r.status_code] += 1
                if r.status_code == 200:
                    self.acked.extend((answered, run_id, k, step) for k in keys)
                else:
                    self.error_codes[code] += 1
                    if r.status_code == 503 and code == "TEMPORARILY_UNAVAILABLE":
                        self.unavailable.append(answered)
                        self.messages[r.json().get("message", "")[:160]] += 1
                    else:
                        self.bad.append((sent, f"HTTP {r.status_code}: {r.text[:300]}"))
            if r.status_code != 200:
                time.sleep(0.02)  # the database is down: do not spin


def _history(session, server, run_id, key):
    steps = []
    token = None
    while True:
        params = {"run_id": run_id, "metric_key": key, "max_results": 25000}
        if token:
            params["page_token"] = token
        r = session.get(server.url("metrics/get-history"), params=params, timeout=30)
        assert r.status_code == 200, f"get-history {run_id}/{key}: {r.status_code} {r.text[:300]}"
        body = r.json()
        steps.extend(m["step"] for m in body.get("metrics", []))
        token = body.get("next_page_token")
        if not token:
            return steps


@pytest.mark.swiftrack_only
@pytest.mark.timeout(90)
@pytest.mark.parametrize("engine", ["postgres", "mysql"])
def test_database_restart_under_load(engine):
    if ENGINE != "sqlite":
        # It starts its own server on each engine: once per CI run (the SQLite session) is enough.
        pytest.skip("runs in the default (SQLite) compat session only")
    admin = os.environ.get(ENGINE_URI_VARIABLES[engine])
    data_dir = os.environ.get(ENGINE_DIR_VARIABLES[engine])
    if not admin or not data_dir:
        message = (f"{ENGINE_URI_VARIABLES[engine]} / {ENGINE_DIR_VARIABLES[engine]} not set "
                   f"(run under scripts/with-databases)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    if not os.access(SWIFTRACK_BIN, os.X_OK):
        pytest.fail(f"SWIFTRACK_BIN {SWIFTRACK_BIN} is not an executable")

    tmp = tempfile.mkdtemp(prefix=f"compat-restart-{engine}-")
    server = _Server(create_database_uri(engine), tmp)
    passed = False
    try:
        api = requests.Session()
        r = api.post(server.url("experiments/create"), json={"name": f"restart-{engine}"}, timeout=CLIENT_TIMEOUT)
        assert r.status_code == 200, r.text
        experiment_id = r.json()["experiment_id"]
        run_ids = []
        for _ in range(RUNS):
            r = api.post(server.url("runs/create"),
                         json={"experiment_id": experiment_id, "start_time": int(time.time() * 1000)},
                         timeout=CLIENT_TIMEOUT)
            assert r.status_code == 200, r.text
            run_ids.append(r.json()["run"]["info"]["run_id"])

        started = time.monotonic()
        load = _Load(server, run_ids, stop_at=started + LOAD_SECONDS)
        load.start()
        time.sleep(RESTART_AFTER)
        restart_began = time.monotonic()
        script = os.path.join(ROOT, "scripts", "db", RESTART_SCRIPTS[engine])
        subprocess.run([script, "restart", data_dir], check=True, stdout=subprocess.DEVNULL, timeout=60)
        restart_ended = time.monotonic()
        restart_seconds = restart_ended - restart_began
        finished = load.join()
        assert finished, "writer threads still running after the load and the client timeout"

        during = [t for t in load.unavailable if t >= restart_began]
        after = [a for a in load.acked if a[0] > restart_ended]
        print(f"\n{engine}: {len(load.acked)} metric writes acknowledged "
              f"({load.statuses[200]} batches, {len(after) // METRICS_PER_BATCH} after the restart), "
              f"{len(load.unavailable)} x 503 ({len(during)} from the restart on), "
              f"restart took {restart_seconds:.2f} s; statuses {dict(load.statuses)}, "
              f"error codes {dict(load.error_codes)}")
        for message, count in load.messages.most_common(3):
            print(f"  503 x {count}: {message}")

        # Only 200 and 503 TEMPORARILY_UNAVAILABLE: no 500, no reset connection, no timeout.
        assert set(load.statuses) <= {200, 503}, \
            f"statuses {dict(load.statuses)}; first problems: {[d for _, d in load.bad[:5]]}"
        assert not load.bad, f"{len(load.bad)} bad answers; first: {[d for _, d in load.bad[:5]]}"
        assert set(load.error_codes) <= {"TEMPORARILY_UNAVAILABLE"}, dict(load.error_codes)
        # Writes went through again once the database was back.
        assert after, "no write was acknowledged after the database restart finished"

        # The server recovered by itself.
        deadline = time.monotonic() + 10
        while True:
            try:
                r = requests.get(server.url("runs/get"), params={"run_id": run_ids[0]}, timeout=CLIENT_TIMEOUT)
                if r.status_code == 200:
                    break
                last = f"{r.status_code} {r.text[:300]}"
            except requests.RequestException as e:
                last = f"{type(e).__name__}: {e}"
            assert time.monotonic() < deadline, f"runs/get did not answer 200 within 10 s: {last}"
            time.sleep(0.2)

        # Nothing acknowledged is lost.
        wanted = collections.defaultdict(set)
        for _, run_id, key, step in load.acked:
            wanted[(run_id, key)].add(step)
        missing = {}
        for (run_id, key), steps in sorted(wanted.items()):
            present = set(_history(api, server, run_id, key))
            lost = steps - present
            if lost:
                missing[(run_id, key)] = sorted(lost)
        assert not missing, (f"{sum(len(v) for v in missing.values())} acknowledged metric steps are missing: "
                             f"{dict(list(missing.items())[:5])}")

        code = server.terminate()
        assert code is not None, f"swiftrack did not exit within 10 s of SIGTERM:\n{server.tail()}"
        assert code == 0, f"swiftrack exited with {code} after SIGTERM:\n{server.tail()}"
        passed = True
    finally:
        server.kill()
        server.log.close()
        if passed and not os.environ.get("COMPAT_KEEP_TMP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"\n{engine}: server log kept in {server.log_path}; tail:\n{_tail(server.log_path)}")
