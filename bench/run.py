"""Side-by-side benchmark: Swiftrack, `mlflow server` and FastTrackML on the same scenarios.

Each server in turn gets a fresh SQLite store on a free port, the same pre-filled data (sent
over HTTP), then every scenario at a fixed client count from bench/loadgen (a Swift load
generator: one thread and one keep-alive connection per client). Medians of the repeats go
into docs/BENCHMARKS.md between the side-by-side markers, and a chart into docs/bench-chart.png.
A measurement, not a test.

    bench/.venv/bin/python bench/run.py [--quick] [--servers swiftrack,mlflow,fasttrackml]
"""
import argparse
import datetime
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV_BIN = os.path.join(HERE, ".venv", "bin")
LOADGEN = os.path.join(HERE, "loadgen", ".build", "release", "loadgen")
START_MARK = "<!-- side-by-side:start -->"
END_MARK = "<!-- side-by-side:end -->"
SERVERS = ["swiftrack", "mlflow", "fasttrackml"]
SEARCH_RUNS = 10_000
HISTORY_STEPS = 100_000

# (scenario, client counts in full mode); quick mode runs 16 clients only.
SCENARIOS = [
    ("health", [16, 64]),
    ("create-run", [16, 64]),
    ("log-metric", [16, 64]),
    ("log-batch", [16, 64]),
    ("search-runs", [16, 64]),
    # 16 only: each answer is the whole 100k-point history (~5 MB of JSON); at 64 clients the
    # slower servers would queue an answer for minutes, past the run's time bound.
    ("get-history", [16]),
    ("mixed", [16, 64, 200]),
]
LABELS = {
    "health": "GET /health (client ceiling)",
    "create-run": "runs/create",
    "log-metric": "runs/log-metric",
    "log-batch": "runs/log-batch (100 metrics, 3 params, 2 tags)",
    "search-runs": "runs/search, filter + order_by, 100 of the pre-filled runs",
    "get-history": "metrics/get-history, the whole pre-filled history",
    "mixed": "mixed (create, params, 5 x 20 metrics, end)",
}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(base, method, path, body=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        payload = r.read()
    return json.loads(payload) if payload.strip().startswith(b"{") else payload


def command(name, port, work):
    """How each server is started: its default configuration, a fresh SQLite file."""
    db = os.path.join(work, "store.db")
    art = os.path.join(work, "artifacts")
    if name == "swiftrack":
        return [os.path.join(ROOT, ".build", "release", "swiftrack"), "server",
                "--backend-store-uri", f"sqlite:///{db}", "--artifacts-destination", art,
                "--host", "127.0.0.1", "--port", str(port)]
    if name == "mlflow":   # uvicorn with its default 4 workers
        return [os.path.join(VENV_BIN, "mlflow"), "server", "--backend-store-uri", f"sqlite:///{db}",
                "--artifacts-destination", art, "--host", "127.0.0.1", "--port", str(port)]
    if name == "fasttrackml":
        return [os.path.join(VENV_BIN, "fml"), "server", "--database-uri", "sqlite://store.db",
                "--default-artifact-root", art, "--listen-address", f"127.0.0.1:{port}"]
    raise ValueError(name)


def version(name):
    try:
        if name == "swiftrack":
            out = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, timeout=10).stdout.strip()
            return f"git {out} + working tree, release build"
        if name == "mlflow":
            out = subprocess.run([os.path.join(VENV_BIN, "python"), "-c", "import mlflow; print(mlflow.__version__)"],
                                 capture_output=True, text=True, timeout=60).stdout.strip()
            return out
        if name == "fasttrackml":
            out = subprocess.run([os.path.join(VENV_BIN, "fml"), "--version"], capture_output=True, text=True,
                                 timeout=10).stdout.strip()
            return out.split()[-1] if out else "?"
    except Exception as e:  # noqa: BLE001 - a missing version is not fatal
        return f"? ({e})"


