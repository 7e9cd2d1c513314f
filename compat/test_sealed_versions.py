"""Sealed model versions (docs/REGISTRY.md, "Sealed versions") with the real mlflow client: a
governance holder promotes a version, which seals it; writes through the server to its files are
refused; its files overwritten behind the server's back, on local disk and in S3 (moto's server),
are refused on download (`models:/name@alias` no longer loads) and `swiftrack models verify`
names them.

The module starts its own servers with access control on, proxied artifacts in a local folder or
a bucket, on the pass's database engine. Swiftrack only: MLflow has no seals."""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import numpy as np
import pytest
import requests

from conftest import (IS_MLFLOW, SWIFTRACK_BIN, _free_port, auth_server_environment, fresh_database_uri,
                      start_logged, stop_process_group, wait_for_health)

pytestmark = pytest.mark.skipif(IS_MLFLOW, reason="seals are Swiftrack's (MLflow's server has none)")

VENV_BIN = os.path.dirname(sys.executable)

ADMIN = ("admin", "admin-password-1")
X = np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1], [0.1, 0.9], [0.8, 0.3], [0.2, 0.7]])
Y = np.array([0, 1, 1, 0, 1, 0])
PROBE = np.array([[0.95, 0.05], [0.05, 0.95], [0.7, 0.2]])
# Seconds a promotion waits for its seal: short, so a large model's promotion takes the 503 +
# Retry-After path the mlflow client repeats.
SEAL_WAIT = 1


