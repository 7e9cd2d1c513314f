"""The artifact proxy with an object-store destination: a Swiftrack server of its own, storing
into a bucket of a real local stand-in (moto's S3 server, the GCS emulator), driven by the
real client."""
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

VENV_BIN = os.path.dirname(sys.executable)


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


def _start_store(kind, port):
    """The object store process, its environment for Swiftrack, the destination URI and a lister."""
    if kind == "s3":
        proc = subprocess.Popen([os.path.join(VENV_BIN, "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        endpoint = f"http://127.0.0.1:{port}"
        _wait(endpoint + "/", proc, "moto_server")
        assert requests.put(endpoint + "/artifacts").status_code == 200
        env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1", "MLFLOW_S3_ENDPOINT_URL": endpoint}

        def keys():
            return requests.get(f"{endpoint}/artifacts", params={"list-type": "2", "prefix": "root/"}).text
        return proc, env, "s3://artifacts/root", keys
    proc = subprocess.Popen([os.path.join(VENV_BIN, "gcp-storage-emulator"), "start", "--host", "127.0.0.1",
                             "--port", str(port), "--in-memory", "--default-bucket", "artifacts"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    endpoint = f"http://127.0.0.1:{port}"
    _wait(endpoint + "/", proc, "gcp-storage-emulator")

    def names():
        return requests.get(f"{endpoint}/storage/v1/b/artifacts/o", params={"prefix": "root/"}).text
    return proc, {"STORAGE_EMULATOR_HOST": endpoint}, "gs://artifacts/root", names


@pytest.fixture(scope="module", params=["s3", "gcs"])
def object_store(request):
    """A Swiftrack whose artifacts go to an object store on loopback; yields (base URL, key lister)."""
    if IS_MLFLOW:
        pytest.skip("swiftrack only")
    tmp = tempfile.mkdtemp(prefix=f"compat-{request.param}-")
    store_port, port = _free_port(), _free_port()
    store, server = None, None
    try:
        store, store_env, destination, lister = _start_store(request.param, store_port)
        env = dict(os.environ, **store_env)
        log = open(os.path.join(tmp, "server.log"), "wb")
        server = subprocess.Popen([SWIFTRACK_BIN, "server", "--backend-store-uri", f"sqlite:///{tmp}/db.sqlite",
                                   "--artifacts-destination", destination, "--port", str(port)],
                                  stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        _wait(base + "/health", server, "swiftrack")
        yield base, lister
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=15)
        if store is not None:
            os.killpg(store.pid, signal.SIGKILL)
            store.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def test_client_logs_and_loads_through_the_store(object_store, tmp_path):
    base, lister = object_store
    mlflow.set_tracking_uri(base)
    try:
        mlflow.set_experiment(f"store-artifacts-{os.getpid()}-{time.time_ns()}")
        with mlflow.start_run() as run:
            mlflow.log_text("via s3", "notes/a.txt")
            mlflow.log_dict({"x": 1}, "cfg.json")
        rid = run.info.run_id
        assert run.info.artifact_uri.startswith("mlflow-artifacts:/")
        assert mlflow.artifacts.load_text(f"runs:/{rid}/notes/a.txt") == "via s3"
        names = sorted(f.path for f in mlflow.MlflowClient().list_artifacts(rid))
        assert names == ["cfg.json", "notes"]
        # The object is really in the bucket, under the destination prefix.
        assert f"{rid}/artifacts/notes/a.txt" in lister()
    finally:
        mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])


@pytest.mark.timeout(300)
def test_large_file_round_trip_through_the_store(object_store, tmp_path):
    base, _ = object_store
    size = 150 << 20  # above S3's 64 MiB multipart threshold and GCS's resumable-upload limit
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
