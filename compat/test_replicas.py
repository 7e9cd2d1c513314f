"""Several Swiftrack replicas on one PostgreSQL database behind a real nginx with TLS (the compose
blueprint's topology, from plain processes: compat/topology.py). No sticky sessions: any request
may reach any replica. Names and version numbers are decided by the database under races across
replicas; a load through nginx survives one replica killed mid-load with nothing acknowledged
lost; the audit chain written by all replicas verifies."""
import concurrent.futures
import os
import subprocess
import threading
import time
import uuid

import pytest
import requests

from conftest import ENGINE, SWIFTRACK_BIN
from topology import Topology

pytestmark = [
    pytest.mark.swiftrack_only,
    pytest.mark.skipif(ENGINE != "postgres", reason="replicas share a PostgreSQL database: runs in the PostgreSQL pass"),
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    topology = Topology(str(tmp_path_factory.mktemp("replicas")), count=3).start()
    yield topology
    topology.stop()


def session(cluster):
    s = requests.Session()
    s.trust_env = False    # else REQUESTS_CA_BUNDLE in the environment wins over `verify`
    s.verify = cluster.cert
    return s


def test_replicas_share_one_database_and_any_replica_answers(cluster):
    s = session(cluster)
    name = f"replicas-{uuid.uuid4().hex[:8]}"
    created = s.post(cluster.url + "/api/2.0/mlflow/experiments/create", json={"name": name}, timeout=15)
    assert created.status_code == 200, created.text
    experiment = created.json()["experiment_id"]
    for i in range(cluster.count):    # written through nginx, read from each replica directly
        got = requests.get(cluster.direct(i) + "/api/2.0/mlflow/experiments/get-by-name",
                           params={"experiment_name": name}, headers=cluster.PROXIED, timeout=15)
        assert got.status_code == 200 and got.json()["experiment"]["experiment_id"] == experiment
    # Plain HTTP straight to a replica, not through the proxy, is refused (--require-https).
    assert requests.get(cluster.direct(0) + "/api/2.0/mlflow/experiments/search", timeout=15).status_code == 403
    reply = s.get(cluster.url + "/api/2.0/mlflow/experiments/search", params={"max_results": 1}, timeout=15)
    assert reply.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_mlflow_client_works_through_nginx(cluster, monkeypatch, tmp_path):
    monkeypatch.setenv("MLFLOW_TRACKING_SERVER_CERT_PATH", cluster.cert)
    import mlflow
    from mlflow import MlflowClient
    client = MlflowClient(tracking_uri=cluster.url)
    experiment = client.create_experiment(f"replica-client-{uuid.uuid4().hex[:8]}")
    run = client.create_run(experiment)
    for step in range(20):   # consecutive calls land on different replicas
        client.log_metric(run.info.run_id, "loss", 1.0 / (step + 1), step=step)
    weights = tmp_path / "weights.bin"
    weights.write_bytes(os.urandom(2 << 20))
    client.log_artifact(run.info.run_id, str(weights))
    client.set_terminated(run.info.run_id)
    assert [m.step for m in client.get_metric_history(run.info.run_id, "loss")] == list(range(20))
    down = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="weights.bin",
                                               dst_path=str(tmp_path / "down"), tracking_uri=cluster.url)
    assert open(down, "rb").read() == weights.read_bytes()


def test_unique_names_and_version_numbers_hold_under_races_across_replicas(cluster):
    name = f"race-{uuid.uuid4().hex[:8]}"
    barrier = threading.Barrier(24)

    def create(i):
        barrier.wait()
        return requests.post(cluster.direct(i % cluster.count) + "/api/2.0/mlflow/experiments/create",
                             json={"name": name}, headers=cluster.PROXIED, timeout=30)

    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        replies = list(pool.map(create, range(24)))
    codes = sorted(r.status_code for r in replies)
    assert codes.count(200) == 1, [r.text for r in replies if r.status_code != 400]
    assert all(r.json()["error_code"] == "RESOURCE_ALREADY_EXISTS" for r in replies if r.status_code != 200)

    model = f"race-model-{uuid.uuid4().hex[:8]}"
    assert requests.post(cluster.direct(0) + "/api/2.0/mlflow/registered-models/create", json={"name": model},
                         headers=cluster.PROXIED, timeout=15).status_code == 200
    barrier = threading.Barrier(24)

    def version(i):
        barrier.wait()
        return requests.post(cluster.direct(i % cluster.count) + "/api/2.0/mlflow/model-versions/create",
                             json={"name": model, "source": f"s3://bucket/model-{i}"}, headers=cluster.PROXIED,
                             timeout=30)

    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        replies = list(pool.map(version, range(24)))
    assert all(r.status_code == 200 for r in replies), [r.text for r in replies if r.status_code != 200]
    assert sorted(int(r.json()["model_version"]["version"]) for r in replies) == list(range(1, 25))


