"""The blueprint's topology from plain processes on loopback: several Swiftrack replicas on one
PostgreSQL database (and one audit database), one artifact store, behind a real nginx with TLS,
configured from deploy/compose/nginx/swiftrack.conf (only the addresses, ports and certificate
paths are rewritten). Used by compat/test_replicas.py and by the `replicas` target of the compat
suite (SWIFTRACK_COMPAT_TARGET=replicas)."""
import importlib.util
import os
import signal
import subprocess

from conftest import SWIFTRACK_BIN, _free_port, create_database_uri, start_logged, stop_process_group, wait_for_health

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UPSTREAM_LINES = ["server swiftrack-1:5000 max_fails=1 fail_timeout=5s;",
                  "server swiftrack-2:5000 max_fails=1 fail_timeout=5s;"]
# nginx's main configuration has one copy, in bench/nginx.py (the replica benchmark runs nginx the
# same way); loaded by path so that bench/'s other modules do not shadow anything on sys.path.
_spec = importlib.util.spec_from_file_location("bench_nginx", os.path.join(ROOT, "bench", "nginx.py"))
_bench_nginx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bench_nginx)
nginx_main_config = _bench_nginx.main_config


def make_certificate(tmp):
    """A self-signed certificate for localhost and 127.0.0.1; returns (cert, key) paths."""
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
    return cert, key


class Topology:
    """`count` replicas behind nginx. `url` is nginx's HTTPS address; `direct(i)` a replica's own."""

    def __init__(self, tmp, count=3, audit=True, default_artifact_root=None):
        self.default_artifact_root = default_artifact_root
        self.tmp = tmp
        self.count = count
        self.database = create_database_uri("postgres")
        assert self.database, "needs SWIFTRACK_TEST_POSTGRES_URI (run under scripts/with-databases)"
        self.audit_database = create_database_uri("postgres") if audit else None
        self.artifacts = os.path.join(tmp, "artifacts")
        self.cert, self.key = make_certificate(tmp)
        self.ports = [_free_port() for _ in range(count)]
        self.procs = [None] * count
        self.logs = [None] * count
        self.https_port, self.http_port = _free_port(), _free_port()
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.nginx = None

    def command(self, i):
        cmd = [SWIFTRACK_BIN, "server", "--backend-store-uri", self.database,
               "--artifacts-destination", self.artifacts, "--host", "127.0.0.1", "--port", str(self.ports[i]),
               "--behind-proxy", "127.0.0.1", "--require-https", "--log-format", "json", "--workers", "8",
               "--db-pool-size", "10"]
        if self.audit_database:
            cmd += ["--audit", "--audit-db-uri", self.audit_database]
        if self.default_artifact_root:
            cmd += ["--default-artifact-root", self.default_artifact_root]
        return cmd

    def start_replica(self, i):
        log_path = os.path.join(self.tmp, f"replica-{i}.log")
        self.procs[i], self.logs[i] = start_logged(self.command(i), dict(os.environ), self.tmp, log_path)

    def direct(self, i):
        return f"http://127.0.0.1:{self.ports[i]}"

    # A request straight to a replica as nginx sends it (it trusts 127.0.0.1 to say the scheme).
    PROXIED = {"X-Forwarded-Proto": "https"}

    def start(self):
        for i in range(self.count):          # all at once: the migrations must run once
            self.start_replica(i)
        for i in range(self.count):
            wait_for_health(self.direct(i), self.procs[i], f"replica {i}", os.path.join(self.tmp, f"replica-{i}.log"),
                            headers=self.PROXIED)
        self.start_nginx()
        return self

    def start_nginx(self):
        text = open(os.path.join(ROOT, "deploy", "compose", "nginx", "swiftrack.conf")).read()
        servers = "\n    ".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in self.ports)
        replacements = [(UPSTREAM_LINES[0], servers), (UPSTREAM_LINES[1], ""),
                        ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;"),
                        ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
                        ("/etc/nginx/certs/fullchain.pem", self.cert), ("/etc/nginx/certs/privkey.pem", self.key)]
        for old, new in replacements:
            assert old in text, f"deploy/compose/nginx/swiftrack.conf no longer has {old!r}"
            text = text.replace(old, new)
        site = os.path.join(self.tmp, "swiftrack-site.conf")
        open(site, "w").write(text)
        config = nginx_main_config(self.tmp, site)
        check = subprocess.run(["nginx", "-t", "-c", config], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        self.nginx, self.nginx_log = start_logged(["nginx", "-c", config, "-g", "daemon off;"], dict(os.environ),
                                                  self.tmp, os.path.join(self.tmp, "nginx.out"))
        wait_for_health(self.url, self.nginx, "nginx", os.path.join(self.tmp, "nginx-error.log"), verify=self.cert)

    def kill(self, i):
        """SIGKILL: the replica dies mid-request, as a crash or an OOM kill would end it."""
        os.killpg(self.procs[i].pid, signal.SIGKILL)
        self.procs[i].wait()

    def stop(self):
        if self.nginx:
            stop_process_group(self.nginx, timeout=15)
            self.nginx_log.close()
        codes = []
        for proc, log in zip(self.procs, self.logs):
            if proc is None:
                continue
            if proc.poll() is None:
                stop_process_group(proc, timeout=20)
            codes.append(proc.returncode)
            log.close()
        return codes
