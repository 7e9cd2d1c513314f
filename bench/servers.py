"""The servers under test: how each is started on a store, its footprint, its CPU time.

Each server runs in its own process group (start_new_session) so its RSS and CPU are those of
the whole tree: `mlflow server` is uvicorn with several worker processes.
"""
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV_BIN = os.path.join(HERE, ".venv", "bin")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(name, port, work, store, swiftrack_bin):
    """The command line of each server in its default configuration, on `store`: either
    ("sqlite", None) for a fresh file in `work`, or ("postgres", "user:pass@host:port/db")."""
    engine, pg = store
    art = os.path.join(work, "artifacts")
    # TLS off on the loopback database connection, the same for the three servers (each
    # client library would otherwise use its own default, libpq's and pgx's `prefer`).
    if name == "swiftrack":
        uri = f"sqlite:///{work}/store.db" if engine == "sqlite" else f"postgresql://{pg}?sslmode=disable"
        return [swiftrack_bin, "server", "--backend-store-uri", uri, "--artifacts-destination", art,
                "--host", "127.0.0.1", "--port", str(port)]
    if name == "mlflow":   # uvicorn with its default worker count
        uri = f"sqlite:///{work}/store.db" if engine == "sqlite" else f"postgresql+psycopg2://{pg}?sslmode=disable"
        return [os.path.join(VENV_BIN, "mlflow"), "server", "--backend-store-uri", uri,
                "--artifacts-destination", art, "--host", "127.0.0.1", "--port", str(port)]
    if name == "fasttrackml":
        uri = "sqlite://store.db" if engine == "sqlite" else f"postgres://{pg}?sslmode=disable"
        return [os.path.join(VENV_BIN, "fml"), "server", "--database-uri", uri,
                "--default-artifact-root", art, "--listen-address", f"127.0.0.1:{port}"]
    raise ValueError(name)


def _stat_fields(pid):
    """Fields of /proc/PID/stat after the command name (which may hold spaces)."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def _cpu(fields):
    """user + system CPU seconds of a process (its threads included) and of its children that
    exited and were waited for: a database's backends or a server's workers may come and go."""
    return sum(int(x) for x in fields[11:15]) / CLOCK_TICKS


def _processes():
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                yield int(entry), _stat_fields(entry)
            except (OSError, IndexError):
                continue


def group_usage(pgid):
    """(RSS KiB, CPU seconds) summed over the processes of a process group."""
    rss, cpu = 0, 0.0
    for pid, fields in _processes():
        if int(fields[2]) != pgid:
            continue
        try:
            cpu += _cpu(fields)
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return rss, cpu


def group_rss_anon(pgid):
    """KiB of anonymous memory (heap, stacks) resident in a process group: its RSS without the
    file pages it maps (a SQLite database read through mmap counts in RSS up to the map's size)."""
    total = 0
    for pid, fields in _processes():
        if int(fields[2]) != pgid:
            continue
        try:
            with open(f"/proc/{pid}/status") as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("RssAnon:"))
        except (OSError, ValueError):
            continue
    return total


def children_cpu(parent):
    """CPU seconds of a process and its direct children (PostgreSQL's postmaster and backends)."""
    total = 0.0
    for pid, fields in _processes():
        if pid == parent or int(fields[1]) == parent:
            total += _cpu(fields)
    return total


def machine_busy_seconds():
    """CPU seconds all cores of the machine spent busy so far (not idle, not waiting on I/O):
    what the processes measured used, plus whatever else runs beside them."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


class Server:
    def __init__(self, name, work, store, swiftrack_bin):
        self.name, self.work, self.store, self.swiftrack_bin = name, work, store, swiftrack_bin
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.peak_kib = 0
        self._stop_sampler = threading.Event()

    def start(self, timeout=120):
        os.makedirs(self.work, exist_ok=True)
        env = dict(os.environ, MLFLOW_DISABLE_TELEMETRY="true", DO_NOT_TRACK="true")
        self.logfile = open(os.path.join(self.work, "server.log"), "wb")
        argv = command(self.name, self.port, self.work, self.store, self.swiftrack_bin)
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv, cwd=self.work, env=env, stdout=self.logfile,
                                     stderr=subprocess.STDOUT, start_new_session=True)
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
        self.idle_kib = self.usage()[0]

    def usage(self):
        """(RSS KiB, CPU seconds) of the server's process tree now."""
        return group_usage(self.proc.pid)

    def _sample(self):
        while not self._stop_sampler.wait(0.2):
            self.peak_kib = max(self.peak_kib, self.usage()[0])

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
