"""HTTPS: Swiftrack serving TLS itself, and behind the nginx configuration in deploy/nginx with a
real nginx on loopback (TLS termination, HSTS, X-Forwarded-* believed from the proxy only, plain
HTTP refused with --require-https). Certificates are made with the openssl command per module."""
import os
import re
import shutil
import subprocess
import tempfile
import uuid

import pytest
import requests

from conftest import SWIFTRACK_BIN, _free_port, start_logged, stop_process_group, wait_for_health
from topology import make_certificate, nginx_main_config

pytestmark = [
    pytest.mark.swiftrack_only,
    pytest.mark.skipif(os.environ.get("SWIFTRACK_COMPAT_ENGINE", "sqlite") != "sqlite",
                       reason="transport does not depend on the engine: runs in the SQLite pass"),
]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture(scope="module")
def certificate():
    tmp = tempfile.mkdtemp(prefix="compat-tls-")
    yield make_certificate(tmp)
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def trusting(monkeypatch, certificate):
    """The mlflow client and requests trust the module's certificate."""
    monkeypatch.setenv("MLFLOW_TRACKING_SERVER_CERT_PATH", certificate[0])
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certificate[0])
    return certificate


def _start_swiftrack(tmp, *flags, health_base=None):
    port = _free_port()
    cmd = [SWIFTRACK_BIN, "server", "--backend-store-uri", f"sqlite:///{tmp}/mlflow.db",
           "--artifacts-destination", os.path.join(tmp, "artifacts"), "--host", "127.0.0.1", "--port", str(port),
           "--log-format", "json", *flags]
    log_path = os.path.join(tmp, f"swiftrack-{port}.log")
    proc, log = start_logged(cmd, dict(os.environ), tmp, log_path)
    wait_for_health((health_base or "http://127.0.0.1:{port}").format(port=port), proc, "swiftrack", log_path)
    return proc, log, port, log_path


def _exercise_with_the_mlflow_client(base, tmp):
    """A whole tracking session through `base`: experiment, run, metrics, an artifact up and down, a model."""
    import mlflow
    from mlflow import MlflowClient
    client = MlflowClient(tracking_uri=base)
    experiment = client.create_experiment(f"https-{uuid.uuid4().hex[:8]}")
    run = client.create_run(experiment)
    for step in range(3):
        client.log_metric(run.info.run_id, "loss", 1.0 / (step + 1), step=step)
    path = os.path.join(tmp, "weights.bin")
    with open(path, "wb") as f:
        f.write(os.urandom(3 << 20))
    client.log_artifact(run.info.run_id, path)
    client.set_terminated(run.info.run_id)
    assert [m.value for m in client.get_metric_history(run.info.run_id, "loss")] == [1.0, 0.5, 1.0 / 3]
    fetched = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="weights.bin",
                                                  dst_path=os.path.join(tmp, "down"), tracking_uri=base)
    assert open(fetched, "rb").read() == open(path, "rb").read()
    model = f"https-model-{uuid.uuid4().hex[:6]}"
    client.create_registered_model(model)
    assert client.create_model_version(model, f"runs:/{run.info.run_id}/weights.bin", run.info.run_id).version == "1"
    return experiment


def test_swiftrack_serves_https_itself_with_hsts(trusting, tmp_path):
    cert, key = trusting
    proc, log, port, _ = _start_swiftrack(str(tmp_path), "--tls-cert", cert, "--tls-key", key,
                                          health_base="https://127.0.0.1:{port}")
    try:
        base = f"https://127.0.0.1:{port}"
        _exercise_with_the_mlflow_client(base, str(tmp_path))
        reply = requests.get(base + "/api/2.0/mlflow/experiments/search", params={"max_results": 1}, timeout=15)
        assert reply.status_code == 200 and reply.headers["Strict-Transport-Security"] == HSTS
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/health", timeout=5)
        # TLS 1.1 is refused; 1.2 is accepted (curl, so the protocol version is pinned).
        old = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", cert,
                              "--tls-max", "1.1", base + "/health"], capture_output=True, text=True, timeout=30)
        assert old.stdout == "000"
        modern = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", cert,
                                 "--tlsv1.2", "--tls-max", "1.2", base + "/health"], capture_output=True, text=True,
                                timeout=30)
        assert modern.stdout == "200"
    finally:
        stop_process_group(proc, timeout=15)
        log.close()


def _nginx_config(tmp, cert, key, upstream, https_port, http_port):
    text = open(os.path.join(ROOT, "deploy", "nginx", "swiftrack.conf")).read()
    replacements = [("server 127.0.0.1:5000;", f"server 127.0.0.1:{upstream};"),
                    ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                    ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                    ("/etc/ssl/swiftrack/fullchain.pem", cert), ("/etc/ssl/swiftrack/privkey.pem", key),
                    ("return 308 https://$host$request_uri;", f"return 308 https://$host:{https_port}$request_uri;")]
    for old, new in replacements:
        assert old in text, f"deploy/nginx/swiftrack.conf no longer has {old!r}"
        text = text.replace(old, new)
    site = os.path.join(tmp, "swiftrack.conf")
    open(site, "w").write(text)
    return nginx_main_config(tmp, site)


