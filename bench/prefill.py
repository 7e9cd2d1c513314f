"""The same data for every server, written over HTTP before the scenarios run.

- bench-search: RUNS finished runs, each with metrics acc and loss, params model/lr/depth and a
  tag (run i: model rf/xgb/mlp by i % 3, acc a fixed pseudo-random value of i);
- bench-history: one run with a STEPS-step "loss" history, in batches of 1,000 (MLflow's
  log-batch limit);
- bench-write: the experiment the write scenarios write into;
- bench-traces (only when a trace search scenario runs): TRACES finished traces of one span,
  sent through OTLP/JSON 250 per request; trace i carries the resource attribute (a trace tag)
  env = prod for one trace in ten, staging or dev otherwise, and starts at T0 + i seconds.
Not timed as a scenario: a few client threads with keep-alive connections, only its duration
is reported.
"""
import concurrent.futures
import hashlib
import http.client
import json
import threading
import time
import urllib.parse

API = "/api/2.0/mlflow"
T0 = 1_700_000_000_000


def unit(i, salt):
    """A deterministic value in [0, 1) for item i, the same for every server."""
    return ((i * 2654435761 + salt * 40503 + 1) % 1000003 % 1000000) / 1000000


class Client:
    """One keep-alive connection per thread."""

    def __init__(self, base):
        self.netloc = urllib.parse.urlsplit(base).netloc
        self.local = threading.local()

    def call(self, method, path, body=None, timeout=300):
        data = json.dumps(body) if body is not None else None
        conn = getattr(self.local, "conn", None)
        try:
            if conn is not None:
                return self._send(conn, method, path, data)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # A server may close a keep-alive connection that sat idle (uvicorn after 5 s); the
            # request did not reach it, so it is sent once more on a new connection.
            conn.close()
        conn = self.local.conn = http.client.HTTPConnection(self.netloc, timeout=timeout)
        return self._send(conn, method, path, data)

    def _send(self, conn, method, path, data):
        try:
            conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            payload = resp.read()
        except (OSError, http.client.HTTPException):
            self.local.conn = None
            conn.close()
            raise
        if not 200 <= resp.status < 300:
            raise RuntimeError(f"{method} {path}: HTTP {resp.status} {payload[:300]!r}")
        return json.loads(payload) if payload.strip() else {}


def create_experiment(client, name):
    return client.call("POST", f"{API}/experiments/create", {"name": name})["experiment_id"]


def create_run(client, experiment_id, name, start_time=T0):
    body = {"experiment_id": experiment_id, "run_name": name, "start_time": start_time,
            "tags": [{"key": "bench", "value": "1"}]}
    return client.call("POST", f"{API}/runs/create", body)["run"]["info"]["run_id"]


def _search_run(client, experiment_id, i):
    t = T0 + i * 1000
    run_id = create_run(client, experiment_id, f"s{i}", t)
    client.call("POST", f"{API}/runs/log-batch", {
        "run_id": run_id,
        "metrics": [{"key": "acc", "value": unit(i, 1), "timestamp": t, "step": 0},
                    {"key": "loss", "value": unit(i, 2), "timestamp": t, "step": 0}],
        "params": [{"key": "model", "value": ["rf", "xgb", "mlp"][i % 3]},
                   {"key": "lr", "value": str([0.1, 0.01, 0.001][i % 3])},
                   {"key": "depth", "value": str(i % 10)}],
        "tags": [{"key": "team", "value": ["a", "b", "c"][i % 3]}]})


def _history_batch(client, run_id, batch):
    metrics = [{"key": "loss", "value": 1.0 / (s + 1), "timestamp": T0 + s, "step": s}
               for s in range(batch * 1000, (batch + 1) * 1000)]
    client.call("POST", f"{API}/runs/log-batch", {"run_id": run_id, "metrics": metrics})


def _parallel(fn, items, workers):
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for f in concurrent.futures.as_completed([pool.submit(fn, i) for i in items]):
            f.result()   # the first failure stops the bench of this server


