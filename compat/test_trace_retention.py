"""Trace retention and gc of traces, on a Swiftrack server of this module's own with
`--trace-retention 1m --trace-retention-interval 1`: traces the server received longer ago than the
default or than their experiment's `swiftrack.traceRetention` tag are deleted in the background, in
batches, with their spans and assessments, counted on /metrics (a client's own start time does not
date a trace: only its receipt, so these tests wait the minute); a backlog of 20,000 expired traces
is deleted while other clients keep being answered; `swiftrack gc` empties a deleted experiment of
its traces.

The store is the session's engine (SQLite by default; SWIFTRACK_COMPAT_ENGINE=postgres or mysql
under scripts/with-databases). Swiftrack's own feature: MLflow has no trace retention."""
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

import mlflow
import pytest
import requests
from mlflow import MlflowClient

from conftest import ENGINE, SWIFTRACK_BIN, _free_port, fresh_database_uri, start_logged, stop_process_group, wait_for_health

pytestmark = pytest.mark.swiftrack_only

TAG = "swiftrack.traceRetention"


class _Server:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="compat-retention-")
        self.db = fresh_database_uri(self.tmp)
        self.artifacts = os.path.join(self.tmp, "artifacts")
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = os.path.join(self.tmp, "server.log")
        cmd = [SWIFTRACK_BIN, "server", "--backend-store-uri", self.db, "--artifacts-destination", self.artifacts,
               "--default-artifact-root", self.artifacts, "--host", "127.0.0.1", "--port", str(port),
               "--log-format", "none", "--trace-retention", "1m", "--trace-retention-interval", "1",
               # The first test waits about a minute for traces to expire while the client's pooled
               # connection sits idle: at the default 60 s idle timeout the server closed it just as
               # the next test reused it (the suite turns the client's retries off).
               "--connection-timeout", "600"]
        self.proc, self.log = start_logged(cmd, dict(os.environ), self.tmp, self.log_path)
        wait_for_health(self.base, self.proc, "swiftrack", self.log_path)
        self.client = MlflowClient(tracking_uri=self.base)

    def stop(self):
        stop_process_group(self.proc, timeout=15)
        self.log.close()


@pytest.fixture(scope="module")
def retention():
    server = _Server()
    yield server
    server.stop()
    shutil.rmtree(server.tmp, ignore_errors=True)


def _otlp(base, experiment_id, prefix, count, start_ms, first=0):
    """`count` one-span traces through OTLP/JSON, 500 a request, starting at `start_ms` 1 ms apart."""
    for offset in range(first, first + count, 500):
        resources = []
        for i in range(offset, min(offset + 500, first + count)):
            digest = hashlib.sha256(f"{prefix}-{i}".encode()).hexdigest()
            start = (start_ms + i) * 1_000_000
            resources.append({"resource": {"attributes": []}, "scopeSpans": [{"spans": [{
                "traceId": digest[:32], "spanId": digest[32:48], "name": "answer", "startTimeUnixNano": str(start),
                "endTimeUnixNano": str(start + 5_000_000), "status": {"code": 1}}]}]})
        answer = requests.post(base + "/v1/traces", json={"resourceSpans": resources}, timeout=60,
                               headers={"x-mlflow-experiment-id": experiment_id})
        assert answer.status_code == 200, answer.text


def _count(base, experiment_id):
    total, token = 0, None
    while True:
        body = {"locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": experiment_id}}],
                "max_results": 500}
        if token:
            body["page_token"] = token
        page = requests.post(base + "/api/3.0/mlflow/traces/search", json=body, timeout=30).json()
        total += len(page.get("traces", []))
        token = page.get("next_page_token")
        if not token:
            return total


