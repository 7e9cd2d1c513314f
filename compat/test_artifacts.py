"""Artifacts through the real client, direct and proxied (`mlflow-artifacts:`), and the proxy's
raw REST routes: uploads, downloads, listings, deletes, models, traversal refusals."""
import hashlib
import os
import threading
import time

import mlflow
import numpy as np
import pytest
import requests

from helpers import assert_error


@pytest.fixture(params=["direct", "proxied"])
def experiment(request, client, unique):
    """An experiment whose artifacts the client writes to disk itself, or through the server."""
    location = f"mlflow-artifacts:/compat-{unique}" if request.param == "proxied" else None
    eid = client.create_experiment(f"arts-{request.param}-{unique}", artifact_location=location)
    mlflow.set_experiment(experiment_id=eid)
    return request.param


def test_log_list_and_download_files(client, experiment, tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("alpha")
    (src / "sub" / "b.bin").write_bytes(os.urandom(300_000))
    (src / "empty.txt").write_text("")
    with mlflow.start_run() as run:
        mlflow.log_text("hello world", "notes/hello.txt")
        mlflow.log_dict({"k": [1, 2]}, "cfg/config.json")
        mlflow.log_image(np.zeros((4, 4, 3), dtype=np.uint8), "img/black.png")
        mlflow.log_artifacts(str(src), "tree")
        mlflow.log_artifact(str(src / "a.txt"))
    rid = run.info.run_id
    if experiment == "proxied":
        assert run.info.artifact_uri.startswith("mlflow-artifacts:/compat-")
    root = {(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(rid)}
    assert root == {("a.txt", False, 5), ("cfg", True, None), ("img", True, None), ("notes", True, None),
                    ("tree", True, None)}
    tree = {(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(rid, "tree")}
    # through the server an empty file has no file_size (proto3 default); read from disk it is 0
    empty_size = None if experiment == "proxied" else 0
    assert tree == {("tree/a.txt", False, 5), ("tree/empty.txt", False, empty_size), ("tree/sub", True, None)}
    assert mlflow.artifacts.load_text(f"runs:/{rid}/notes/hello.txt") == "hello world"
    assert mlflow.artifacts.load_dict(f"runs:/{rid}/cfg/config.json") == {"k": [1, 2]}
    out = mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="tree", dst_path=str(tmp_path / "dl"))
    assert (tmp_path / "dl" / "tree" / "sub" / "b.bin").read_bytes() == (src / "sub" / "b.bin").read_bytes()
    assert os.path.isdir(out)
    png = mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="img/black.png", dst_path=str(tmp_path / "p"))
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.timeout(120)
def test_sklearn_model_round_trip(experiment, unique):
    from sklearn.linear_model import LogisticRegression
    x = np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1], [0.1, 0.9]])
    y = np.array([0, 1, 1, 0])
    model = LogisticRegression().fit(x, y)
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="model", input_example=x[:1],
                                        pip_requirements=["scikit-learn"])
    assert info.model_id.startswith("m-")
    by_run = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    by_id = mlflow.pyfunc.load_model(f"models:/{info.model_id}")
    assert list(by_run.predict(x)) == list(model.predict(x)) == list(by_id.predict(x))
    found = mlflow.search_logged_models(filter_string=f"name = 'model'", output_format="list",
                                        experiment_ids=[run.info.experiment_id])
    assert [m.model_id for m in found] == [info.model_id]
    assert mlflow.get_logged_model(info.model_id).status.to_int() == 2  # READY


def _proxy(server, path=""):
    return f"{server}/api/2.0/mlflow-artifacts/artifacts{path}"


def test_proxy_rest_routes(server, unique):
    base = _proxy(server, f"/raw-{unique}")
    assert requests.put(base + "/dir/one.txt", data=b"one").status_code == 200
    assert requests.put(base + "/two.csv", data=b"a,b\n1,2\n").status_code == 200
    got = requests.get(base + "/two.csv")
    assert got.status_code == 200 and got.content == b"a,b\n1,2\n"
    assert got.headers["Content-Type"].startswith("text/plain")
    assert got.headers["Content-Disposition"] == "attachment; filename=two.csv"
    listing = requests.get(_proxy(server), params={"path": f"raw-{unique}"}).json()
    assert listing == {"files": [{"path": "dir", "is_dir": True},
                                 {"path": "two.csv", "is_dir": False, "file_size": 8}]}
    assert requests.get(_proxy(server), params={"path": f"raw-{unique}/nothing"}).json() == {}
    assert requests.delete(base + "/dir").status_code == 200
    assert [f["path"] for f in requests.get(_proxy(server), params={"path": f"raw-{unique}"}).json()["files"]] \
        == ["two.csv"]
    ranged = requests.get(base + "/two.csv", headers={"Range": "bytes=2-4"})
    assert ranged.status_code == 206 and ranged.content == b"b\n1"


@pytest.mark.parametrize("path", [
    "/..%2F..%2Fetc%2Fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/%252e%252e/%252e%252e/etc/passwd",
    "/a/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
])
def test_proxy_refuses_traversal(server, path):
    url = _proxy(server, path)
    for response in (requests.get(url), requests.put(url, data=b"x"), requests.delete(url)):
        assert_error(response, 400, "INVALID_PARAMETER_VALUE", "Invalid path")


