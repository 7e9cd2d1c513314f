"""Side-by-side benchmark: Swiftrack, `mlflow server` and FastTrackML on the same scenarios,
on SQLite and on PostgreSQL.

For each engine, each server in turn gets a fresh store (a SQLite file, or its own database of
one local PostgreSQL 15 cluster) on a free port, the same pre-filled data (sent over HTTP),
then every scenario from wrk with the Lua scripts in bench/wrk/. Medians of the repeats go
into docs/BENCHMARKS.md between the side-by-side markers, and a chart into
docs/bench-chart.png. A measurement, not a test.

    bench/.venv/bin/python bench/run.py [--quick] [--engines sqlite,postgres]
        [--servers swiftrack,mlflow,fasttrackml] [--scenarios create-run,mixed]

Modules beside it: servers (start, footprint, CPU), postgres (the cluster), prefill (the data),
wrkdriver (one wrk run), report (markdown and chart).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postgres  # noqa: E402
import prefill  # noqa: E402
import report  # noqa: E402
import suite  # noqa: E402
import wrkdriver  # noqa: E402
from servers import HERE, ROOT, VENV_BIN, Server  # noqa: E402

SERVERS = ["swiftrack", "mlflow", "fasttrackml"]
ENGINES = ["sqlite", "postgres"]

# (key, wrk script, client counts). The search comes first, right after the pre-fill (stale
# planner statistics show there), and again last. get-history at 16 clients only: each answer
# is the whole 100k-point history (~5 MB of JSON), and at 64 the slower servers queue answers
# past wrk's timeout.
SCENARIOS = [
    ("search-fresh", "search-runs", [64]),
    ("health", "health", [64]),
    ("create-run", "create-run", [64]),
    ("log-metric", "log-metric", [64]),
    ("log-batch", "log-batch", [64]),
    ("get-history", "get-history", [16]),
    ("mixed", "mixed", [64, 200]),
    ("otlp-export", "otlp-export", [16, 64]),
    ("search-traces", "search-traces", [16, 64]),
    ("search-end", "search-runs", [64]),
]
IDLE_CORES = 0.15    # below this CPU share a server counts as idle between windows
QUICK_SCENARIOS = {"search-fresh", "health", "create-run", "log-batch", "mixed", "search-end"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def git(*args):
    return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True, timeout=10).stdout.strip()


def swiftrack_version():
    """The commit measured (the release binary is assumed to be built from the work tree)."""
    return git("rev-parse", "--short", "HEAD") + (" + changes" if git("status", "--porcelain") else "")


def versions(pg_version):
    v = {"swiftrack": swiftrack_version(), "wrk": wrkdriver.version()}
    try:
        v["mlflow"] = subprocess.run([os.path.join(VENV_BIN, "python"), "-c", "import mlflow; print(mlflow.__version__)"],
                                     capture_output=True, text=True, timeout=60).stdout.strip()
        out = subprocess.run([os.path.join(VENV_BIN, "fml"), "--version"], capture_output=True, text=True,
                             timeout=10).stdout.strip()
        v["fasttrackml"] = out.split()[-1] if out else "?"
    except OSError as e:
        log(f"!! versions: {e}")
    if pg_version:
        v["postgresql"] = pg_version
    return v


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        ram_kib = int(next(line for line in f if line.startswith("MemTotal:")).split()[1])
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": ram_kib / 2**20, "kernel": platform.release(),
            "loadavg": load}


def measure(server, cluster, script, clients, duration, script_args):
    """One wrk window, with the CPU the server (and PostgreSQL) used during it."""
    _, server_cpu0 = server.usage()
    db_cpu0 = cluster.cpu_seconds() if cluster else 0.0
    r = wrkdriver.run(server.base, script, clients, duration, **script_args)
    _, server_cpu1 = server.usage()
    r["server_cores"] = (server_cpu1 - server_cpu0) / r["duration_s"]
    if cluster:
        r["db_cores"] = (cluster.cpu_seconds() - db_cpu0) / r["duration_s"]
    return r


def settle(server, cluster, limit=60.0):
    """Waits until the server (and PostgreSQL) is idle: a server may still work through the
    requests queued before wrk closed its connections, which would slow the next window.
    Returns the seconds waited (at most `limit`)."""
    def busy():
        return server.usage()[1] + (cluster.cpu_seconds() if cluster else 0.0)
    t0 = time.monotonic()
    before = busy()
    while time.monotonic() - t0 < limit:
        time.sleep(0.5)
        now = busy()
        if now - before < 0.5 * IDLE_CORES:
            break
        before = now
    return time.monotonic() - t0


def script_args(server, ids, script, clients):
    """Arguments of a scenario's script; the write scenarios get fresh runs of their own."""
    if script in ("create-run", "mixed", "otlp-export"):
        return {"experiment": ids["bench-write"]}
    if script == "search-traces":
        return {"experiment": ids["bench-traces"]}
    if script == "search-runs":
        return {"experiment": ids["bench-search"]}
    if script == "get-history":
        return {"run": ids["history-run"]}
    if script == "log-metric":
        return {"run": prefill.write_runs(server.base, ids["bench-write"], 1, "log-metric")[0]}
    if script == "log-batch":
        return {"runs": ",".join(prefill.write_runs(server.base, ids["bench-write"], clients, "log-batch"))}
    return {}


