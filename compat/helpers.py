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