@pytest.mark.timeout(180)
def test_a_load_through_nginx_survives_a_replica_killed_mid_load(cluster):
    """16 writers log batches through nginx for 12 s; replica 0 is killed with SIGKILL after 4 s.
    Every batch answered 200 must be in the database; a batch that got an error may or may not be
    (the client retries those); after the kill, nginx sends everything to the live replicas."""
    s = session(cluster)
    experiment = s.post(cluster.url + "/api/2.0/mlflow/experiments/create",
                        json={"name": f"load-{uuid.uuid4().hex[:8]}"}, timeout=15).json()["experiment_id"]
    writers, duration, kill_at = 16, 12.0, 4.0
    runs = [s.post(cluster.url + "/api/2.0/mlflow/runs/create", json={"experiment_id": experiment}, timeout=15)
            .json()["run"]["info"]["run_id"] for _ in range(writers)]
    acknowledged = {run: [] for run in runs}
    failures, latencies = [], []
    started = time.monotonic()
    killed = threading.Event()

    def write(run):
        own = session(cluster)
        step = 0
        while time.monotonic() - started < duration:
            body = {"run_id": run, "metrics": [{"key": "m", "value": float(step), "timestamp": 1, "step": step}]}
            t0 = time.monotonic()
            try:
                reply = own.post(cluster.url + "/api/2.0/mlflow/runs/log-batch", json=body, timeout=30)
                latencies.append(time.monotonic() - t0)
                if reply.status_code == 200:
                    acknowledged[run].append(step)
                else:
                    failures.append((time.monotonic() - started, reply.status_code, killed.is_set()))
            except requests.RequestException as error:
                failures.append((time.monotonic() - started, type(error).__name__, killed.is_set()))
            step += 1

    with concurrent.futures.ThreadPoolExecutor(writers) as pool:
        futures = [pool.submit(write, run) for run in runs]
        time.sleep(kill_at)
        cluster.kill(0)
        killed.set()
        for future in futures:
            future.result()

    total = sum(len(steps) for steps in acknowledged.values())
    print(f"\nreplicas: {total} batches acknowledged, {len(failures)} failed, "
          f"p99 {sorted(latencies)[int(len(latencies) * 0.99)] * 1000:.0f} ms over {len(latencies)} requests")
    assert total > 200, "the load barely ran"
    # Failures only around the kill (requests that were in flight on the killed replica), and few.
    late = [f for f in failures if f[0] > kill_at + 3]
    assert not late, late
    assert len(failures) <= writers * 2, failures
    for run, steps in acknowledged.items():
        history = requests.get(cluster.direct(1) + "/api/2.0/mlflow/metrics/get-history",
                               params={"run_id": run, "metric_key": "m"}, headers=cluster.PROXIED, timeout=30)
        stored = {m["step"] for m in history.json().get("metrics", [])}
        missing = set(steps) - stored
        assert not missing, f"run {run}: acknowledged steps lost: {sorted(missing)[:10]}"


def test_the_audit_chain_written_by_every_replica_verifies(cluster):
    # After the load (one replica killed) the chain still verifies: each record was chained in the
    # audit database's transaction, whichever replica wrote it.
    for i in range(1, cluster.count):
        requests.get(cluster.direct(i) + "/api/2.0/mlflow/experiments/search", headers=cluster.PROXIED, timeout=15)
    codes = cluster.stop()   # graceful for the live ones: their queued records are flushed
    assert codes[1:] == [0] * (cluster.count - 1)
    verified = subprocess.run([SWIFTRACK_BIN, "audit", "verify", "--audit-db-uri", cluster.audit_database],
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    count = int(verified.stdout.split("OK: ")[1].split(" records")[0])
    assert count > 500, verified.stdout
