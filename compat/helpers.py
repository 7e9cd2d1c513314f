"""Raw-HTTP helpers shared by the compat tests."""
import time

import requests


class Api:
    def __init__(self, base):
        self.base = base
        self.s = requests.Session()

    def url(self, path):
        if path.startswith("/"):
            return self.base + path
        return f"{self.base}/api/2.0/mlflow/{path}"

    def get(self, path, params=None, **kw):
        return self.s.get(self.url(path), params=params, timeout=15, **kw)

    def post(self, path, json=None, **kw):
        return self.s.post(self.url(path), json=json, timeout=15, **kw)

    def request(self, method, path, **kw):
        return self.s.request(method, self.url(path), timeout=15, **kw)

    # helpers used by many tests
    def create_experiment(self, name):
        r = self.post("experiments/create", {"name": name})
        assert r.status_code == 200, r.text
        return r.json()["experiment_id"]

    def create_run(self, experiment_id, **extra):
        body = {"experiment_id": experiment_id, "start_time": int(time.time() * 1000)}
        body.update(extra)
        r = self.post("runs/create", body)
        assert r.status_code == 200, r.text
        return r.json()["run"]["info"]["run_id"]


def assert_error(resp, status, error_code, message=None, contains=None):
    """Assert an MLflow error envelope: status, JSON error_code and (exact or partial) message."""
    assert resp.status_code == status, f"{resp.status_code} {resp.text[:500]}"
    assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.headers
    body = resp.json()
    assert body["error_code"] == error_code, body
    if message is not None:
        assert body["message"] == message, body["message"]
    if contains is not None:
        for part in ([contains] if isinstance(contains, str) else contains):
            assert part in body["message"], body["message"]
    return body


def own_run_source(base_url, **auth):
    """A run of a new experiment the caller creates (and so may read), as the fields a model version
    made from it names: Swiftrack registers object-store sources only inside a run or logged model
    the caller may read, so tests register versions from runs of their own. `auth` is passed to
    requests (auth=(user, password) or headers={...})."""
    import uuid
    experiment = requests.post(base_url + "/api/2.0/mlflow/experiments/create", timeout=15,
                               json={"name": f"source-{uuid.uuid4().hex[:10]}"}, **auth)
    assert experiment.status_code == 200, experiment.text
    run = requests.post(base_url + "/api/2.0/mlflow/runs/create", timeout=15,
                        json={"experiment_id": experiment.json()["experiment_id"]}, **auth)
    assert run.status_code == 200, run.text
    run_id = run.json()["run"]["info"]["run_id"]
    return {"source": f"runs:/{run_id}/model", "run_id": run_id}