def tree_rss_kib(pgid):
    """RSS of every process in the server's process group (the server and its workers)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:
                continue
            with open(f"/proc/{entry}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total


class Server:
    def __init__(self, name, work):
        self.name, self.work = name, work
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.peak_kib = 0
        self._stop_sampler = threading.Event()

    def start(self, timeout=120):
        os.makedirs(self.work, exist_ok=True)
        env = dict(os.environ, MLFLOW_DISABLE_TELEMETRY="true", DO_NOT_TRACK="true")
        self.logfile = open(os.path.join(self.work, "server.log"), "wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(command(self.name, self.port, self.work), cwd=self.work, env=env,
                                     stdout=self.logfile, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = t0 + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.work}/server.log")
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not answer /health within {timeout} s")
            time.sleep(0.01)
        self.cold_start_ms = (time.perf_counter() - t0) * 1000
        threading.Thread(target=self._sample, daemon=True).start()
        time.sleep(3)   # let workers settle before the idle reading
        self.idle_kib = tree_rss_kib(self.proc.pid)

    def _sample(self):
        while not self._stop_sampler.wait(0.2):
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.proc.pid))

    def stop(self):
        self._stop_sampler.set()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        self.logfile.close()


def loadgen(base, scenario, clients, duration=0.0, total=0, experiment_id="0", run_id="", timeout=60):
    args = [LOADGEN, "--url", base, "--scenario", scenario, "--clients", str(clients),
            "--experiment-id", str(experiment_id), "--timeout", str(timeout)]
    if total:
        args += ["--total", str(total)]
    else:
        args += ["--duration", str(duration)]
    if run_id:
        args += ["--run-id", run_id]
    # Bounded: the window, then at most one request timeout for the last answers, plus setup;
    # a fill gets 0.25 s per item (MLflow on a busy 2-core machine writes ~25 requests/s).
    limit = (duration or 0.25 * total) + timeout + 90
    out = subprocess.run(args, capture_output=True, text=True, timeout=limit)
    if out.returncode != 0:
        raise RuntimeError(f"loadgen {scenario} failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def prefill(server, search_runs, history_steps):
    """The same data for every server: experiments, 10k searchable runs, one 100k-step history."""
    ids = {}
    for name in ("bench-write", "bench-search", "bench-history"):
        ids[name] = http(server.base, "POST", "/api/2.0/mlflow/experiments/create", {"name": name})["experiment_id"]
    run = http(server.base, "POST", "/api/2.0/mlflow/runs/create",
               {"experiment_id": ids["bench-history"], "start_time": 1_700_000_000_000, "run_name": "history"})
    ids["history-run"] = run["run"]["info"]["run_id"]
    t0 = time.perf_counter()
    fill = loadgen(server.base, "fill-search", 8, total=search_runs, experiment_id=ids["bench-search"])
    t1 = time.perf_counter()
    hist = loadgen(server.base, "fill-history", 4, total=history_steps // 1000, run_id=ids["history-run"])
    t2 = time.perf_counter()
    for what, res in (("fill-search", fill), ("fill-history", hist)):
        if res["errors"]:
            raise RuntimeError(f"{server.name} {what}: {res['errors']} errors, first: {res['first_error']}")
    # Check the fill is what the scenarios expect (same answer shape on every server).
    found = http(server.base, "POST", "/api/2.0/mlflow/runs/search",
                 {"experiment_ids": [ids["bench-search"]], "filter": "metrics.acc > 0.5 and params.model = 'rf'",
                  "order_by": ["metrics.acc DESC"], "max_results": 100})
    history = http(server.base, "GET", "/api/2.0/mlflow/metrics/get-history?run_id="
                   f"{ids['history-run']}&metric_key=loss", timeout=120)
    ids["fill_search_s"] = t1 - t0
    ids["fill_history_s"] = t2 - t1
    ids["search_hits"] = len(found.get("runs", []))
    ids["history_points"] = len(history.get("metrics", []))
    log(f"  prefill: {search_runs} runs in {t1 - t0:.1f} s, {history_steps} steps in {t2 - t1:.1f} s; "
        f"search page {ids['search_hits']} runs, history {ids['history_points']} points")
    return ids


def bench_server(name, args, results_dir):
    work = tempfile.mkdtemp(prefix=f"bench-{name}-")
    server = Server(name, work)
    log(f"== {name}: starting in {work}")
    server.start()
    log(f"  cold start {server.cold_start_ms:.0f} ms, idle RSS {server.idle_kib / 1024:.1f} MiB")
    out = {"server": name, "version": version(name), "cold_start_ms": server.cold_start_ms,
           "idle_rss_mib": server.idle_kib / 1024, "runs": []}
    try:
        ids = prefill(server, args.search_runs, args.history_steps)
        out["prefill"] = ids
        for scenario, levels in SCENARIOS:
            for clients in ([16] if args.quick else levels):
                exp = {"search-runs": ids["bench-search"]}.get(scenario, ids["bench-write"])
                run_id = ids["history-run"] if scenario == "get-history" else ""
                if args.warmup > 0:
                    loadgen(server.base, scenario, clients, duration=args.warmup, experiment_id=exp, run_id=run_id)
                reps = []
                for _ in range(args.repeats):
                    r = loadgen(server.base, scenario, clients, duration=args.duration, experiment_id=exp,
                                run_id=run_id)
                    reps.append(r)
                    time.sleep(0.5)
                summary = summarize(reps)
                summary.update(scenario=scenario, clients=clients)
                out["runs"].append(summary)
                log(f"  {scenario:12s} c={clients:<3d} {summary['rps']:9.1f} req/s  p50 {summary['p50_ms']:8.2f}"
                    f"  p95 {summary['p95_ms']:8.2f}  p99 {summary['p99_ms']:8.2f} ms  errors {summary['errors']}"
                    + (f"  ({summary['first_error'][:120]})" if summary["first_error"] else ""))
    finally:
        out["peak_rss_mib"] = server.peak_kib / 1024
        server.stop()
        with open(os.path.join(results_dir, f"{name}.json"), "w") as f:
            json.dump(out, f, indent=1)
    log(f"  peak RSS {out['peak_rss_mib']:.1f} MiB")
    return out


def summarize(reps):
    med = lambda k: statistics.median(r[k] for r in reps)  # noqa: E731
    return {"rps": med("rps"), "p50_ms": med("p50_ms"), "p95_ms": med("p95_ms"), "p99_ms": med("p99_ms"),
            "errors": sum(r["errors"] for r in reps), "requests": sum(r["requests"] for r in reps),
            "workflows_per_s": med("workflows_per_s"), "client_cpu_us_per_req": med("client_cpu_us_per_req"),
            "bytes_in_per_req": med("bytes_in_per_req"), "repeats": len(reps),
            "first_error": next((r["first_error"] for r in reps if r["first_error"]), None)}


def fmt_rps(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def fmt_ms(x):
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def markdown(results, failures, args, seconds):
    names = [r["server"] for r in results]
    by = {r["server"]: {(x["scenario"], x["clients"]): x for x in r["runs"]} for r in results}
    keys = []
    for scenario, levels in SCENARIOS:
        for c in ([16] if args.quick else levels):
            keys.append((scenario, c))
    today = datetime.date.today().isoformat()
    mode = (f"quick mode: {args.repeats} run of {args.duration:g} s per scenario, 16 clients" if args.quick else
            f"{args.repeats} runs of {args.duration:g} s per scenario (medians), after a {args.warmup:g} s warm-up")
    L = [START_MARK, "", f"## Side by side ({today})", "",
         f"`make bench` (`bench/run.py`, {mode}; the whole suite took {seconds / 60:.0f} min). "
         "Each server ran alone, in its default configuration, on a fresh SQLite store on loopback, "
         f"pre-filled over HTTP with the same data ({args.search_runs:,} runs with 2 metrics, 3 params and a tag "
         f"for the search; one run with a {args.history_steps:,}-step metric for the history). The load comes from "
         "`bench/loadgen` (Swift, one thread and one keep-alive HTTP/1.1 connection per client, closed loop: "
         "each client sends its next request when the answer to the previous one arrived). Latencies are "
         "per request in ms. **The machine has 2 cores shared by the server, the load generator and, at the "
         "time, possibly other processes compiling; read ratios, not absolute numbers.**" +
         (f" {args.note}" if args.note else ""), ""]
    L += ["| server | version | cold start to first answer | idle RSS | peak RSS (process tree) | "
          f"pre-fill {args.search_runs:,} runs | pre-fill {args.history_steps:,} steps |", "|---|---|---|---|---|---|---|"]
    for r in results:
        p = r.get("prefill", {})
        L.append(f"| {r['server']} | {r['version']} | {r['cold_start_ms']:.0f} ms | {r['idle_rss_mib']:.0f} MiB | "
                 f"{r['peak_rss_mib']:.0f} MiB | {p.get('fill_search_s', float('nan')):.1f} s | "
                 f"{p.get('fill_history_s', float('nan')):.1f} s |")
    L += ["", "Requests per second (median of the repeats; higher is better):", "",
          "| scenario | clients | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for k in keys:
        cells = []
        for n in names:
            x = by[n].get(k)
            cells.append("—" if x is None else fmt_rps(x["rps"]) + (" ⚠" if x["errors"] else ""))
        L.append(f"| {LABELS[k[0]]} | {k[1]} | " + " | ".join(cells) + " |")
    L += ["", "Latency p50 / p95 / p99 in ms (lower is better):", "",
          "| scenario | clients | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for k in keys:
        cells = []
        for n in names:
            x = by[n].get(k)
            cells.append("—" if x is None else f"{fmt_ms(x['p50_ms'])} / {fmt_ms(x['p95_ms'])} / {fmt_ms(x['p99_ms'])}")
        L.append(f"| {LABELS[k[0]]} | {k[1]} | " + " | ".join(cells) + " |")
    mixed = [(n, by[n].get(k)) for n in names for k in keys if k[0] == "mixed" and by[n].get(k)]
    if mixed:
        L += ["", "Mixed workload in tracked runs per second (each run: create, 1 params batch, "
              "5 metric batches of 20, end = 8 requests, so req/s ÷ 8): " +
              "; ".join(f"{n} {x['rps'] / 8:.1f} at {x['clients']} clients" for n, x in mixed) + "."]
    errs = [(n, k, by[n][k]) for n in names for k in keys if by[n].get(k) and by[n][k]["errors"]]
    if errs:
        L += ["", "⚠ failed requests (a non-2xx answer, counted in the latencies; or no answer within the "
              "client's 60 s timeout, not counted in them):", ""]
        for n, k, x in errs:
            L.append(f"- {n}, {k[0]} at {k[1]} clients: {x['errors']} failed, {x['requests']} answered; first: "
                     f"`{(x['first_error'] or '')[:200]}`")
    # The client's own ceiling.
    ceil = [(n, by[n].get(("health", 16)), by[n].get(("health", 64))) for n in names]
    best = max((x["rps"] for _, a, b in ceil for x in (a, b) if x), default=0)
    cpu = [x["client_cpu_us_per_req"] for _, a, b in ceil for x in (a, b) if x]
    L += ["", f"**Client ceiling.** Against `/health` the load generator completed up to {fmt_rps(best)} req/s "
          f"while sharing the 2 cores with the server; it spends about {statistics.median(cpu) if cpu else 0:.0f} µs "
          "of CPU per request (user + system, mostly the socket calls), so alone it would saturate one core near "
          f"{1e6 / statistics.median(cpu) if cpu else 0:,.0f} req/s. Every API scenario above runs well below that, "
          "so the servers, not the client, set those numbers (the client's CPU per request rises with request "
          "size: ~0.3 ms to build a 100-metric batch)."]
    if failures:
        L += ["", "Servers that could not be measured in this run:", ""]
        for n, why in failures.items():
            L.append(f"- {n}: `{why[:300]}`")
    L += ["", "Notes: MLflow runs `mlflow server` (uvicorn, its default 4 worker processes; RSS is the sum of the "
          "process tree; its cold start includes the Python imports and creating the fresh SQLite schema with "
          "its migrations). FastTrackML is the `fml` binary from the `fasttrackml` PyPI wheel (installed with "
          "`--no-deps`: the wheel pins `mlflow<3` for its Python helpers, which the server does not need), "
          "with its default info-level request log. `runs/search` uses "
          "`metrics.acc > 0.5 and params.model = 'rf'`, `order_by metrics.acc DESC`, 100 per page; get-history "
          "returns the whole history in one answer. In the write scenarios each client writes to its "
          "own run. Raw JSON per server: `bench/results/` (not committed).", "",
          "![requests per second, side by side](bench-chart.png)", "", END_MARK]
    return "\n".join(L) + "\n"


def write_section(path, section):
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    if START_MARK in text and END_MARK in text:
        before = text.split(START_MARK)[0]
        after = text.split(END_MARK, 1)[1]
        text = before + section.rstrip("\n") + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as f:
        f.write(text)


def chart(results, args, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = [r["server"] for r in results]
    keys = [(s, c) for s, levels in SCENARIOS if s != "health" for c in ([16] if args.quick else levels)]
    by = {r["server"]: {(x["scenario"], x["clients"]): x for x in r["runs"]} for r in results}
    fig, ax = plt.subplots(figsize=(max(8, len(keys) * 0.9), 4.8))
    width = 0.8 / max(1, len(names))
    colors = {"swiftrack": "#f05138", "mlflow": "#0194e2", "fasttrackml": "#2e9e5b"}
    for i, n in enumerate(names):
        ys = [by[n].get(k, {}).get("rps", 0) for k in keys]
        ax.bar([j + i * width for j in range(len(keys))], ys, width, label=n, color=colors.get(n))
    ax.set_xticks([j + width * (len(names) - 1) / 2 for j in range(len(keys))])
    ax.set_xticklabels([f"{s}\n{c} clients" for s, c in keys], fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel("requests/s (log scale, higher is better)")
    ax.set_title(f"Swiftrack vs MLflow vs FastTrackML, SQLite, 2 cores ({datetime.date.today().isoformat()})")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="1 run of 3 s per scenario, 16 clients only")
    ap.add_argument("--servers", default=",".join(SERVERS))
    ap.add_argument("--duration", type=float)
    ap.add_argument("--repeats", type=int)
    ap.add_argument("--warmup", type=float)
    ap.add_argument("--search-runs", type=int, default=SEARCH_RUNS, help="runs pre-filled for search-runs")
    ap.add_argument("--history-steps", type=int, default=HISTORY_STEPS, help="steps pre-filled for get-history")
    ap.add_argument("--note", default="", help="a sentence added to the section's introduction")
    ap.add_argument("--from-results", action="store_true",
                    help="measure nothing: rewrite the section and chart from --results")
    ap.add_argument("--markdown", default=os.path.join(ROOT, "docs", "BENCHMARKS.md"))
    ap.add_argument("--chart", default=os.path.join(ROOT, "docs", "bench-chart.png"))
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    args.duration = args.duration or (3.0 if args.quick else 10.0)
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.warmup = args.warmup if args.warmup is not None else (0.0 if args.quick else 2.0)
    meta_path = os.path.join(args.results, "meta.json")
    if args.from_results:
        with open(meta_path) as f:
            meta = json.load(f)
        for k in ("quick", "duration", "repeats", "warmup", "search_runs", "history_steps"):
            setattr(args, k, meta[k])
        results = []
        for name in meta["servers"]:
            path = os.path.join(args.results, f"{name}.json")
            if os.path.exists(path) and name not in meta["failures"]:
                with open(path) as f:
                    results.append(json.load(f))
        write_section(args.markdown, markdown(results, meta["failures"], args, meta["seconds"]))
        chart(results, args, args.chart)
        log(f"rewrote {args.markdown} and {args.chart} from {args.results}")
        return
    if not os.path.exists(LOADGEN):
        raise SystemExit(f"{LOADGEN} missing: swift build -c release --package-path bench/loadgen")
    os.makedirs(args.results, exist_ok=True)
    t0 = time.time()
    results, failures = [], {}
    for name in args.servers.split(","):
        try:
            results.append(bench_server(name, args, args.results))
        except Exception as e:  # noqa: BLE001 - one peer failing must not lose the others
            log(f"!! {name}: {e}")
            failures[name] = str(e)
    if not results:
        raise SystemExit("no server could be measured")
    with open(meta_path, "w") as f:
        json.dump({"quick": args.quick, "duration": args.duration, "repeats": args.repeats, "warmup": args.warmup,
                   "search_runs": args.search_runs, "history_steps": args.history_steps,
                   "seconds": time.time() - t0, "servers": args.servers.split(","), "failures": failures}, f)
    write_section(args.markdown, markdown(results, failures, args, time.time() - t0))
    chart(results, args, args.chart)
    log(f"wrote {args.markdown} and {args.chart} in {(time.time() - t0) / 60:.1f} min")


if __name__ == "__main__":
    main()