def prefill(base, search_runs, history_steps):
    client = Client(base)
    ids = {name: create_experiment(client, name) for name in ("bench-write", "bench-search", "bench-history")}
    ids["history-run"] = create_run(client, ids["bench-history"], "history")
    t0 = time.perf_counter()
    _parallel(lambda i: _search_run(client, ids["bench-search"], i), range(search_runs), 8)
    t1 = time.perf_counter()
    _parallel(lambda b: _history_batch(client, ids["history-run"], b), range(max(1, history_steps // 1000)), 4)
    t2 = time.perf_counter()
    # The answers the scenarios will read, checked once: a full page, the whole history.
    found = client.call("POST", f"{API}/runs/search", {
        "experiment_ids": [ids["bench-search"]], "filter": "metrics.acc > 0.5 and params.model = 'rf'",
        "order_by": ["metrics.acc DESC"], "max_results": 100})
    history = client.call("GET", f"{API}/metrics/get-history?run_id={ids['history-run']}&metric_key=loss")
    ids.update(fill_search_s=t1 - t0, fill_history_s=t2 - t1, search_hits=len(found.get("runs", [])),
               history_points=len(history.get("metrics", [])))
    return ids


TRACE_ENVS = ["prod", "staging", "dev", "dev", "staging", "dev", "staging", "dev", "staging", "dev"]
TRACES_PER_REQUEST = 250


def _hex_id(i, digits):
    """A trace or span id for item i that looks like OpenTelemetry's random ones, the same every run."""
    return hashlib.sha256(f"bench-trace-{i}".encode()).hexdigest()[:digits]


def _trace_batch(client, experiment_id, first, count):
    resources = []
    for i in range(first, first + count):
        start = (T0 + i * 1000) * 1_000_000
        resources.append({
            "resource": {"attributes": [{"key": "env", "value": {"stringValue": TRACE_ENVS[i % 10]}}]},
            "scopeSpans": [{"scope": {"name": "bench"}, "spans": [{
                "traceId": _hex_id(i, 32), "spanId": _hex_id(i, 16), "name": "answer",
                "kind": 1, "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + 120_000_000),
                "status": {"code": 1},
                "attributes": [{"key": "mlflow.spanType", "value": {"stringValue": '"CHAIN"'}},
                               {"key": "mlflow.spanInputs", "value": {"stringValue": f'{{"question": "q{i}"}}'}},
                               {"key": "mlflow.spanOutputs", "value": {"stringValue": f'"a{i}"'}}]}]}]})
    data = json.dumps({"resourceSpans": resources})
    conn = http.client.HTTPConnection(client.netloc, timeout=600)
    try:
        conn.request("POST", "/v1/traces", body=data, headers={
            "Content-Type": "application/json", "x-mlflow-experiment-id": experiment_id})
        resp = conn.getresponse()
        payload = resp.read()
    finally:
        conn.close()
    if not 200 <= resp.status < 300:
        raise RuntimeError(f"POST /v1/traces: HTTP {resp.status} {payload[:300]!r}")


def search_traces_body(experiment_id):
    """The trace search the search-traces scenario sends (bench/wrk/search-traces.lua spells the same)."""
    return {"locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": experiment_id}}],
            "filter": "tags.env = 'prod'", "max_results": 100, "order_by": ["timestamp_ms DESC"]}


def prefill_traces(base, traces):
    """bench-traces: `traces` traces (see above); returns its id, the seconds taken and the size of
    the scenario's first page (checked once: a full page of prod traces)."""
    client = Client(base)
    experiment_id = create_experiment(client, "bench-traces")
    t0 = time.perf_counter()
    _parallel(lambda first: _trace_batch(client, experiment_id, first, min(TRACES_PER_REQUEST, traces - first)),
              range(0, traces, TRACES_PER_REQUEST), 4)
    seconds = time.perf_counter() - t0
    found = client.call("POST", "/api/3.0/mlflow/traces/search", search_traces_body(experiment_id))
    hits = found.get("traces", [])
    if any(t.get("tags", {}).get("env") != "prod" for t in hits):
        raise RuntimeError(f"trace search answered traces that are not prod: {hits[:1]}")
    return {"bench-traces": experiment_id, "fill_traces_s": seconds, "trace_hits": len(hits)}


def write_runs(base, experiment_id, count, label):
    """Runs for a write scenario (log-metric: one; log-batch: one per connection)."""
    client = Client(base)
    now = int(time.time() * 1000)
    return [create_run(client, experiment_id, f"{label}-{i}", now) for i in range(count)]