def summarize(reps):
    """Medians of the repeats (numbers), sums of the counts, the first error seen."""
    out = {}
    for k, v in reps[0].items():
        if k in ("requests", "errors", "non2xx", "timeouts", "finished", "created"):
            out[k] = sum(r.get(k, 0) for r in reps)
        elif isinstance(v, (int, float)):
            out[k] = statistics.median(r[k] for r in reps)
    out["first_error"] = next((r["first_error"] for r in reps if r.get("first_error")), "")
    out["repeats"] = len(reps)
    return out


def bench_server(name, engine, cluster, args):
    work = tempfile.mkdtemp(prefix=f"bench-{engine}-{name}-")
    store = (engine, cluster.create_database(name) if cluster else None)
    server = Server(name, work, store, args.swiftrack_bin)
    log(f"== {engine} / {name}: starting in {work}")
    server.start()
    log(f"  cold start {server.cold_start_ms:.0f} ms, idle RSS {server.idle_kib / 1024:.1f} MiB")
    out = {"server": name, "cold_start_ms": server.cold_start_ms, "idle_rss_mib": server.idle_kib / 1024, "runs": []}
    try:
        ids = prefill.prefill(server.base, args.search_runs, args.history_steps)
        out["prefill"] = ids
        log(f"  prefill: {args.search_runs} runs in {ids['fill_search_s']:.1f} s, {args.history_steps} steps in "
            f"{ids['fill_history_s']:.1f} s; search page {ids['search_hits']} runs, history "
            f"{ids['history_points']} points")
        if any(script == "search-traces" for _, script, _ in args.scenario_list):
            ids.update(prefill.prefill_traces(server.base, args.search_traces))
            log(f"  prefill: {args.search_traces} traces in {ids['fill_traces_s']:.1f} s; trace search page "
                f"{ids['trace_hits']} traces")
        for key, script, levels in args.scenario_list:
            for clients in levels:
                settled = 0.0 if key == "search-fresh" else settle(server, cluster)
                sargs = script_args(server, ids, script, clients)
                if args.warmup > 0 and key != "search-fresh":
                    wrkdriver.run(server.base, script, clients, args.warmup, **sargs)
                reps = []
                for i in range(args.repeats):
                    if i or (args.warmup > 0 and key != "search-fresh"):
                        settled = max(settled, settle(server, cluster))
                    reps.append(measure(server, cluster, script, clients, args.duration, sargs))
                row = summarize(reps)
                row.update(key=key, scenario=script, clients=clients, settled_s=settled)
                out["runs"].append(row)
                log(f"  {key:12s} c={clients:<3d} {row['rps']:9.1f} req/s  p50 {row['p50_ms']:8.2f}  p99 "
                    f"{row['p99_ms']:8.2f} ms  errors {row['errors']}  wrk {row['wrk_cores']:.2f} cores "
                    f"{row['wrk_cpu_us_per_req']:.0f} µs/req  server {row['server_cores']:.2f} cores"
                    + (f"  db {row['db_cores']:.2f}" if cluster else "")
                    + (f"  {row['finished_per_s']:.1f} runs/s" if "finished_per_s" in row else "")
                    + (f"  ({row['first_error'][:120]})" if row["first_error"] else "")
                    + (f"  [waited {settled:.1f} s for the server to go idle]" if settled > 2 else ""))
    finally:
        out["peak_rss_mib"] = server.peak_kib / 1024
        server.stop()
    log(f"  peak RSS {out['peak_rss_mib']:.1f} MiB")
    return out