class SealedServer:
    """A Swiftrack with access control on and proxied artifacts in `kind`'s store ("local": a folder;
    "s3": a bucket of moto's S3 server), and the store reached behind the server's back."""

    def __init__(self, kind, extra_args=()):
        self.kind = kind
        self.extra_args = list(extra_args)
        self.tmp = tempfile.mkdtemp(prefix=f"compat-sealed-{kind}-")
        self.store = None
        self.proc = None
        self.log = None

    def start(self):
        _, env = auth_server_environment(self.tmp, ADMIN)
        # The server's temporary folder (an S3 destination's staging folder is in it) is this
        # server's own, so a test can see what it leaves there.
        env["TMPDIR"] = self.tmp
        if self.kind == "s3":
            port = _free_port()
            self.store = subprocess.Popen([os.path.join(VENV_BIN, "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            self.endpoint = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    requests.get(self.endpoint + "/", timeout=2)
                    break
                except requests.RequestException:
                    assert time.monotonic() < deadline and self.store.poll() is None, "moto_server did not start"
                    time.sleep(0.2)
            assert requests.put(self.endpoint + "/artifacts", timeout=15).status_code == 200
            env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                       MLFLOW_S3_ENDPOINT_URL=self.endpoint)
            destination = "s3://artifacts/root"
        else:
            self.folder = os.path.join(self.tmp, "artifacts")
            destination = self.folder
        port = _free_port()
        cmd = [SWIFTRACK_BIN, "server", "--app-name", "basic-auth", "--backend-store-uri",
               fresh_database_uri(self.tmp), "--artifacts-destination", destination, "--host", "127.0.0.1",
               "--port", str(port), "--seal-wait", str(SEAL_WAIT)] + self.extra_args
        log_path = os.path.join(self.tmp, "server.log")
        self.proc, self.log = start_logged(cmd, env, self.tmp, log_path)
        self.base = f"http://127.0.0.1:{port}"
        wait_for_health(self.base, self.proc, "the sealed-versions server", log_path)
        return self

    @property
    def staging(self):
        """Where the server stages uploads and keeps downloads and checked copies while it sends them."""
        if self.kind == "s3":
            return os.path.join(self.tmp, "swiftrack-staging")
        return os.path.join(self.tmp, ".swiftrack-staging")

    def stop(self):
        if self.proc is not None:
            stop_process_group(self.proc, timeout=15)
            self.log.close()
        if self.store is not None:
            os.killpg(self.store.pid, signal.SIGKILL)
            self.store.wait()
        # The large tests leave gigabytes here (the 2 GiB model, the server's staging folder).
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _s3(self):
        import boto3
        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id="testing",
                            aws_secret_access_key="testing", region_name="us-east-1")

    def read(self, path):
        """The bytes the store holds at `path` (in the proxy's destination), read without the server."""
        if self.kind == "s3":
            return self._s3().get_object(Bucket="artifacts", Key=f"root/{path}")["Body"].read()
        with open(os.path.join(self.folder, path), "rb") as f:
            return f.read()

    def put_file(self, path, local):
        """Stores the local file at `path` in the store, as a client writing a run's artifacts directly would."""
        if self.kind == "s3":
            from boto3.s3.transfer import TransferConfig
            self._s3().upload_file(local, "artifacts", f"root/{path}",
                                   Config=TransferConfig(multipart_chunksize=64 << 20, max_concurrency=2))
            return
        target = os.path.join(self.folder, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(local, target)

    def overwrite(self, path, data):
        """Replaces the bytes at `path` in the store, behind the server's back."""
        if self.kind == "s3":
            self._s3().put_object(Bucket="artifacts", Key=f"root/{path}", Body=data)
            return
        with open(os.path.join(self.folder, path), "wb") as f:
            f.write(data)


@pytest.fixture(scope="module", params=["local", "s3"])
def sealed_server(request):
    server = SealedServer(request.param)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def local_sealed_server():
    server = SealedServer("local")
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def as_user(monkeypatch):
    def use(credentials):
        monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", credentials[0])
        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", credentials[1])
    return use


def _user(base, prefix):
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    password = f"{name}-password"
    r = requests.post(base + "/api/2.0/mlflow/users/create", json={"username": name, "password": password},
                      auth=ADMIN, timeout=15)
    assert r.status_code == 200, r.text
    return name, password


def _governance(base, user):
    from mlflow.server.auth.client import AuthServiceClient
    os.environ["MLFLOW_TRACKING_USERNAME"], os.environ["MLFLOW_TRACKING_PASSWORD"] = ADMIN
    auth = AuthServiceClient(base)
    role = next((r for r in auth.list_roles("default") if r.name == "governance"), None) \
        or auth.create_role("default", "governance", "may promote to production")
    auth.assign_role(user[0], role.id)


def _verify(base, credentials, *args):
    env = dict(os.environ, MLFLOW_TRACKING_USERNAME=credentials[0], MLFLOW_TRACKING_PASSWORD=credentials[1])
    return subprocess.run([SWIFTRACK_BIN, "models", "verify", *args, "--tracking-uri", base], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.timeout(180)
def test_a_promoted_version_is_sealed_refuses_writes_and_is_not_served_once_changed(sealed_server, as_user):
    import mlflow
    from mlflow import MlflowClient
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
    from sklearn.linear_model import LogisticRegression

    base = sealed_server.base
    scientist, reviewer = _user(base, "scientist"), _user(base, "reviewer")
    _governance(base, reviewer)
    name = f"fraud-{uuid.uuid4().hex[:8]}"

    # The scientist logs and registers a model (proxied artifacts: the server writes them).
    as_user(scientist)
    mlflow.set_tracking_uri(base)
    client = MlflowClient(tracking_uri=base)
    experiment = client.create_experiment(f"sealed-{uuid.uuid4().hex[:8]}")
    model = LogisticRegression(C=1.0).fit(X, Y)
    with mlflow.start_run(experiment_id=experiment):
        mlflow.sklearn.log_model(model, name="model", registered_model_name=name, pip_requirements=["scikit-learn"])
    from mlflow.server.auth.client import AuthServiceClient
    AuthServiceClient(base).grant_user_permission(reviewer[0], "registered_model", name, "EDIT")
    # The author may not promote their own version (no governance role), so nothing is sealed by that.
    with pytest.raises(Exception, match="governance"):
        client.set_registered_model_alias(name, "champion", "1")

    # The reviewer promotes it: sealed, the seal shown as tags the client reads unchanged.
    as_user(reviewer)
    client.set_registered_model_alias(name, "champion", "1")
    client.transition_model_version_stage(name, "1", "Production")
    version = client.get_model_version(name, "1")
    digest = version.tags["swiftrack.seal.digest"]
    assert len(digest) == 64 and version.tags["swiftrack.seal.approver"] == reviewer[0]
    assert int(version.tags["swiftrack.seal.time"]) > 1_700_000_000_000
    seal = requests.get(base + "/api/2.0/swiftrack/model-versions/seal", params={"name": name, "version": "1"},
                        auth=scientist, timeout=15).json()["seal"]
    assert seal["digest"] == digest
    paths = [f["path"] for f in seal["files"]]
    assert "model.skops" in paths and "MLmodel" in paths, paths
    out = _verify(base, scientist, name)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"'{name}' version 1: OK, {len(paths)} files match seal {digest}" in out.stdout, out.stdout

    # Production loads it.
    as_user(scientist)
    loaded = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    assert list(loaded.predict(PROBE)) == list(model.predict(PROBE))

    # Writes through the server to the sealed files are refused, whoever asks.
    download_uri = client.get_model_version_download_uri(name, "1")
    assert download_uri.startswith("mlflow-artifacts:/"), download_uri
    # Another model's weights, saved as the client saves them.
    replacement = LogisticRegression(C=0.01).fit(X, 1 - Y)
    local = os.path.join(tempfile.mkdtemp(prefix="compat-sealed-local-"), "other")
    mlflow.sklearn.save_model(replacement, local, pip_requirements=["scikit-learn"])
    weights = os.path.join(local, "model.skops")
    for who in (scientist, ADMIN):
        as_user(who)
        repository = get_artifact_repository(download_uri)
        with pytest.raises(Exception) as refused:
            repository.log_artifact(weights)
        assert "403" in str(refused.value), refused.value
        with pytest.raises(Exception) as refused:
            repository.delete_artifacts()
        assert "403" in str(refused.value), refused.value
    path = download_uri[len("mlflow-artifacts:"):].lstrip("/")
    r = requests.put(f"{base}/api/2.0/mlflow-artifacts/artifacts/{path}/model.skops", data=b"x", auth=scientist,
                     timeout=15)
    assert (r.status_code, r.json()["error_code"]) == (403, "PERMISSION_DENIED")
    assert f"Version 1 of registered model '{name}' is sealed" in r.json()["message"]
    sealed_entry = next(f for f in seal["files"] if f["path"] == "model.skops")
    assert hashlib.sha256(sealed_server.read(f"{path}/model.skops")).hexdigest() == sealed_entry["sha256"]

    # Behind the server's back: the weights replaced in the store (the folder, or the bucket).
    with open(weights, "rb") as f:
        sealed_server.overwrite(f"{path}/model.skops", f.read())
    as_user(scientist)
    with pytest.raises(Exception) as refused:
        mlflow.pyfunc.load_model(f"models:/{name}@champion", dst_path=tempfile.mkdtemp(prefix="compat-sealed-load-"))
    assert "409" in str(refused.value), refused.value
    with pytest.raises(Exception):
        mlflow.pyfunc.load_model(f"models:/{name}/Production", dst_path=tempfile.mkdtemp(prefix="compat-sealed-load-"))
    r = requests.get(base + "/model-versions/get-artifact", params={"name": name, "version": "1", "path": "model.skops"},
                     auth=scientist, timeout=15)
    assert (r.status_code, r.json()["error_code"]) == (409, "RESOURCE_CONFLICT")
    assert "model.skops: changed" in r.json()["message"]
    metrics = requests.get(base + "/metrics", auth=ADMIN, timeout=15).text
    counted = [line for line in metrics.splitlines() if line.startswith("swiftrack_sealed_artifact_mismatches_total ")]
    assert counted and float(counted[0].split()[1]) >= 3, counted

    out = _verify(base, scientist, name, "1")
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"'{name}' version 1: MISMATCH against seal {digest}" in out.stdout, out.stdout
    assert "  model.skops: changed (sealed " in out.stdout, out.stdout
    assert "1 of 1 sealed versions do not match their seals." in out.stdout, out.stdout

    # Unsealing is the governance role's (and recorded in the audit log as any request): the author may not.
    r = requests.post(base + "/api/2.0/swiftrack/model-versions/unseal", json={"name": name, "version": "1"},
                      auth=scientist, timeout=15)
    assert r.status_code == 403 and "'governance' role" in r.json()["message"], r.text
    # Nor while the version is in production (its files could then change under a protected stage).
    r = requests.post(base + "/api/2.0/swiftrack/model-versions/unseal", json={"name": name, "version": "1"},
                      auth=reviewer, timeout=15)
    assert r.status_code == 400 and "move it out before unsealing it" in r.json()["message"], r.text
    as_user(scientist)   # moving out of production needs no governance
    client.delete_registered_model_alias(name, "champion")
    client.transition_model_version_stage(name, "1", "Archived")
    r = requests.post(base + "/api/2.0/swiftrack/model-versions/unseal", json={"name": name, "version": "1"},
                      auth=reviewer, timeout=15)
    assert r.status_code == 200 and r.json()["seal"]["digest"] == digest, r.text
    assert "swiftrack.seal.digest" not in client.get_model_version(name, "1").tags
    out = _verify(base, scientist, name)
    assert out.returncode == 1 and f"No sealed versions of '{name}'" in out.stdout, out.stdout


def _big_file(path, size, seed):
    """Writes `size` bytes (a 1 MiB block derived from `seed`, repeated: not all zeros) and returns
    their SHA-256."""
    digest = hashlib.sha256()
    block = hashlib.sha256(seed.encode()).digest() * (1 << 15)
    with open(path, "wb") as f:
        for _ in range(size // len(block)):
            f.write(block)
            digest.update(block)
    return digest.hexdigest()


def _model_to_seal(base, prefix):
    """A scientist's experiment and run, and a reviewer with the governance role and EDIT on the
    model `name` the caller will register from `runs:/<run>/model`. Returns (scientist, reviewer,
    name, experiment, run)."""
    scientist, reviewer = _user(base, f"{prefix}-scientist"), _user(base, f"{prefix}-reviewer")
    _governance(base, reviewer)
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    experiment = requests.post(base + "/api/2.0/mlflow/experiments/create", json={"name": name}, auth=scientist,
                               timeout=15).json()["experiment_id"]
    run = requests.post(base + "/api/2.0/mlflow/runs/create", json={"experiment_id": experiment}, auth=scientist,
                        timeout=15).json()["run"]["info"]["run_id"]
    return scientist, reviewer, name, experiment, run


def _register(base, scientist, reviewer, name, run):
    """Registers `runs:/<run>/model` as version 1 of `name` and lets the reviewer edit the model."""
    from mlflow.server.auth.client import AuthServiceClient
    assert requests.post(base + "/api/2.0/mlflow/registered-models/create", json={"name": name}, auth=scientist,
                         timeout=15).status_code == 200
    assert requests.post(base + "/api/2.0/mlflow/model-versions/create", auth=scientist, timeout=15,
                         json={"name": name, "source": f"runs:/{run}/model", "run_id": run}).status_code == 200
    os.environ["MLFLOW_TRACKING_USERNAME"], os.environ["MLFLOW_TRACKING_PASSWORD"] = scientist
    AuthServiceClient(base).grant_user_permission(reviewer[0], "registered_model", name, "EDIT")


def _rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


class RSSWatch:
    """Samples a process's RSS every 20 ms on a thread while the `with` block runs (and calls `tick`
    each time, for other looks); `baseline` and `peak` in KiB."""

    def __init__(self, pid, tick=lambda: None):
        self.pid, self.tick = pid, tick
        self.baseline = self.peak = _rss_kib(pid)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self):
        while not self.done.is_set():
            self.peak = max(self.peak, _rss_kib(self.pid))
            self.tick()
            time.sleep(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()

    @property
    def growth_mib(self):
        return (self.peak - self.baseline) / 1024


@pytest.mark.timeout(300)
def test_sealing_and_serving_a_200_mib_file_keeps_memory_flat(local_sealed_server, tmp_path):
    """The seal streams each file through SHA-256 in 1 MiB chunks; a checked download copies while
    hashing. Neither holds the file: the server's RSS stays within 64 MiB of where it started.
    (The 2 GiB seal, on disk and in S3, is the next test.)"""
    base, pid = local_sealed_server.base, local_sealed_server.proc.pid
    scientist, reviewer, name, experiment, run = _model_to_seal(base, "big")
    size = 200 << 20
    big = tmp_path / "weights.bin"
    digest = _big_file(big, size, name)
    url = f"{base}/api/2.0/mlflow-artifacts/artifacts/{experiment}/{run}/artifacts/model/weights.bin"
    with open(big, "rb") as f:
        assert requests.put(url, data=f, auth=scientist, timeout=120).status_code == 200
    assert requests.put(url.replace("weights.bin", "MLmodel"), data=b"flavors: {}\n", auth=scientist,
                        timeout=15).status_code == 200
    _register(base, scientist, reviewer, name, run)

    with RSSWatch(pid) as memory:
        promoted = requests.post(base + "/api/2.0/mlflow/model-versions/transition-stage", auth=reviewer, timeout=240,
                                 json={"name": name, "version": "1", "stage": "Production"})
        assert promoted.status_code == 200, promoted.text
        received = hashlib.sha256()
        with requests.get(url, auth=scientist, stream=True, timeout=240) as r:
            assert r.status_code == 200 and int(r.headers["Content-Length"]) == size
            for chunk in r.iter_content(1 << 20):
                received.update(chunk)
    assert received.hexdigest() == digest
    seal = requests.get(base + "/api/2.0/swiftrack/model-versions/seal", params={"name": name, "version": "1"},
                        auth=scientist, timeout=15).json()["seal"]
    assert {f["path"]: (f["size"], f["sha256"]) for f in seal["files"]}["weights.bin"] == (size, digest)
    print(f"\nseal and checked download of 200 MiB: RSS baseline {memory.baseline / 1024:.1f} MiB, "
          f"peak {memory.peak / 1024:.1f} MiB")
    assert memory.growth_mib < 64, f"server RSS grew by {memory.growth_mib:.1f} MiB while sealing and serving"


@pytest.mark.timeout(600)
def test_sealing_a_2_gib_model_keeps_memory_flat_and_the_client_waits_for_it(sealed_server, tmp_path, monkeypatch):
    """A 2 GiB model (in the local folder, or in moto's bucket: downloaded to the scratch folder and
    hashed a file at a time) is sealed by a job off the request path. The mlflow client's
    promotion gets 503 with Retry-After while the job runs (the server waits SEAL_WAIT seconds per
    request), repeats it on its own, and returns once the seal is stored and the move made; the
    version carries `swiftrack.seal.state = sealing` meanwhile. The server's RSS stays within 64 MiB."""
    from mlflow import MlflowClient

    base, pid = sealed_server.base, sealed_server.proc.pid
    scientist, reviewer, name, experiment, run = _model_to_seal(base, "huge")
    size = 2 << 30
    big = tmp_path / "weights.bin"
    digest = _big_file(big, size, name)
    folder = f"{experiment}/{run}/artifacts/model"
    sealed_server.put_file(f"{folder}/weights.bin", str(big))
    big.unlink(missing_ok=True)
    assert requests.put(f"{base}/api/2.0/mlflow-artifacts/artifacts/{folder}/MLmodel", data=b"flavors: {}\n",
                        auth=scientist, timeout=15).status_code == 200
    _register(base, scientist, reviewer, name, run)

    states = set()
    last_look = [0.0]

    def look_at_the_version():
        if time.monotonic() - last_look[0] > 0.5:
            last_look[0] = time.monotonic()
            tags = requests.get(base + "/api/2.0/mlflow/model-versions/get", params={"name": name, "version": "1"},
                                auth=scientist, timeout=15).json()["model_version"].get("tags", [])
            states.update(t["value"] for t in tags if t["key"] == "swiftrack.seal.state")

    started = time.monotonic()
    # The client's own retry policy (the suite turns retries off): 7 repeats, honouring Retry-After.
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "7")
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", reviewer[0])
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", reviewer[1])
    with RSSWatch(pid, tick=look_at_the_version) as memory:
        moved = MlflowClient(tracking_uri=base).transition_model_version_stage(name, "1", "Production")
    took = time.monotonic() - started
    assert moved.current_stage == "Production"
    seal = requests.get(base + "/api/2.0/swiftrack/model-versions/seal", params={"name": name, "version": "1"},
                        auth=scientist, timeout=15).json()["seal"]
    assert {f["path"]: (f["size"], f["sha256"]) for f in seal["files"]}["weights.bin"] == (size, digest)
    assert seal["approver"] == reviewer[0] and moved.tags["swiftrack.seal.digest"] == seal["digest"]
    assert "swiftrack.seal.state" not in moved.tags
    if took > SEAL_WAIT + 1:
        # The job outlived a request's wait: the version was seen marked while the client repeated.
        assert "sealing" in states, (took, states)
    print(f"\nseal of 2 GiB ({sealed_server.kind}): {took:.1f} s, RSS baseline {memory.baseline / 1024:.1f} MiB, "
          f"peak {memory.peak / 1024:.1f} MiB, states seen {sorted(states)}")
    assert memory.growth_mib < 64, f"server RSS grew by {memory.growth_mib:.1f} MiB while sealing 2 GiB"
