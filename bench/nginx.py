"""nginx as a foreground process in a directory of its own: the main configuration (shared with
compat/topology.py, which loads this file by path) and, for bench/replicas.py, a plain-HTTP
proxy in front of Swiftrack replicas with its process group's CPU.
"""
import os
import signal
import subprocess
import time
import urllib.request


def main_config(tmp, site, workers=1):
    """An nginx.conf running as a foreground process in `tmp` that includes `site`."""
    main = os.path.join(tmp, "nginx.conf")
    temp = os.path.join(tmp, "nginx-temp")
    os.makedirs(temp, exist_ok=True)
    with open(main, "w") as f:
        f.write(f"""
user root root;
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
""")
    return main


def bench_site(port, upstream_ports, balance):
    """The proxy the replica bench measures: no TLS (the deployed blueprint's TLS would measure
    encryption on the same two cores, not the replicas), kept-alive upstream connections that
    are never recycled during a window, and no access log (a write per request)."""
    servers = "\n".join(f"    server 127.0.0.1:{p};" for p in upstream_ports)
    method = "    least_conn;\n" if balance == "least_conn" else ""
    return f"""
upstream swiftrack {{
{method}{servers}
    keepalive 64;
    keepalive_requests 10000000;
}}
server {{
    listen 127.0.0.1:{port};
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
    client_max_body_size 64m;
    location / {{
        proxy_pass http://swiftrack;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
    }}
}}
"""


def version():
    out = subprocess.run(["nginx", "-v"], capture_output=True, text=True, timeout=10)
    return (out.stderr or out.stdout).strip().split("/")[-1] or "?"


class Proxy:
    """nginx on `port` in front of 127.0.0.1:`upstream_ports`, in its own process group."""

    def __init__(self, tmp, port, upstream_ports, balance="least_conn", workers="auto"):
        self.tmp, self.port = tmp, port
        self.base = f"http://127.0.0.1:{port}"
        os.makedirs(tmp, exist_ok=True)
        site = os.path.join(tmp, "site.conf")
        with open(site, "w") as f:
            f.write(bench_site(port, upstream_ports, balance))
        self.config = main_config(tmp, site, workers)
        self.proc = None

    def start(self, timeout=30):
        check = subprocess.run(["nginx", "-t", "-c", self.config], capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t: {check.stderr.strip()}")
        self.log = open(os.path.join(self.tmp, "nginx.out"), "wb")
        self.proc = subprocess.Popen(["nginx", "-c", self.config, "-g", "daemon off;"], stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.proc.returncode}; see {self.tmp}/nginx-error.log")
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx did not answer /health within {timeout} s")
            time.sleep(0.05)

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        self.log.close()
        self.proc = None
