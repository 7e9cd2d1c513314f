"""One local PostgreSQL 15 cluster for `--engines postgres`, a fresh database per server.

Uses the cluster of `scripts/with-databases` when run.py runs under it
(SWIFTRACK_TEST_POSTGRES_URI); otherwise starts its own with `scripts/db/postgres` (the same
throwaway settings: fsync and synchronous_commit off) and stops it at the end.
"""
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse

from servers import ROOT, children_cpu

SCRIPT = os.path.join(ROOT, "scripts", "db", "postgres")


class Cluster:
    def __init__(self):
        self.uri = os.environ.get("SWIFTRACK_TEST_POSTGRES_URI")
        self.dir = os.environ.get("SWIFTRACK_TEST_POSTGRES_DIR")
        self.owned = False

    def __enter__(self):
        if not self.uri:
            # Under /tmp: the cluster runs as the `postgres` user, which must reach the directory.
            self.dir = tempfile.mkdtemp(prefix="bench-pg-", dir="/tmp")
            os.chmod(self.dir, 0o755)
            self.uri = subprocess.run([SCRIPT, "start", os.path.join(self.dir, "pg")], check=True,
                                      capture_output=True, text=True, timeout=180).stdout.strip()
            self.dir = os.path.join(self.dir, "pg")
            self.owned = True
        parts = urllib.parse.urlsplit(self.uri)
        self.authority = parts.netloc
        return self

    def __exit__(self, *exc):
        if self.owned:
            subprocess.run([SCRIPT, "stop", self.dir], capture_output=True, timeout=120)
            shutil.rmtree(os.path.dirname(self.dir), ignore_errors=True)

    def psql(self, sql, database="postgres"):
        uri = f"postgresql://{self.authority}/{database}?sslmode=disable"
        out = subprocess.run(["psql", uri, "-X", "-q", "-t", "-A", "-c", sql], capture_output=True, text=True,
                             timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {out.stderr.strip()}")
        return out.stdout.strip()

    def create_database(self, label):
        """A fresh database; returns the "user:pass@host:port/db" part of its URI."""
        name = f"bench_{label}_{time.time_ns() % 10**9}"
        self.psql(f"CREATE DATABASE {name}")
        return f"{self.authority}/{name}"

    def version(self):
        return self.psql("SHOW server_version")

    def cpu_seconds(self):
        """CPU seconds of the postmaster and its backends (those alive now)."""
        if not self.dir:
            return 0.0
        try:
            with open(os.path.join(self.dir, "data", "postmaster.pid")) as f:
                return children_cpu(int(f.readline()))
        except (OSError, ValueError):
            return 0.0
