"""The artifact proxy with an S3 destination: a Swiftrack server of its own, storing into a
bucket of a real moto server (`moto_server`), driven by the real client."""
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import mlflow
import pytest
import requests

from conftest import IS_MLFLOW, SWIFTRACK_BIN

pytestmark = pytest.mark.swiftrack_only

MOTO_BIN = os.path.join(os.path.dirname(sys.executable), "moto_server")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url, proc, what):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    pytest.fail(f"{what} did not answer within 60 s")


@pytest.fixture(scope="module")
def s3_server():
    """A moto S3 server with a bucket, and a Swiftrack whose artifacts go to s3://artifacts/root."""
    if IS_MLFLOW:
        pytest.skip("swiftrack only")
    tmp = tempfile.mkdtemp(prefix="compat-s3-")
    moto_port, port = _free_port(), _free_port()
    moto = subprocess.Popen([MOTO_BIN, "-H", "127.0.0.1", "-p", str(moto_port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    endpoint = f"http://127.0.0.1:{moto_port}"
    server = None
    try:
        _wait(endpoint + "/", moto, "moto_server")
        assert requests.put(endpoint + "/artifacts").status_code == 200
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                   AWS_DEFAULT_REGION="us-east-1", MLFLOW_S3_ENDPOINT_URL=endpoint)
        log = open(os.path.join(tmp, "server.log"), "wb")
        server = subprocess.Popen([SWIFTRACK_BIN, "server", "--backend-store-uri", f"sqlite:///{tmp}/db.sqlite",
                                   "--artifacts-destination", "s3://artifacts/root", "--port", str(port)],
                                  stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        _wait(base + "/health", server, "swiftrack")
        yield base, endpoint
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=15)
        os.killpg(moto.pid, signal.SIGKILL)
        moto.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def test_client_logs_and_loads_through_s3(s3_server, tmp_path):
    base, endpoint = s3_server
    mlflow.set_tracking_uri(base)
    try:
        mlflow.set_experiment("s3-artifacts")
        with mlflow.start_run() as run:
            mlflow.log_text("via s3", "notes/a.txt")
            mlflow.log_dict({"x": 1}, "cfg.json")
        rid = run.info.run_id
        assert run.info.artifact_uri.startswith("mlflow-artifacts:/")
        assert mlflow.artifacts.load_text(f"runs:/{rid}/notes/a.txt") == "via s3"
        names = sorted(f.path for f in mlflow.MlflowClient().list_artifacts(rid))
        assert names == ["cfg.json", "notes"]
        # The object is really in the bucket, under the destination prefix.
        listing = requests.get(f"{endpoint}/artifacts", params={"list-type": "2", "prefix": "root/"}).text
        assert f"{rid}/artifacts/notes/a.txt" in listing
    finally:
        mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])


def test_large_file_round_trip_through_s3(s3_server, tmp_path):
    base, _ = s3_server
    size = 150 << 20  # above the 64 MiB multipart threshold
    source = tmp_path / "large.bin"
    digest = hashlib.sha256()
    block = os.urandom(1 << 20)
    with open(source, "wb") as f:
        for _ in range(size >> 20):
            f.write(block)
            digest.update(block)
    url = f"{base}/api/2.0/mlflow-artifacts/artifacts/big/large.bin"
    with open(source, "rb") as f:
        assert requests.put(url, data=f, timeout=240).status_code == 200
    received = hashlib.sha256()
    total = 0
    with requests.get(url, stream=True, timeout=240) as r:
        assert r.status_code == 200
        for chunk in r.iter_content(1 << 20):
            received.update(chunk)
            total += len(chunk)
    assert total == size and received.hexdigest() == digest.hexdigest()