@pytest.mark.swiftrack_only
def test_proxy_refuses_an_encoded_absolute_path_on_every_verb(server):
    # MLflow refuses GET and PUT, but redirects the DELETE (308) to `etc/passwd` under its root
    # and deletes there; Swiftrack refuses the request itself on every verb.
    url = _proxy(server, "/%2Fetc%2Fpasswd")
    for response in (requests.get(url), requests.put(url, data=b"x"),
                     requests.delete(url, allow_redirects=False)):
        assert_error(response, 400, "INVALID_PARAMETER_VALUE", "Invalid path")


@pytest.mark.parametrize("path", ["../x", "/etc", "%2e%2e/x", "a/../../x"])
def test_listing_refuses_traversal(server, path, client, unique):
    eid = client.create_experiment(f"trav-{unique}", artifact_location=f"mlflow-artifacts:/trav-{unique}")
    rid = client.create_run(eid).info.run_id
    assert_error(requests.get(_proxy(server), params={"path": path}), 400, "INVALID_PARAMETER_VALUE", "Invalid path")
    assert_error(requests.get(f"{server}/api/2.0/mlflow/artifacts/list", params={"run_id": rid, "path": path}),
                 400, "INVALID_PARAMETER_VALUE", "Invalid path")


def _rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _file_of(path, size):
    chunk = os.urandom(1 << 20)
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        for _ in range(size >> 20):
            f.write(chunk)
            digest.update(chunk)
    return digest.hexdigest()


@pytest.mark.swiftrack_only
@pytest.mark.timeout(300)
def test_two_gib_round_trip_keeps_memory_flat(server, server_pid, tmp_path, unique):
    # MLflow streams too, but a 2 GiB transfer through one uvicorn worker takes minutes here;
    # the side-by-side throughput lives in bench/. Swiftrack: the body goes to disk as it arrives,
    # the download is sendfile, and the server's RSS must stay flat throughout.
    size = 2 << 30
    source = tmp_path / "big.bin"
    expected = _file_of(source, size)
    peak = [_rss_kib(server_pid)]
    baseline = peak[0]
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_kib(server_pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    url = _proxy(server, f"/big-{unique}/big.bin")
    try:
        with open(source, "rb") as f:
            assert requests.put(url, data=f, timeout=240).status_code == 200
        source.unlink()
        digest = hashlib.sha256()
        received = 0
        with requests.get(url, stream=True, timeout=240) as r:
            assert r.status_code == 200 and int(r.headers["Content-Length"]) == size
            for block in r.iter_content(1 << 20):
                digest.update(block)
                received += len(block)
    finally:
        done.set()
        watcher.join()
    assert received == size and digest.hexdigest() == expected
    growth_mib = (peak[0] - baseline) / 1024
    print(f"\n2 GiB round trip: server RSS baseline {baseline / 1024:.1f} MiB, peak {peak[0] / 1024:.1f} MiB")
    assert growth_mib < 64, f"server RSS grew by {growth_mib:.1f} MiB during the transfer"
    requests.delete(_proxy(server, f"/big-{unique}"))


# --- hostile upload paths (issue 20): never 500, nothing outside the destination ----------------

def test_proxy_normalises_double_and_encoded_slashes_and_ignores_query(server, unique):
    # As MLflow: `a//b` and `a%2F%2Fb` store `a/b`; a query string is not part of the path.
    base = _proxy(server, f"/slash-{unique}")
    for path in ("/a//b", "/c%2F%2Fd", "/q.txt?x=..%2F"):
        assert requests.put(base + path, data=b"x").status_code == 200
    listing = requests.get(_proxy(server), params={"path": f"slash-{unique}"}).json()
    assert [f["path"] for f in listing["files"]] == ["a", "c", "q.txt"]
    assert requests.get(base + "/a/b").content == b"x"
    assert requests.get(base + "/c/d").content == b"x"


@pytest.mark.swiftrack_only
@pytest.mark.parametrize("suffix", ["/" + "s" * 256 + "/f", "/" + "s" * 5000, "/a.txt/b", "/a.txt/b/c/d", ""])
def test_proxy_upload_path_faults_are_400(server, unique, suffix):
    # MLflow answers 500 to each (OSError from the file system); Swiftrack says what is wrong,
    # and a directory is never replaced by the uploaded file.
    base = _proxy(server, f"/fault-{unique}")
    assert requests.put(base + "/a.txt", data=b"kept").status_code == 200
    assert requests.put(base + "/dir/kept.txt", data=b"kept").status_code == 200
    target = base + suffix if suffix else base + "/dir"
    resp = requests.put(target, data=b"x")
    body = assert_error(resp, 400, "INVALID_PARAMETER_VALUE")
    assert body["message"].startswith("Invalid path"), body
    assert requests.get(base + "/a.txt").content == b"kept"
    assert requests.get(base + "/dir/kept.txt").content == b"kept"