@pytest.fixture
def behind_nginx(trusting, tmp_path):
    cert, key = trusting
    tmp = str(tmp_path)
    proc, log, port, log_path = _start_swiftrack(tmp, "--behind-proxy", "127.0.0.1", "--require-https")
    https_port, http_port = _free_port(), _free_port()
    config = _nginx_config(tmp, cert, key, port, https_port, http_port)
    check = subprocess.run(["nginx", "-t", "-c", config], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    nginx, nginx_log = start_logged(["nginx", "-c", config, "-g", "daemon off;"], dict(os.environ), tmp,
                                    os.path.join(tmp, "nginx.out"))
    try:
        wait_for_health(f"https://127.0.0.1:{https_port}", nginx, "nginx", os.path.join(tmp, "nginx-error.log"))
        yield {"https": f"https://127.0.0.1:{https_port}", "http": f"http://127.0.0.1:{http_port}",
               "direct": f"http://127.0.0.1:{port}", "log": log_path, "tmp": tmp}
    finally:
        stop_process_group(nginx, timeout=15)
        nginx_log.close()
        stop_process_group(proc, timeout=15)
        log.close()


def test_the_nginx_configuration_works_end_to_end(behind_nginx):
    base = behind_nginx["https"]
    _exercise_with_the_mlflow_client(base, behind_nginx["tmp"])
    reply = requests.get(base + "/api/2.0/mlflow/experiments/search", params={"max_results": 1}, timeout=15)
    assert reply.status_code == 200
    assert reply.headers["Strict-Transport-Security"] == HSTS   # one header: requests would join two with ", "
    missing = requests.get(base + "/api/2.0/mlflow/runs/get", params={"run_id": "nope"}, timeout=15)
    assert missing.status_code == 404 and missing.headers["Strict-Transport-Security"] == HSTS
    # Plain HTTP at nginx: health checks answer, the API moves to HTTPS.
    assert requests.get(behind_nginx["http"] + "/health", timeout=15).status_code == 200
    moved = requests.get(behind_nginx["http"] + "/api/2.0/mlflow/experiments/search", allow_redirects=False, timeout=15)
    assert moved.status_code == 308 and moved.headers["Location"].startswith(base + "/api/2.0/mlflow/experiments/search")
    # Swiftrack logged the request under nginx's request id and the client's address as nginx saw it;
    # the X-Forwarded-For a client makes up does not get through.
    chained = requests.get(base + "/api/2.0/mlflow/experiments/search", params={"max_results": 1},
                           headers={"X-Forwarded-For": "203.0.113.50"}, timeout=15)
    assert chained.status_code == 200
    lines = [line for line in open(behind_nginx["log"]).read().splitlines() if '"route":"/api/2.0/mlflow/experiments/search"' in line]
    assert '"client":"127.0.0.1"' in lines[-1] and "203.0.113.50" not in lines[-1]
    assert re.search(r'"request_id":"[0-9a-f]{32}"', lines[-1])


def test_plain_http_that_bypasses_the_proxy_is_refused(behind_nginx):
    direct = behind_nginx["direct"]
    refused = requests.get(direct + "/api/2.0/mlflow/experiments/search", params={"max_results": 1}, timeout=15)
    assert refused.status_code == 403
    assert refused.json()["error_code"] == "PERMISSION_DENIED"
    assert "accepts only HTTPS" in refused.json()["message"]
    assert "Strict-Transport-Security" not in refused.headers
    assert requests.get(direct + "/health", timeout=15).status_code == 200
    # The proxy's own header is believed from the proxy's address (loopback here).
    forwarded = requests.get(direct + "/api/2.0/mlflow/experiments/search", params={"max_results": 1},
                             headers={"X-Forwarded-Proto": "https"}, timeout=15)
    assert forwarded.status_code == 200


def test_forwarding_headers_from_an_untrusted_address_are_ignored(tmp_path):
    proc, log, port, _ = _start_swiftrack(str(tmp_path), "--behind-proxy", "10.0.0.1", "--require-https")
    try:
        forged = requests.get(f"http://127.0.0.1:{port}/api/2.0/mlflow/experiments/search",
                              params={"max_results": 1}, headers={"X-Forwarded-Proto": "https"}, timeout=15)
        assert forged.status_code == 403 and forged.json()["error_code"] == "PERMISSION_DENIED"
    finally:
        stop_process_group(proc, timeout=15)
        log.close()


def test_require_https_without_a_way_to_get_https_is_a_usage_error(tmp_path):
    done = subprocess.run([SWIFTRACK_BIN, "server", "--backend-store-uri", f"sqlite:///{tmp_path}/x.db", "--port", "0",
                           "--require-https"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "--require-https needs --tls-cert/--tls-key or --behind-proxy" in done.stderr
    done = subprocess.run([SWIFTRACK_BIN, "server", "--backend-store-uri", f"sqlite:///{tmp_path}/x.db", "--port", "0",
                           "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.pem"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "cannot read the TLS certificate /nonexistent.pem" in done.stderr