def bench_engine(engine, cluster, args):
    block = {"servers": [], "failures": {}}
    for name in args.servers:
        try:
            block["servers"].append(bench_server(name, engine, cluster, args))
        except Exception as e:  # noqa: BLE001 - one peer failing must not lose the others
            log(f"!! {engine} / {name}: {e}")
            block["failures"][name] = str(e)
    return block


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 1 run of 3 s, no warm-up, fewer scenarios and a smaller pre-fill")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--servers", default=",".join(SERVERS))
    ap.add_argument("--scenarios", default="", help="keys or script names of SCENARIOS, comma-separated")
    ap.add_argument("--duration", type=float)
    ap.add_argument("--repeats", type=int)
    ap.add_argument("--warmup", type=float)
    ap.add_argument("--search-runs", type=int, help="runs pre-filled for search-runs (10,000; quick 1,000)")
    ap.add_argument("--history-steps", type=int, help="steps pre-filled for get-history (100,000; quick 10,000)")
    ap.add_argument("--search-traces", type=int, help="traces pre-filled for search-traces (100,000; quick 5,000)")
    ap.add_argument("--swiftrack-bin", default=os.path.join(ROOT, ".build", "release", "swiftrack"))
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
    args.search_runs = args.search_runs or (1_000 if args.quick else 10_000)
    args.history_steps = args.history_steps or (10_000 if args.quick else 100_000)
    args.search_traces = args.search_traces or (5_000 if args.quick else 100_000)
    args.engines = [e for e in args.engines.split(",") if e]
    args.servers = [s for s in args.servers.split(",") if s]
    wanted = set(filter(None, args.scenarios.split(","))) or (QUICK_SCENARIOS if args.quick else None)
    args.scenario_list = [s for s in SCENARIOS if wanted is None or s[0] in wanted or s[1] in wanted]
    for bad in set(args.engines) - set(ENGINES):
        ap.error(f"unknown engine {bad}")
    return args


def main():
    args = parse_args()
    path = os.path.join(args.results, "results.json")
    data = suite.saved_or_ready(path, args.from_results, args.swiftrack_bin if "swiftrack" in args.servers else None)
    if data is None:
        started = time.time()
        meta = {"started": started, "quick": args.quick, "duration": args.duration, "repeats": args.repeats,
                "warmup": args.warmup, "search_runs": args.search_runs, "history_steps": args.history_steps,
                "search_traces": args.search_traces,
                "engines": args.engines, "servers": args.servers, "note": args.note,
                "wrk_timeout_s": wrkdriver.TIMEOUT_S, "machine": machine()}
        data = {"meta": meta, "engines": {}}
        pg_version = None
        for engine in args.engines:
            if engine == "postgres":
                with postgres.Cluster() as cluster:
                    pg_version = cluster.version()
                    data["engines"][engine] = bench_engine(engine, cluster, args)
            else:
                data["engines"][engine] = bench_engine(engine, None, args)
        meta["versions"] = versions(pg_version)
        for block in data["engines"].values():
            for s in block["servers"]:
                s["version"] = meta["versions"].get(s["server"], "?")
        meta["seconds"] = time.time() - started
        with open(path, "w") as f:
            json.dump(data, f, indent=1)
        if not any(b["servers"] for b in data["engines"].values()):
            raise SystemExit("no server could be measured")
    report.write_section(args.markdown, report.markdown(data))
    report.chart(data, args.chart)
    log(f"wrote {args.markdown} and {args.chart}")


if __name__ == "__main__":
    main()
