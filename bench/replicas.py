"""Swiftrack replicas behind nginx on one PostgreSQL database: 1, 2, then 3 replicas, the same
scenarios through the proxy each time, and who used the CPU in every window (each replica,
nginx, PostgreSQL, wrk), so the reader sees which one saturates. A measurement, not a test.

    bench/.venv/bin/python bench/replicas.py [--replicas 1,2,3] [--duration 15]
        [--scenarios create-run,mixed] [--swiftrack-bin PATH] [--from-results]

One fresh database of the bench cluster (postgres.Cluster) serves every level; each level starts
its replicas (release binary, default --workers and pool) and one nginx (bench/nginx.py: plain
HTTP, least_conn, kept-alive upstream connections), pre-fills the search data through the proxy
the first time, runs every scenario with wrk, then stops them. Results: bench/results/replicas.json
and the part of docs/BENCHMARKS.md between the replicas markers (replicas_report.py).
"""
import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nginx  # noqa: E402
import postgres  # noqa: E402
import prefill  # noqa: E402
import replicas_report  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402
import suite  # noqa: E402
import wrkdriver  # noqa: E402
from servers import HERE, ROOT, Server, free_port, group_usage, machine_busy_seconds  # noqa: E402

# (key, wrk script). health is the proxy path's own ceiling (nginx and the replicas' cheapest
# answer): an API scenario far below it is limited by the replicas or the database, not nginx.
SCENARIOS = [("health", "health"), ("create-run", "create-run"), ("log-batch", "log-batch"),
             ("mixed", "mixed"), ("search-runs", "search-runs")]
CLIENTS = 64
log = run.log


class Level:
    """N replicas and the nginx in front of them; usage() is (RSS, CPU) of all of them, for
    run.settle()."""

    def __init__(self, count, cluster, database, work, args):
        self.replicas = [Server("swiftrack", os.path.join(work, f"replica-{i}"), ("postgres", database),
                                args.swiftrack_bin) for i in range(count)]
        self.proxy = nginx.Proxy(os.path.join(work, "nginx"), free_port(), [r.port for r in self.replicas],
                                 args.balance)
        self.base = self.proxy.base
        self.cluster = cluster

    def start(self):
        # One after another: the first applies the migrations, the others find them done.
        for r in self.replicas:
            r.start()
        self.proxy.start()
        return self

    def stop(self):
        self.proxy.stop()
        for r in self.replicas:
            if hasattr(r, "proc"):
                r.stop()

    def cpu(self):
        """CPU seconds so far: each replica's process group, nginx's, the PostgreSQL cluster's."""
        return {"replicas": [r.usage()[1] for r in self.replicas],
                "nginx": group_usage(self.proxy.proc.pid)[1],
                "db": self.cluster.cpu_seconds(),
                "machine": machine_busy_seconds()}

    def usage(self):
        c = self.cpu()
        return 0, sum(c["replicas"]) + c["nginx"]


def measure(level, script, duration, script_args):
    """One wrk window through nginx, with the cores each process used during it."""
    before, t0 = level.cpu(), time.monotonic()
    r = wrkdriver.run(level.base, script, CLIENTS, duration, **script_args)
    after, t1 = level.cpu(), time.monotonic()
    # Every share over the same wall time around wrk (its start and exit included), so that the
    # columns add up and compare with the machine's: a share of wrk's own window would overstate
    # the processes that also work while wrk starts its threads.
    seconds = r["wall_s"] = t1 - t0
    r["cpu_s"] = {"wrk": r["wrk_cpu_s"], "nginx": after["nginx"] - before["nginx"], "db": after["db"] - before["db"],
                  "replicas": [b - a for a, b in zip(before["replicas"], after["replicas"])],
                  "machine": after["machine"] - before["machine"]}
    r["wrk_cores"] = r["wrk_cpu_s"] / seconds
    r["replica_cores"] = [(b - a) / seconds for a, b in zip(before["replicas"], after["replicas"])]
    r["nginx_cores"] = (after["nginx"] - before["nginx"]) / seconds
    r["db_cores"] = (after["db"] - before["db"]) / seconds
    r["machine_cores"] = (after["machine"] - before["machine"]) / seconds
    return r


def script_args(level, ids, script):
    if script in ("create-run", "mixed"):
        return {"experiment": ids["bench-write"]}
    if script == "search-runs":
        return {"experiment": ids["bench-search"]}
    if script == "log-batch":
        return {"runs": ",".join(prefill.write_runs(level.base, ids["bench-write"], CLIENTS, "log-batch"))}
    return {}


