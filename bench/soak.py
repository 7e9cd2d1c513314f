"""Soak: one Swiftrack release server under the mixed workload at 64 connections for an hour,
wrk run in consecutive one-minute windows so that every minute has its own req/s, p50/p99 and
errors; each minute also the server's RSS (its process group; sampled every 5 s, the minute's
maximum kept), its CPU, and the store's size (the SQLite file and its WAL, or the PostgreSQL
database). A measurement, not a test: it shows whether memory and latency stay flat.

    bench/.venv/bin/python bench/soak.py [--minutes 60] [--engine sqlite|postgres]
        [--swiftrack-bin PATH] [--from-results]

Results: bench/results/soak.json (rewritten after every minute, so a run cut short keeps what it
measured), docs/soak-chart.png and the part of docs/BENCHMARKS.md between the soak markers
(soak_report.py).
"""
import argparse
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postgres  # noqa: E402
import prefill  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402
import soak_report  # noqa: E402
import suite  # noqa: E402
import wrkdriver  # noqa: E402
from servers import HERE, ROOT, Server, group_rss_anon  # noqa: E402

RSS_EVERY_S = 5
log = run.log


class RssSampler:
    """The server's RSS every RSS_EVERY_S seconds, as (monotonic time, KiB)."""

    def __init__(self, server):
        self.server, self.samples = server, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(RSS_EVERY_S):
            self.samples.append((time.monotonic(), self.server.usage()[0]))

    def max_between(self, t0, t1):
        return max((kib for t, kib in self.samples if t0 <= t <= t1), default=0)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=RSS_EVERY_S + 1)


def file_mib(path):
    try:
        return os.path.getsize(path) / 2**20
    except FileNotFoundError:   # no WAL yet, or just checkpointed and truncated
        return 0.0


def store_sizes(server, cluster, database):
    """The store's size now: the SQLite file and its WAL, or the PostgreSQL database."""
    if cluster:
        name = database.rsplit("/", 1)[1]
        return {"db_mib": int(cluster.psql(f"SELECT pg_database_size('{name}')")) / 2**20}
    path = os.path.join(server.work, "store.db")
    return {"db_mib": file_mib(path), "wal_mib": file_mib(path + "-wal")}


def soak(cluster, args, data, path):
    work = tempfile.mkdtemp(prefix=f"bench-soak-{args.engine}-")
    database = cluster.create_database("soak") if cluster else None
    server = Server("swiftrack", work, (args.engine, database), args.swiftrack_bin)
    log(f"== soak on {args.engine}: {args.minutes} windows of {args.window:g} s, {args.clients} connections, in {work}")
    server.start()
    data["idle_rss_mib"] = server.idle_kib / 1024
    sampler = RssSampler(server).start()
    try:
        experiment = prefill.create_experiment(prefill.Client(server.base), "soak")
        for minute in range(1, args.minutes + 1):
            cpu0, db0, t0 = server.usage()[1], cluster.cpu_seconds() if cluster else 0.0, time.monotonic()
            r = wrkdriver.run(server.base, "mixed", args.clients, args.window, experiment=experiment)
            rss_now, cpu1 = server.usage()
            t1 = time.monotonic()
            wall = t1 - t0
            row = {k: r[k] for k in ("requests", "errors", "non2xx", "timeouts", "rps", "finished_per_s", "p50_ms",
                                     "p90_ms", "p99_ms", "max_ms", "duration_s", "first_error") if k in r}
            row.update(minute=minute, wall_s=wall, rss_mib=rss_now / 1024,
                       rss_anon_mib=group_rss_anon(server.proc.pid) / 1024,
                       rss_max_mib=max(rss_now, sampler.max_between(t0, t1)) / 1024,
                       server_cores=(cpu1 - cpu0) / wall, wrk_cores=r["wrk_cpu_s"] / wall,
                       **store_sizes(server, cluster, database))
            if cluster:
                row["db_cores"] = (cluster.cpu_seconds() - db0) / wall
            data["minutes"].append(row)
            with open(path, "w") as f:   # after every minute: a run cut short keeps what it measured
                json.dump(data, f, indent=1)
            log(f"  min {minute:3d} {row['rps']:8.1f} req/s  p50 {row['p50_ms']:7.2f}  p99 {row['p99_ms']:7.2f} ms  "
                f"errors {row['errors']}  RSS {row['rss_max_mib']:.1f} MiB (anon {row['rss_anon_mib']:.1f})  server {row['server_cores']:.2f} cores  "
                f"store {row['db_mib']:.1f}" + (f" + WAL {row['wal_mib']:.1f}" if "wal_mib" in row else "") + " MiB"
                + (f"  ({row['first_error'][:120]})" if row["first_error"] else ""))
    finally:
        sampler.stop()
        data["peak_rss_mib"] = server.peak_kib / 1024
        server.stop()


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=int, default=60, help="one-minute windows of load")
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--window", type=float, default=60.0, help="seconds of each wrk window (one minute)")
    ap.add_argument("--swiftrack-bin", default=os.path.join(ROOT, ".build", "release", "swiftrack"))
    ap.add_argument("--note", default="", help="a sentence added to the section's introduction")
    ap.add_argument("--from-results", action="store_true",
                    help="measure nothing: rewrite the section and chart from --results")
    ap.add_argument("--markdown", default=os.path.join(ROOT, "docs", "BENCHMARKS.md"))
    ap.add_argument("--chart", default=os.path.join(ROOT, "docs", "soak-chart.png"))
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    if args.minutes < 1 or args.clients < 1 or args.window <= 0:
        ap.error("--minutes, --clients and --window must be positive")
    return args


def main():
    args = parse_args()
    path = os.path.join(args.results, "soak.json")
    data = suite.saved_or_ready(path, args.from_results, args.swiftrack_bin)
    if data is None:
        started = time.time()
        versions = {"swiftrack": run.swiftrack_version(), "wrk": wrkdriver.version()}
        meta = {"started": started, "engine": args.engine, "minutes": args.minutes, "clients": args.clients,
                "window_s": args.window, "rss_every_s": RSS_EVERY_S, "note": args.note,
                "wrk_timeout_s": wrkdriver.TIMEOUT_S, "machine": run.machine(), "versions": versions}
        data = {"meta": meta, "minutes": []}
        try:
            if args.engine == "postgres":
                with postgres.Cluster() as cluster:
                    versions["postgresql"] = cluster.version()
                    soak(cluster, args, data, path)
            else:
                soak(None, args, data, path)
        finally:
            meta["seconds"] = time.time() - started
            with open(path, "w") as f:
                json.dump(data, f, indent=1)
    if not data["minutes"]:
        raise SystemExit("no minute was measured")
    report.write_section(args.markdown, soak_report.markdown(data), soak_report.START_MARK, soak_report.END_MARK)
    soak_report.chart(data, args.chart)
    log(f"wrote {args.markdown} and {args.chart}")


if __name__ == "__main__":
    main()
