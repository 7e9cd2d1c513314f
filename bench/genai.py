"""GenAI evaluation, Swiftrack beside `mlflow server`, in one run: for each engine and server, a
fresh store, then bench/genai_client.py (the official client) merges an evaluation dataset of
10,000 records and reads it back, and runs `mlflow.genai.evaluate` over 1,000 rows with two code
scorers (one trace per row, two feedbacks each). Seconds per step, the server's CPU seconds and
peak RSS. A measurement, not a test.

    bench/.venv/bin/python bench/genai.py [--engines sqlite,postgres] [--records 10000] [--rows 1000]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postgres  # noqa: E402
from servers import HERE, ROOT, VENV_BIN, Server  # noqa: E402


def one(name, engine, cluster, args):
    work = tempfile.mkdtemp(prefix=f"genai-{engine}-{name}-")
    server = Server(name, work, (engine, cluster.create_database(name) if cluster else None), args.swiftrack_bin)
    server.start()
    try:
        _, cpu0 = server.usage()
        done = subprocess.run([os.path.join(VENV_BIN, "python"), os.path.join(HERE, "genai_client.py"), server.base,
                               str(args.records), str(args.rows)], capture_output=True, text=True, timeout=3600)
        _, cpu1 = server.usage()
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        row = json.loads(lines[-1]) if lines else {"error": (done.stderr or done.stdout)[-500:]}
        row.update(server=name, engine=engine, server_cpu_s=cpu1 - cpu0)
    finally:
        row["peak_rss_mib"] = server.peak_kib / 1024
        server.stop()
    print(json.dumps(row), flush=True)
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", default="sqlite,postgres")
    ap.add_argument("--servers", default="swiftrack,mlflow")
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--rows", type=int, default=1_000)
    ap.add_argument("--swiftrack-bin", default=os.path.join(ROOT, ".build", "release", "swiftrack"))
    args = ap.parse_args()
    rows = []
    for engine in args.engines.split(","):
        if engine == "postgres":
            with postgres.Cluster() as cluster:
                rows += [one(name, engine, cluster, args) for name in args.servers.split(",")]
        else:
            rows += [one(name, engine, None, args) for name in args.servers.split(",")]
    print(f"| engine | server | merge {args.records:,} records s | read back s | evaluate {args.rows:,} rows s | traces "
          "| server CPU s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        fmt = lambda k: f"{r[k]:.2f}" if isinstance(r.get(k), (int, float)) else r.get("dataset_error", r.get("error", "-"))[:60]
        print(f"| {r['engine']} | {r['server']} | {fmt('merge_s')} | {fmt('read_s')} | {fmt('evaluate_s')} | "
              f"{r.get('traces', '-')} | {r['server_cpu_s']:.1f} | {r['peak_rss_mib']:.0f} |")


if __name__ == "__main__":
    main()