def bench_level(count, cluster, database, ids, args):
    work = tempfile.mkdtemp(prefix=f"bench-replicas-{count}-")
    log(f"== {count} replica(s) behind nginx, in {work}")
    level = Level(count, cluster, database, work, args)
    out = {"replicas": count, "runs": []}
    try:
        level.start()
        out["idle_rss_mib"] = [r.idle_kib / 1024 for r in level.replicas]
        if not ids:
            ids.update(prefill.prefill(level.base, args.search_runs, 1000))
            log(f"  prefill: {args.search_runs} runs in {ids['fill_search_s']:.1f} s through nginx")
        for key, script in args.scenario_list:
            settled = run.settle(level, cluster)
            sargs = script_args(level, ids, script)
            if args.warmup > 0:
                wrkdriver.run(level.base, script, CLIENTS, args.warmup, **sargs)
                settled = max(settled, run.settle(level, cluster))
            row = measure(level, script, args.duration, sargs)
            row.update(key=key, clients=CLIENTS, settled_s=settled)
            out["runs"].append(row)
            log(f"  {key:12s} {row['rps']:9.1f} req/s  p50 {row['p50_ms']:7.2f}  p99 {row['p99_ms']:7.2f} ms  "
                f"errors {row['errors']}  cores: wrk {row['wrk_cores']:.2f} nginx {row['nginx_cores']:.2f} "
                f"replicas {'+'.join(f'{c:.2f}' for c in row['replica_cores'])} db {row['db_cores']:.2f}"
                + (f"  ({row['first_error'][:120]})" if row["first_error"] else ""))
    finally:
        out["peak_rss_mib"] = [r.peak_kib / 1024 for r in level.replicas]
        level.stop()
    return out


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicas", default="1,2,3", help="replica counts, in order")
    ap.add_argument("--scenarios", default="", help="keys of SCENARIOS, comma-separated")
    ap.add_argument("--duration", type=float, default=15.0, help="seconds of each wrk window")
    ap.add_argument("--warmup", type=float, default=2.0, help="seconds of wrk before each window (0: none)")
    ap.add_argument("--search-runs", type=int, default=1_000, help="runs pre-filled for search-runs")
    ap.add_argument("--balance", choices=["least_conn", "round_robin"], default="least_conn")
    ap.add_argument("--swiftrack-bin", default=os.path.join(ROOT, ".build", "release", "swiftrack"))
    ap.add_argument("--note", default="", help="a sentence added to the section's introduction")
    ap.add_argument("--from-results", action="store_true",
                    help="measure nothing: rewrite the section from --results")
    ap.add_argument("--markdown", default=os.path.join(ROOT, "docs", "BENCHMARKS.md"))
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    args.counts = [int(n) for n in args.replicas.split(",") if n]
    wanted = set(filter(None, args.scenarios.split(",")))
    args.scenario_list = [s for s in SCENARIOS if not wanted or s[0] in wanted]
    if not args.counts or min(args.counts) < 1:
        ap.error("--replicas: counts of at least 1")
    if wanted - {k for k, _ in SCENARIOS}:
        ap.error(f"unknown scenarios {sorted(wanted - {k for k, _ in SCENARIOS})}")
    return args


def main():
    args = parse_args()
    path = os.path.join(args.results, "replicas.json")
    data = suite.saved_or_ready(path, args.from_results, args.swiftrack_bin)
    if data is None:
        started = time.time()
        meta = {"started": started, "duration": args.duration, "warmup": args.warmup, "clients": CLIENTS,
                "search_runs": args.search_runs, "balance": args.balance, "counts": args.counts,
                "note": args.note, "wrk_timeout_s": wrkdriver.TIMEOUT_S, "machine": run.machine()}
        data = {"meta": meta, "levels": []}
        with postgres.Cluster() as cluster:
            database = cluster.create_database("replicas")
            ids = {}
            for count in args.counts:
                try:
                    data["levels"].append(bench_level(count, cluster, database, ids, args))
                except Exception as e:  # noqa: BLE001 - one level failing must not lose the others
                    log(f"!! {count} replica(s): {e}")
                    data.setdefault("failures", {})[str(count)] = str(e)
            meta["versions"] = {"swiftrack": run.swiftrack_version(), "wrk": wrkdriver.version(),
                                "nginx": nginx.version(), "postgresql": cluster.version()}
        meta["prefill"] = ids
        meta["seconds"] = time.time() - started
        with open(path, "w") as f:
            json.dump(data, f, indent=1)
        if not data["levels"]:
            raise SystemExit("no replica count could be measured")
    report.write_section(args.markdown, replicas_report.markdown(data), replicas_report.START_MARK,
                         replicas_report.END_MARK)
    log(f"wrote {args.markdown}")


if __name__ == "__main__":
    main()