def _deleted_metric(base):
    text = requests.get(base + "/metrics", timeout=10).text
    found = re.search(r'^swiftrack_traces_deleted_total\{reason="retention"\} (\S+)$', text, re.M)
    return float(found.group(1)) if found else None


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.timeout(300)
def test_expired_traces_go_by_default_and_by_tag_with_their_assessments(retention):
    base, client = retention.base, retention.client
    now = int(time.time() * 1000)
    plain = client.create_experiment("retention-default")
    long = client.create_experiment("retention-long", tags={TAG: "30d"})
    typo = client.create_experiment("retention-typo", tags={TAG: "a week"})
    _otlp(base, plain, "plain", 30, now)
    _otlp(base, long, "long", 3, now)
    _otlp(base, long, "long-dated", 1, 0)     # started in 1970 by its client: received now, kept
    _otlp(base, typo, "typo", 2, now)
    old = requests.post(base + "/api/3.0/mlflow/traces/search", timeout=30, json={
        "locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": plain}}],
        "max_results": 1}).json()["traces"][0]["trace_id"]
    mlflow.set_tracking_uri(base)
    feedback = mlflow.log_feedback(trace_id=old, name="ok", value=True)   # goes with its trace
    before = _deleted_metric(base)
    assert _count(base, plain) == 30

    # A minute after they were received, the default's traces go; the others stay.
    _wait(lambda: _count(base, plain) == 0, 180, "the default's expired traces to go")
    assert _count(base, long) == 4      # its own 30 days win over the 1 minute default
    assert _count(base, typo) == 2      # a tag that is no duration keeps the experiment's traces
    missing = requests.get(f"{base}/api/3.0/mlflow/traces/{old}/assessments/{feedback.assessment_id}", timeout=10)
    assert missing.status_code == 404, missing.text
    assert requests.get(f"{base}/api/3.0/mlflow/traces/{old}", timeout=10).status_code == 404
    assert _deleted_metric(base) - before >= 30


@pytest.mark.timeout(360)
@pytest.mark.skipif(ENGINE != "sqlite", reason="the backlog's liveness matters where one writer serialises every "
                    "write (SQLite); the batched purge itself is tested on every engine by StoreTraceRetentionTests")
def test_a_backlog_is_deleted_in_batches_while_the_server_keeps_answering(retention):
    base, client = retention.base, retention.client
    now = int(time.time() * 1000)
    backlog = client.create_experiment("retention-backlog", tags={TAG: "3650d"})   # kept while it fills
    _otlp(base, backlog, "backlog", 20_000, now)
    assert _count(base, backlog) == 20_000
    writes = client.create_experiment("retention-writes")
    before = _deleted_metric(base)

    # Other clients while the backlog goes: a writer (runs and metrics) and a reader (trace search).
    latencies, failures, stop = [], [], threading.Event()

    def call(method, path, body):
        started = time.monotonic()
        answer = requests.request(method, base + path, json=body, timeout=30)
        latencies.append(time.monotonic() - started)
        if answer.status_code != 200:
            failures.append(f"{path}: {answer.status_code} {answer.text[:200]}")
        return answer

    def writer():
        while not stop.is_set():
            run = call("POST", "/api/2.0/mlflow/runs/create", {"experiment_id": writes}).json()
            run_id = run.get("run", {}).get("info", {}).get("run_id")
            if run_id:
                call("POST", "/api/2.0/mlflow/runs/log-metric",
                     {"run_id": run_id, "key": "m", "value": 1.0, "timestamp": 1, "step": 0})

    def reader():
        while not stop.is_set():
            call("POST", "/api/3.0/mlflow/traces/search", {
                "locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": backlog}}],
                "max_results": 50})

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    try:
        client.set_experiment_tag(backlog, TAG, "1m")   # expires a minute after receipt
        _wait(lambda: _deleted_metric(base) - before >= 20_000, 270, "the backlog to be deleted")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert failures == []
    assert _count(base, backlog) == 0
    # Answered throughout: a liveness bound (a batch is one short transaction), not a benchmark.
    assert len(latencies) > 20 and max(latencies) < 5.0, (len(latencies), max(latencies))
    # In batches: the server logged each pass's total, and the 20,000 did not go in one statement.
    assert _deleted_metric(base) - before == 20_000


@pytest.mark.timeout(300)
def test_gc_removes_a_deleted_experiments_traces(retention):
    base, client = retention.base, retention.client
    experiment = client.create_experiment("retention-gc", tags={TAG: "30d"})
    mlflow.set_tracking_uri(base)
    mlflow.set_experiment(experiment_id=experiment)

    @mlflow.trace
    def answer(question):
        return "42"

    answer("why?")
    trace_id = mlflow.get_last_active_trace_id()
    mlflow.flush_trace_async_logging()
    mlflow.log_expectation(trace_id=trace_id, name="expected", value="42")
    _otlp(base, experiment, "gc", 600, int(time.time() * 1000))
    assert _count(base, experiment) == 601
    client.delete_experiment(experiment)

    done = subprocess.run([SWIFTRACK_BIN, "gc", "--backend-store-uri", retention.db, "--artifacts-destination",
                           retention.artifacts, "--experiment-ids", experiment],
                          capture_output=True, text=True, timeout=120, cwd=retention.tmp)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"experiment {experiment}: deleted 601 traces" in done.stdout
    assert requests.get(f"{base}/api/3.0/mlflow/traces/{trace_id}", timeout=10).status_code == 404
    assert not os.path.exists(os.path.join(retention.artifacts, experiment))
