"""What a download leaves in the server's staging folder (docs/REGISTRY.md, "Verified on read"):
nothing, however the request ends, and no more checked copies at once than `--sealed-copy-bytes`. A sealed file is sent from a checked copy there, and with an S3
destination every download lands there first; a 416 (a range past the end) or a client that hangs
up mid-request once left such a file behind for good, so any reader could fill the disk.

Runs against the sealed-versions server (access control on, proxied artifacts in a local folder
or in moto's S3 bucket). Swiftrack only: MLflow has no seals."""
import base64
import os
import random
import socket
import struct
import time
from urllib.parse import urlencode, urlsplit

import pytest
import requests

from conftest import IS_MLFLOW
from test_sealed_versions import SealedServer, _model_to_seal, _register, sealed_server  # noqa: F401 (the fixture)

pytestmark = pytest.mark.skipif(IS_MLFLOW, reason="seals are Swiftrack's (MLflow's server has none)")


def _files(folder):
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def _no_new_files(folder, before, seconds=15):
    """The files in `folder` that were not in `before`, once there are none or after `seconds`: the
    server lets go of a response when its request is over, just after the client is."""
    deadline = time.monotonic() + seconds
    while True:
        new = _files(folder) - before
        if not new or time.monotonic() > deadline:
            return new
        time.sleep(0.1)


def _hang_up(base, target, credentials, after):
    """Sends a GET for `target` and closes the connection with a reset `after` seconds later: while
    the handler runs, or while the body is being sent."""
    parts = urlsplit(base)
    token = base64.b64encode(f"{credentials[0]}:{credentials[1]}".encode()).decode()
    with socket.create_connection((parts.hostname, parts.port), timeout=15) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: Basic {token}\r\n\r\n".encode())
        time.sleep(after)
        if after > 0.05:
            s.recv(1024)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


@pytest.mark.timeout(300)
def test_416s_and_clients_that_hang_up_leave_no_file_in_the_staging_folder(sealed_server):
    base = sealed_server.base
    scientist, reviewer, name, experiment, run = _model_to_seal(base, "scratch")
    folder = f"{experiment}/{run}/artifacts"
    weights = random.Random(name).randbytes(4 << 20)
    proxy = f"/api/2.0/mlflow-artifacts/artifacts/{folder}"
    for path, data in (("model/weights.bin", weights), ("model/MLmodel", b"flavors: {}\n"), ("notes.txt", b"n" * 1000)):
        assert requests.put(base + f"{proxy}/{path}", data=data, auth=scientist, timeout=60).status_code == 200
    _register(base, scientist, reviewer, name, run)
    promoted = requests.post(base + "/api/2.0/mlflow/model-versions/transition-stage", auth=reviewer, timeout=120,
                             json={"name": name, "version": "1", "stage": "Production"})
    assert promoted.status_code == 200, promoted.text

    # The sealed file through each route that sends it, and (served from S3's download there too)
    # a file beside the model that is not sealed.
    targets = [
        f"{proxy}/model/weights.bin",
        "/get-artifact?" + urlencode({"run_id": run, "path": "model/weights.bin"}),
        "/model-versions/get-artifact?" + urlencode({"name": name, "version": "1", "path": "weights.bin"}),
        f"{proxy}/notes.txt",
    ]
    r = requests.get(base + targets[0], auth=scientist, timeout=60)
    assert r.status_code == 200 and r.content == weights
    before = _files(sealed_server.staging)

    for target in targets:
        for _ in range(3):
            r = requests.get(base + target, headers={"Range": "bytes=99999999999-"}, auth=scientist, timeout=60)
            assert r.status_code == 416, (target, r.status_code, r.text)
            assert r.headers["Content-Range"].startswith("bytes */"), r.headers
    assert _no_new_files(sealed_server.staging, before) == set(), "a 416 left its temporary file"

    # Clients that hang up: at once (while the handler fetches and checks), or once the body flows.
    for i in range(24):
        _hang_up(base, targets[i % len(targets)], scientist, after=(0, 0.01, 0.1)[i % 3])
    assert _no_new_files(sealed_server.staging, before) == set(), "a dropped response left its temporary file"

    # Still served whole and by range afterwards.
    r = requests.get(base + targets[2], headers={"Range": "bytes=10-19"}, auth=scientist, timeout=60)
    assert r.status_code == 206 and r.content == weights[10:20]
    assert _no_new_files(sealed_server.staging, before) == set()


@pytest.fixture(scope="module")
def bounded_server():
    server = SealedServer("local", extra_args=["--sealed-copy-bytes", str(100 << 20)])
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.mark.timeout(300)
def test_slow_readers_of_a_sealed_file_hold_no_more_copies_than_the_limit(bounded_server):
    """A 64 MiB sealed file under a 100 MiB limit: one slow reader holds its checked copy (open, its
    name gone) until its response is over; a second download meanwhile is told 503 with Retry-After,
    and is served once the first reader is gone."""
    base = bounded_server.base
    scientist, reviewer, name, experiment, run = _model_to_seal(base, "bounded")
    proxy = f"{base}/api/2.0/mlflow-artifacts/artifacts/{experiment}/{run}/artifacts/model"
    weights = random.Random(name).randbytes(64 << 20)
    assert requests.put(f"{proxy}/weights.bin", data=weights, auth=scientist, timeout=120).status_code == 200
    assert requests.put(f"{proxy}/MLmodel", data=b"flavors: {}\n", auth=scientist, timeout=15).status_code == 200
    _register(base, scientist, reviewer, name, run)
    promoted = requests.post(base + "/api/2.0/mlflow/model-versions/transition-stage", auth=reviewer, timeout=120,
                             json={"name": name, "version": "1", "stage": "Production"})
    assert promoted.status_code == 200, promoted.text
    before = _files(bounded_server.staging)

    # Larger than the socket buffers: the server is still sending while this reader waits.
    slow = requests.get(f"{proxy}/weights.bin", auth=scientist, stream=True, timeout=60)
    assert slow.status_code == 200
    assert slow.raw.read(1 << 20) == weights[:1 << 20]
    refused = requests.get(f"{proxy}/weights.bin", auth=scientist, timeout=60)
    assert refused.status_code == 503, refused.text
    assert refused.json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
    assert "--sealed-copy-bytes 104857600" in refused.json()["message"]
    assert refused.headers["Retry-After"] == "5"
    # The MLmodel (12 bytes) still fits beside it.
    assert requests.get(f"{proxy}/MLmodel", auth=scientist, timeout=60).content == b"flavors: {}\n"

    slow.close()
    deadline = time.monotonic() + 15
    while True:
        r = requests.get(f"{proxy}/weights.bin", auth=scientist, timeout=60)
        if r.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert r.status_code == 200 and r.content == weights, r.status_code
    assert _no_new_files(bounded_server.staging, before) == set()
