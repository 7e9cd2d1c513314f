"""Runs one scenario with wrk (Debian's package) and its Lua script from bench/wrk/.

The script prints one JSON line in done(); to it this adds wrk's own CPU time (user + system
from /proc/<pid>/stat, read once wrk has exited but before it is reaped, so nothing is missed)
per request and as a share of a core.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time

from servers import HERE

SCRIPTS = os.path.join(HERE, "wrk")
THREADS = 2          # the machine's two cores
# Scripts that keep a run per connection: wrk's Lua state is per thread and its callbacks do
# not name the connection, so these get one connection per thread (-t N -c N).
ONE_CONNECTION_PER_THREAD = {"log-batch", "mixed"}
TIMEOUT_S = 10


def available():
    return shutil.which("wrk") is not None


def version():
    # `wrk -v` prints its banner and exits 1.
    out = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].split(" [")[0].removeprefix("wrk ") if first else "?"


def run(base, scenario, connections, duration, **script_args):
    """One wrk run; returns the script's JSON plus wrk_cpu_s, wrk_cpu_us_per_req, wrk_cores."""
    if script_args.get("runs") and len(script_args["runs"].split(",")) != connections:
        raise ValueError(f"{scenario}: one run per connection, {connections} wanted")
    threads = connections if scenario in ONE_CONNECTION_PER_THREAD else THREADS
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s", "--latency",
            "--timeout", f"{TIMEOUT_S}s", "-s", os.path.join(SCRIPTS, f"{scenario}.lua"), base, "--"]
    argv += [f"{k}={v}" for k, v in script_args.items()] + [f"threads={threads}"]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, text=True)
        # Wait without reaping (WNOWAIT): until proc.wait() its /proc entry keeps its final CPU times.
        deadline = time.monotonic() + duration + TIMEOUT_S + 60
        while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is None:
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise RuntimeError(f"wrk {scenario} did not finish")
            time.sleep(0.02)
        with open(f"/proc/{proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu_s = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        proc.wait()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"wrk {scenario} failed ({proc.returncode}): {(stderr or stdout)[-1500:]}")
    result = json.loads(lines[-1])
    result["wrk_cpu_s"] = cpu_s
    result["wrk_cpu_us_per_req"] = cpu_s * 1e6 / max(1, result["requests"])
    result["wrk_cores"] = cpu_s / result["duration_s"]
    return result
