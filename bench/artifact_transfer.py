"""Large-file transfer through the artifact proxy, Swiftrack beside `mlflow server`, one run:
upload (PUT) and download (GET) of the same file, throughput and the server's peak RSS
(the whole process tree for MLflow's uvicorn workers). A measurement, not a test.

    .venv/bin/python bench/artifact_transfer.py [--size-mib 1024] [--binary .build/release/swiftrack]
"""
import argparse
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import requests


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss_kib(pid):
    """RSS of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(l.split()[1]) for l in f if l.startswith("VmRSS:")), 0)
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return total


def start(name, binary, work):
    port = free_port()
    os.makedirs(work, exist_ok=True)
    if name == "swiftrack":
        cmd = [binary, "server", "--backend-store-uri", f"sqlite:///{work}/db.sqlite", "--port", str(port),
               "--artifacts-destination", f"{work}/artifacts"]
    else:
        cmd = [os.path.join(os.path.dirname(sys.executable), "mlflow"), "server", "--backend-store-uri",
               f"sqlite:///{work}/db.sqlite", "--port", str(port), "--workers", "1",
               "--artifacts-destination", f"{work}/artifacts"]
    env = dict(os.environ, MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
    proc = subprocess.Popen(cmd, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if requests.get(base + "/health", timeout=1).status_code == 200:
                return proc, base
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit(f"{name} did not start")


def measure(name, binary, source, size, expected, work):
    proc, base = start(name, binary, work)
    peak = [tree_rss_kib(proc.pid)]
    idle = peak[0]
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kib(proc.pid))
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()
    url = f"{base}/api/2.0/mlflow-artifacts/artifacts/bench/big.bin"
    try:
        t0 = time.perf_counter()
        with open(source, "rb") as f:
            assert requests.put(url, data=f, timeout=1800).status_code == 200
        up = time.perf_counter() - t0
        digest = hashlib.sha256()
        t0 = time.perf_counter()
        with requests.get(url, stream=True, timeout=1800) as r:
            assert r.status_code == 200
            for block in r.iter_content(1 << 20):
                digest.update(block)
        down = time.perf_counter() - t0
        assert digest.hexdigest() == expected, "downloaded bytes differ"
    finally:
        done.set()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    mib = size / (1 << 20)
    return (f"| {name} | {mib / up:.0f} | {mib / down:.0f} | {idle / 1024:.0f} | {peak[0] / 1024:.0f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build/release/swiftrack"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="swiftrack-transfer-")
    try:
        source = os.path.join(work, "big.bin")
        size = args.size_mib << 20
        block = os.urandom(1 << 20)
        digest = hashlib.sha256()
        with open(source, "wb") as f:
            for _ in range(args.size_mib):
                f.write(block)
                digest.update(block)
        rows = [measure(name, args.binary, source, size, digest.hexdigest(), os.path.join(work, name))
                for name in ("swiftrack", "mlflow")]
        print(f"{args.size_mib} MiB through the artifact proxy (PUT then GET, python requests client, loopback)\n")
        print("| server | upload MiB/s | download MiB/s | idle RSS MiB | peak RSS MiB |\n|---|---|---|---|---|")
        print("\n".join(rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
