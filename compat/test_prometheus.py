"""A real Prometheus (Debian's package) scrapes Swiftrack's /metrics, and the series move under load."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from urllib.parse import urlparse

import pytest
import requests

pytestmark = pytest.mark.swiftrack_only

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def prometheus(server):
    if not os.access(PROMETHEUS, os.X_OK):
        pytest.fail("prometheus is not installed (scripts/bootstrap installs Debian's package)")
    tmp = tempfile.mkdtemp(prefix="compat-prometheus-")
    target = urlparse(server).netloc
    with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
        f.write(f"""
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: swiftrack
    static_configs:
      - targets: ["{target}"]
""")
    port = _free_port()
    proc = subprocess.Popen([PROMETHEUS, f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/data",
                             f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/-/ready", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.25)
        else:
            pytest.fail("prometheus did not become ready within 60 s")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def _query(prometheus, expression):
    body = requests.get(prometheus + "/api/v1/query", params={"query": expression}, timeout=5).json()
    assert body["status"] == "success", body
    return body["data"]["result"]


def _wait_for(prometheus, expression, predicate, seconds=30):
    deadline = time.monotonic() + seconds
    result = []
    while time.monotonic() < deadline:
        result = _query(prometheus, expression)
        if predicate(result):
            return result
        time.sleep(0.5)
    pytest.fail(f"{expression} never satisfied the condition; last result {result}")


def _value(result):
    return float(result[0]["value"][1]) if result else 0.0


@pytest.mark.timeout(120)
def test_prometheus_scrapes_and_series_move(prometheus, api, unique):
    _wait_for(prometheus, 'up{job="swiftrack"}', lambda r: _value(r) == 1.0)
    before = _value(_wait_for(prometheus, 'sum(swiftrack_runs_created_total)', lambda r: bool(r)))
    eid = api.create_experiment(f"prom-{unique}")
    for _ in range(5):
        rid = api.post("runs/create", {"experiment_id": eid}).json()["run"]["info"]["run_id"]
        metrics = [{"key": "m", "value": i, "timestamp": 1, "step": i} for i in range(10)]
        assert api.post("runs/log-batch", {"run_id": rid, "metrics": metrics}).status_code == 200
    _wait_for(prometheus, 'sum(swiftrack_runs_created_total)', lambda r: _value(r) >= before + 5)
    created = _wait_for(prometheus, 'swiftrack_http_requests_total{route="/api/2.0/mlflow/runs/create",status="200"}',
                        lambda r: _value(r) >= 5)
    assert created[0]["metric"]["method"] == "POST"
    _wait_for(prometheus, 'sum(swiftrack_metrics_logged_total)', lambda r: _value(r) >= 50)
    _wait_for(prometheus, 'histogram_quantile(0.99, sum by (le) (rate(swiftrack_http_request_duration_seconds_bucket'
                          '{route="/api/2.0/mlflow/runs/log-batch"}[1m])))', lambda r: bool(r))
    assert _value(_query(prometheus, "process_resident_memory_bytes")) > 1e6


def test_dashboard_queries_only_series_the_server_exposes(server):
    # Every metric name the Grafana dashboard queries must be on /metrics, so no panel is empty.
    import json
    import re
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "deploy", "grafana", "swiftrack.json")) as f:
        dashboard = json.load(f)
    exposed = set(re.findall(r"^# TYPE (\S+) ", requests.get(server + "/metrics").text, re.M))
    queried = set()
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            queried |= {m.removesuffix("_bucket") for m in re.findall(r"\b((?:swiftrack|process)_[a-z_]+)", target["expr"])}
    assert queried, "the dashboard queries nothing"
    assert queried <= exposed, f"queried but not exposed: {sorted(queried - exposed)}"


@pytest.mark.swiftrack_only
@pytest.mark.skipif(os.environ.get("SWIFTRACK_COMPAT_ENGINE", "sqlite") != "sqlite",
                    reason="the database is a local file only with SQLite")
def test_local_stores_report_their_free_disk_space(server):
    # The disk-space alerts (deploy/prometheus) read these: the SQLite file's and the artifacts'.
    import re
    text = requests.get(server + "/metrics").text
    free = dict(re.findall(r'^swiftrack_local_store_free_bytes\{store="(\w+)"\} (\S+)$', text, re.M))
    size = dict(re.findall(r'^swiftrack_local_store_size_bytes\{store="(\w+)"\} (\S+)$', text, re.M))
    assert set(free) == {"database", "artifacts"} == set(size), text[-2000:]
    statistics = os.statvfs(urlparse(server).path or "/tmp")
    for store in free:
        assert 0 < float(free[store]) <= float(size[store])
    assert abs(float(size["database"]) - statistics.f_blocks * statistics.f_frsize) / float(size["database"]) < 0.5


@pytest.mark.swiftrack_only
def test_metrics_port_keeps_the_series_off_the_api_port():
    """`--metrics-port`: /metrics answers there, counts the API port's requests, and the API port
    no longer serves it (so it need not be exposed to clients)."""
    from conftest import SWIFTRACK_BIN, wait_for_health
    tmp = tempfile.mkdtemp(prefix="compat-metrics-port-")
    port, metrics_port = _free_port(), _free_port()
    proc = subprocess.Popen([SWIFTRACK_BIN, "server", "--backend-store-uri", f"sqlite:///{tmp}/db.sqlite",
                             "--default-artifact-root", f"{tmp}/artifacts", "--port", str(port),
                             "--metrics-port", str(metrics_port), "--log-format", "none"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base, metrics_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{metrics_port}"
        wait_for_health(base, proc, "swiftrack", timeout=20)
        assert requests.get(base + "/api/2.0/mlflow/experiments/get?experiment_id=0", timeout=5).status_code == 200
        assert requests.get(base + "/metrics", timeout=5).status_code == 404
        scrape = requests.get(metrics_base + "/metrics", timeout=5)
        assert scrape.status_code == 200
        assert ('swiftrack_http_requests_total{route="/api/2.0/mlflow/experiments/get",method="GET",status="200"} 1'
                in scrape.text)
        assert requests.get(metrics_base + "/api/2.0/mlflow/experiments/get?experiment_id=0", timeout=5).status_code == 404
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.swiftrack_only
@pytest.mark.skipif(shutil.which("promtool") is None, reason="needs Debian's prometheus package (scripts/bootstrap)")
def test_metrics_pass_prometheus_linter(server, api, unique):
    """`promtool check metrics` (Prometheus' own linter) finds nothing to say about /metrics once every
    kind of series is there: totals read at scrape time (CPU seconds, the pool's waits) are counters."""
    eid = api.create_experiment(f"lint-{unique}")
    api.post("runs/create", {"experiment_id": eid})
    text = requests.get(server + "/metrics", timeout=10).text
    assert "# TYPE process_cpu_seconds_total counter" in text
    checked = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def _series(text, name):
    """The values of `name`'s samples in an exposition text, by their label text."""
    found = {}
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            labels, _, value = line.rpartition(" ")
            found[labels[len(name):]] = float(value)
    return found


@pytest.mark.swiftrack_only
@pytest.mark.timeout(120)
def test_the_heap_keeps_two_arenas_under_concurrent_load(server, api, unique):
    """`MemoryPolicy` caps glibc's arenas at two before the server's threads start: 16 clients at once
    (writes and a long history) leave the heap with no more than two, where glibc's default gives each
    busy worker thread an arena of its own."""
    import threading
    eid = api.create_experiment(f"heap-{unique}")
    run_id = api.post("runs/create", {"experiment_id": eid}).json()["run"]["info"]["run_id"]
    metrics = [{"key": "loss", "value": i / 7, "timestamp": 1, "step": i} for i in range(1000)]
    api.post("runs/log-batch", {"run_id": run_id, "metrics": metrics})
    errors = []

    def client(n):
        session = requests.Session()
        for i in range(40):
            batch = [{"key": f"k{n}", "value": i, "timestamp": 1, "step": i}]
            for reply in (session.post(server + "/api/2.0/mlflow/runs/log-batch", json={"run_id": run_id, "metrics": batch},
                                       timeout=30),
                          session.get(server + "/api/2.0/mlflow/metrics/get-history",
                                      params={"run_id": run_id, "metric_key": "loss"}, timeout=30)):
                if reply.status_code != 200:
                    errors.append(reply.text)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    text = requests.get(server + "/metrics", timeout=10).text
    arenas = _series(text, "swiftrack_heap_arenas")
    assert list(arenas) == [""] and 1 <= arenas[""] <= 2, arenas
    heap = _series(text, "swiftrack_heap_bytes")
    assert set(heap) == {'{state="in_use"}', '{state="free"}'} and heap['{state="in_use"}'] > 0, heap
