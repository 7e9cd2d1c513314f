"""Scale check: 100k runs and 10M metric rows in a Swiftrack SQLite store, then the latency of
the queries that must stay fast (search with a metric filter and order, metric history, the
UI's bulk-interval sampling). A measurement, not a test: prints a Markdown table.

    .venv/bin/python bench/scale_sqlite.py [--runs 100000] [--points 100] [--binary .build/release/swiftrack]
"""
import argparse
import json
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
import urllib.request
import uuid


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, db, root):
    port = free_port()
    proc = subprocess.Popen([binary, "server", "--backend-store-uri", f"sqlite:///{db}",
                             "--default-artifact-root", root, "--port", str(port)],
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(500):
        try:
            urllib.request.urlopen(base + "/health").read()
            return proc, base
        except OSError:
            time.sleep(0.02)
    raise SystemExit("server did not start")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def call(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        payload = r.read()
    return time.perf_counter() - t0, json.loads(payload)


def fill(db, runs, points, experiments=10):
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA journal_mode=WAL")
    now = int(time.time() * 1000)
    for e in range(1, experiments + 1):
        con.execute("INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time,"
                    " last_update_time) VALUES (?, ?, ?, 'active', ?, ?)", (e, f"scale-{e}", f"/tmp/a/{e}", now, now))
    keys = ["loss", "acc"]
    steps = points // len(keys)
    ids = []
    batch_runs, batch_metrics, batch_latest, batch_params, batch_tags = [], [], [], [], []
    rnd = random.Random(7)

    def flush():
        con.executemany("INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, end_time,"
                        " artifact_uri, lifecycle_stage) VALUES (?,?,?,?,?,?,?,?, 'active')", batch_runs)
        con.executemany("INSERT INTO metrics (run_uuid, key, value, timestamp, step, is_nan) VALUES (?,?,?,?,?,0)",
                        batch_metrics)
        con.executemany("INSERT INTO latest_metrics (run_uuid, key, value, timestamp, step, is_nan)"
                        " VALUES (?,?,?,?,?,0)", batch_latest)
        con.executemany("INSERT INTO params (run_uuid, key, value) VALUES (?,?,?)", batch_params)
        con.executemany("INSERT INTO tags (run_uuid, key, value) VALUES (?,?,?)", batch_tags)
        for b in (batch_runs, batch_metrics, batch_latest, batch_params, batch_tags):
            b.clear()

    for i in range(runs):
        rid = uuid.uuid4().hex
        ids.append(rid)
        exp = 1 + i % experiments
        start = now - (runs - i) * 1000
        batch_runs.append((rid, f"run-{i}", exp, "bench", "FINISHED", start, start + 500, f"/tmp/a/{exp}/{rid}"))
        for key in keys:
            value = rnd.random()
            for step in range(steps):
                batch_metrics.append((rid, key, value * (step + 1) / steps, start + step, step))
            batch_latest.append((rid, key, value, start + steps - 1, steps - 1))
        batch_params += [(rid, "lr", str(rnd.choice([0.1, 0.01, 0.001]))), (rid, "depth", str(i % 10)),
                         (rid, "model", rnd.choice(["rf", "xgb", "mlp"]))]
        batch_tags += [(rid, "mlflow.runName", f"run-{i}"), (rid, "team", rnd.choice(["a", "b", "c"]))]
        if len(batch_runs) >= 2000:
            flush()
    flush()
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return ids


def measure(label, fn, repeat):
    times = []
    for _ in range(repeat):
        elapsed, _ = fn()
        times.append(elapsed * 1000)
    times.sort()
    return f"| {label} | {statistics.median(times):.1f} | {times[int(len(times) * 0.95) - 1]:.1f} | {times[-1]:.1f} |"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--points", type=int, default=100, help="metric rows per run")
    parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build/release/swiftrack"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="swiftrack-scale-")
    db = os.path.join(work, "scale.db")
    proc, _ = start(args.binary, db, work)  # creates and migrates the schema
    stop(proc)
    t0 = time.time()
    ids = fill(db, args.runs, args.points)
    fill_seconds = time.time() - t0
    proc, base = start(args.binary, db, work)
    try:
        rid = ids[len(ids) // 2]
        rows = [
            measure("runs/search, one experiment (10k runs), 100 newest", lambda: call(
                base, "POST", "/api/2.0/mlflow/runs/search", {"experiment_ids": ["3"], "max_results": 100}), args.repeat),
            measure("runs/search, `metrics.acc > 0.9`, order by metrics.acc DESC, 100", lambda: call(
                base, "POST", "/api/2.0/mlflow/runs/search",
                {"experiment_ids": ["3"], "filter": "metrics.acc > 0.9", "order_by": ["metrics.acc DESC"],
                 "max_results": 100}), args.repeat),
            measure("runs/search, all 10 experiments, `params.model = 'rf' and tags.team = 'a'`, 100", lambda: call(
                base, "POST", "/api/2.0/mlflow/runs/search",
                {"experiment_ids": [str(e) for e in range(1, 11)],
                 "filter": "params.model = 'rf' and tags.team = 'a'", "max_results": 100}), args.repeat),
            measure("runs/search, page 50 (offset 4900) of one experiment", lambda: call(
                base, "POST", "/api/2.0/mlflow/runs/search",
                {"experiment_ids": ["3"], "max_results": 100, "page_token": "eyJvZmZzZXQiOiA0OTAwfQ=="}), args.repeat),
            measure("metrics/get-history, one run, one key", lambda: call(
                base, "GET", f"/api/2.0/mlflow/metrics/get-history?run_id={rid}&metric_key=loss"), args.repeat),
            measure("metrics/get-history-bulk-interval, 10 runs, max_results 320", lambda: call(
                base, "GET", "/api/2.0/mlflow/metrics/get-history-bulk-interval?metric_key=loss&max_results=320&"
                + "&".join(f"run_ids={r}" for r in ids[:10])), args.repeat),
            measure("runs/get", lambda: call(base, "GET", f"/api/2.0/mlflow/runs/get?run_id={rid}"), args.repeat),
        ]
        size_mb = os.path.getsize(db) / 1e6
        print(f"{args.runs} runs, {args.runs * args.points} metric rows, database {size_mb:.0f} MB "
              f"(filled in {fill_seconds:.0f} s)\n")
        print("| query | median ms | p95 ms | max ms |\n|---|---|---|---|")
        print("\n".join(rows))
    finally:
        stop(proc)


if __name__ == "__main__":
    main()
